import { execFileSync } from 'node:child_process';
import http from 'node:http';
import { test, expect, request as requests, type Locator, type Page } from '@playwright/test';
import { apiKeysPath, expectAccessible, expectAllInView, expectNoHorizontalScroll, tab } from './helpers';

// A key's details drawer: an admin makes a key that only works from some networks, the
// integration is refused from elsewhere, the admin widens the list (a typo first), the
// integration's address shows under Recent clients, the events say what changed; a leak
// report then leaves the drawer read-only. On a company of its own, at desktop, tablet
// and phone widths.
test.describe.configure({ mode: 'serial', timeout: 120_000 });

const founder = { company: 'Nordlys Integrasjon AS', name: 'Åsa Ødegård-Nakamura', email: 'asa@nordlys-integrasjon.example', password: 'nordlys integrasjon password' };

const keyName = 'Синхронизация склада Орхус — Nordlys Lagerstyring og ordreimport (Ørsted Vindkraft Måledata) 2026';
const userAgent = 'Nordlys-ERP-Connector/4.2.1 (Linux x86_64; warehouse-sync; +https://nordlys.example/integrations) node/20 undici/6';

let page: Page;
let secret = '';
let keyId = '';

test.beforeAll(async ({ browser }) => {
  execFileSync(process.env.APIKEYS_E2E_BIN!, ['create-org', '--name', founder.company, '--admin-email', founder.email, '--admin-name', founder.name], {
    input: `${founder.password}\n`,
    env: { ...process.env, DATABASE_URL: process.env.APIKEYS_E2E_DATABASE_URL },
  });
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  page = await context.newPage();
  // The page's own request context shares the browser's cookies: signing in here signs the page in.
  expect((await page.request.post('/auth/login', { data: { email: founder.email, password: founder.password } })).ok()).toBe(true);
});

const masked = (key: string) => `gak_…${key.slice(-4)}`;
const drawerOf = (p: Page) => p.getByRole('dialog', { name: 'API key details' });
const region = (p: Page, name: string) => drawerOf(p).getByRole('region', { name });
const detailsPath = () => `${apiKeysPath}?key=${keyId}`;

/** Calls the API with the key as the integration does: its own User-Agent, from 127.0.0.1. */
async function integrationCall(key: string) {
  const integration = await requests.newContext({
    baseURL: process.env.APIKEYS_E2E_URL,
    extraHTTPHeaders: { Authorization: `Bearer ${key}`, 'User-Agent': userAgent },
  });
  const res = await integration.post('/graphql', { data: { query: '{ viewer { kind name } }' } });
  const result = { status: res.status(), body: (await res.json()) as { errors?: { message: string; extensions?: { code?: string } }[] } };
  await integration.dispose();
  return result;
}

/** The HTTP status of a call with the key from another loopback address (the server listens on 127.0.0.1). */
function callFrom(localAddress: string, key: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      new URL('/graphql', process.env.APIKEYS_E2E_URL),
      { method: 'POST', localAddress, headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}` } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ query: '{ viewer { name } }' }));
  });
}

/** The list items of the drawer's Allowed networks, as shown. */
function networkItems(p: Page) {
  return region(p, 'Allowed networks').getByRole('listitem');
}

/** No sideways scrolling inside the drawer either. */
async function expectDrawerFits(p: Page, what: string) {
  const { scroll, width } = await drawerOf(p).evaluate((el) => ({ scroll: el.scrollWidth, width: el.clientWidth }));
  expect(scroll, `drawer width of ${what}`).toBeLessThanOrEqual(width);
}

/** Each locator is scrolled to within the drawer, then wholly in the window and reachable by a click. */
async function expectInDrawerView(p: Page, locator: Locator, what: string) {
  await locator.scrollIntoViewIfNeeded();
  await expectAllInView(p, locator, what);
}

test('an admin adds a key kept to two networks; elsewhere the key is refused', async () => {
  expect(keyName.length).toBeLessThanOrEqual(100);
  await page.goto(apiKeysPath);
  await page.getByRole('button', { name: 'Add API Key' }).click();
  const add = page.getByRole('dialog', { name: 'Add API Key' });
  await add.getByLabel('Name').fill(keyName);
  const networks = add.getByRole('textbox', { name: 'Allowed networks (optional)' });
  await expect(networks).toHaveAccessibleDescription(/Empty: any address/);
  await networks.fill('203.0.113.0/24,\n2001:db8::/32\n');
  await expectAccessible(page, 'the Add API Key dialog with allowed networks');
  await add.getByRole('button', { name: 'Create key' }).click();
  const created = page.getByRole('dialog', { name: 'API key created' });
  const field = created.getByRole('textbox', { name: 'API key' });
  await expect(field).toHaveValue(/^gak_[0-9A-Za-z]{36}$/);
  secret = await field.inputValue();
  await created.getByRole('button', { name: 'Copy API key' }).click();
  await created.getByRole('button', { name: 'Done' }).click();
  await expect(created).toBeHidden();

  // The test runs on 127.0.0.1: not one of the key's networks.
  const refused = await integrationCall(secret);
  expect(refused.status).toBe(403);
  expect(refused.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
});

test('its name opens the details drawer, from the keyboard too: the networks, no clients yet, and the Created event', async () => {
  const row = page.getByRole('row').filter({ hasText: masked(secret) });
  const name = row.getByRole('link', { name: keyName });
  await name.focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/[?&]key=key_[0-9A-Za-z]+$/);
  keyId = new URL(page.url()).searchParams.get('key')!;

  const drawer = drawerOf(page);
  await expect(drawer.getByRole('heading', { name: keyName })).toBeVisible();
  await expect(drawer).toContainText(masked(secret));
  await expect(drawer).toContainText('Viewer');
  await expect(drawer).toContainText('Active');
  await expect(drawer).toContainText(`by ${founder.name}`);
  await expect(drawer).toContainText('Never used');
  // As the server keeps them: normalized and sorted.
  await expect(networkItems(page)).toHaveText(['2001:db8::/32', '203.0.113.0/24']);
  await expect(region(page, 'Recent clients')).toContainText('Not used yet');
  const events = region(page, 'Events').getByRole('table', { name: 'Events of this key' });
  await expect(events.getByRole('row').filter({ hasText: 'Created API key' })).toContainText('Allowed networks: 2001:db8::/32, 203.0.113.0/24');
  await expectAccessible(page, 'the key details drawer');

  await page.keyboard.press('Escape');
  await expect(drawer).toBeHidden();
  await expect(page).not.toHaveURL(/key=/);
  await expect(name).toBeFocused();
});

test('an admin edits the networks in place: a typo is named on the field, the fixed list is saved and audited', async () => {
  await page.goto(detailsPath());
  const networks = region(page, 'Allowed networks');
  await networks.getByRole('button', { name: 'Edit allowed networks' }).click();
  const field = networks.getByRole('textbox', { name: 'Allowed networks' });
  await expect(field).toBeFocused();
  await expect(field).toHaveValue('2001:db8::/32\n203.0.113.0/24');
  await field.fill('127.0.0.1, 10.0.0.300\n203.0.113.0/24\n2001:db8::/32');
  await networks.getByRole('button', { name: 'Save' }).click();
  await expect(networks.getByText('"10.0.0.300" is not an IP address or a CIDR network')).toBeVisible();
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(field).toBeFocused();
  await expectAccessible(page, 'the allowed networks with a server error');

  await field.fill('127.0.0.1\n203.0.113.0/24\n2001:db8::/32');
  await networks.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Saved the allowed networks of' })).toContainText(`(${masked(secret)})`);
  await expect(networkItems(page)).toHaveText(['127.0.0.1/32', '2001:db8::/32', '203.0.113.0/24']);
  await expect(networks.getByRole('button', { name: 'Edit allowed networks' })).toBeFocused();
  const events = region(page, 'Events').getByRole('table', { name: 'Events of this key' });
  await expect(events.getByRole('row').filter({ hasText: 'Updated API key' })).toContainText(
    'Allowed networks: 2001:db8::/32, 203.0.113.0/24 → 127.0.0.1/32, 2001:db8::/32, 203.0.113.0/24',
  );
  await expect(events.getByRole('row').filter({ hasText: 'Updated API key' })).toContainText(founder.name);
});

test('the integration works from its address, which Recent clients shows after a reload; another address is still refused', async () => {
  expect((await integrationCall(secret)).status).toBe(200);
  expect(await callFrom('127.0.0.2', secret)).toBe(403);
  // Uses are written in batches (APIKEYS_LAST_USED_FLUSH is 100 ms for these tests).
  await expect
    .poll(async () => {
      const res = await page.request.post('/graphql', {
        data: { query: 'query ($id: ID!) { node(id: $id) { ... on APIKey { recentClients { address } } } }', variables: { id: keyId } },
      });
      const body = (await res.json()) as { data?: { node?: { recentClients?: { address: string }[] } } };
      return body.data?.node?.recentClients?.map((c) => c.address);
    })
    .toEqual(['127.0.0.1']);

  await page.reload();
  const clients = region(page, 'Recent clients').getByRole('table', { name: 'Recent clients' });
  const rows = clients.getByRole('row');
  // A header and one client: the refused address was never a client.
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(1)).toContainText('127.0.0.1');
  await expect(rows.nth(1)).toContainText(/just now|minute ago/);
  const seen = rows.nth(1).locator('time');
  expect(Math.abs(Date.parse((await seen.getAttribute('datetime'))!) - Date.now())).toBeLessThan(5 * 60_000);
  await expect(seen).toHaveAttribute('title', /\d{2}:\d{2}:\d{2}/);
  // The long user agent is cut, and whole on focus.
  const agent = rows.nth(1).locator('[data-cut]');
  await expect(agent).toHaveText(userAgent);
  await agent.focus();
  await expect(page.getByRole('tooltip')).toHaveText(userAgent);
  await expect(drawerOf(page)).not.toContainText('Never used');
  await expectAccessible(page, 'the key details with a recent client');
});

for (const [width, size] of [
  ['desktop', { width: 1440, height: 900 }],
  ['tablet', { width: 768, height: 1024 }],
  ['phone', { width: 390, height: 844 }],
] as const) {
  test(`on a ${width} (${size.width}×${size.height}) the drawer fits, its actions are in view, and the name in the list opens it`, async () => {
    await page.setViewportSize(size);
    await page.goto(apiKeysPath);
    const list = width === 'desktop' ? page.getByRole('table', { name: 'Active keys' }) : page.getByRole('list', { name: 'Active keys' });
    await list.getByRole('link', { name: keyName }).click();
    const drawer = drawerOf(page);
    await expect(drawer.getByRole('heading', { name: keyName })).toBeVisible();
    await expect(page).toHaveURL(new RegExp(`key=${keyId}$`));
    await expect(networkItems(page)).toHaveCount(3);
    await expectNoHorizontalScroll(page, `the drawer (${width})`);
    await expectDrawerFits(page, width);
    if (width === 'phone') expect((await drawer.boundingBox())?.width).toBe(size.width);
    await expectInDrawerView(page, drawer.getByRole('button', { name: 'Close' }), `Close (${width})`);
    const edit = drawer.getByRole('button', { name: 'Edit allowed networks' });
    await expectInDrawerView(page, edit, `Edit allowed networks (${width})`);
    await expectAccessible(page, `the key details drawer (${width})`);
    // docs/key-details-<width>.png with UPDATE_SCREENSHOT=1 (test-results/ otherwise).
    await page.mouse.move(0, 0);
    await page.screenshot({ path: process.env.UPDATE_SCREENSHOT ? `../docs/key-details-${width}.png` : `test-results/key-details-${width}.png` });

    await edit.click();
    for (const action of ['Save', 'Cancel']) await expectInDrawerView(page, drawer.getByRole('button', { name: action }), `${action} (${width})`);
    await expectDrawerFits(page, `${width}, editing`);
    await expectNoHorizontalScroll(page, `the drawer while editing (${width})`);
    await drawer.getByRole('button', { name: 'Cancel' }).click();
    await expect(edit).toBeFocused();

    await drawer.getByRole('button', { name: 'Close' }).click();
    await expect(drawer).toBeHidden();
    await expect(page).not.toHaveURL(/key=/);
  });
}

test('once reported leaked, the key is revoked and its details read-only, with the report among its events', async () => {
  await page.setViewportSize({ width: 1440, height: 900 });
  // Anyone who finds a key may report it, signed in or not.
  const reporter = await requests.newContext({ baseURL: process.env.APIKEYS_E2E_URL });
  expect((await reporter.post('/credentials/revoke', { data: { credentials: [secret] } })).status()).toBe(202);
  await reporter.dispose();
  expect((await integrationCall(secret)).status).toBe(401);

  await page.goto(apiKeysPath);
  await tab(page, 'Revoked Keys').click();
  const row = page.getByRole('table', { name: 'Revoked keys' }).getByRole('row').filter({ hasText: masked(secret) });
  await expect(row).toContainText('Leaked — reported by a leak report');
  // A click anywhere on the row opens it too (here on the masked key).
  await row.getByText(masked(secret)).click();
  await expect(page).toHaveURL(new RegExp(`tab=revoked&key=${keyId}$`));

  const drawer = drawerOf(page);
  await expect(drawer).toContainText('Revoked');
  await expect(drawer).toContainText('Leaked — reported by a leak report');
  const networks = region(page, 'Allowed networks');
  await expect(networkItems(page)).toHaveText(['127.0.0.1/32', '2001:db8::/32', '203.0.113.0/24']);
  await expect(networks).toContainText('A revoked key cannot be changed.');
  await expect(networks.getByRole('button')).toHaveCount(0);
  await expect(region(page, 'Recent clients').getByRole('row')).toHaveCount(2);
  const events = region(page, 'Events').getByRole('table', { name: 'Events of this key' });
  await expect(events.getByRole('row').nth(1)).toContainText('API key reported leaked');
  await expectAccessible(page, 'the details of a leaked key');

  // A shared link opens the same drawer over the same tab.
  await page.reload();
  await expect(drawer.getByRole('heading', { name: keyName })).toBeVisible();
  await expect(tab(page, 'Revoked Keys')).toHaveAttribute('aria-selected', 'true');
});
