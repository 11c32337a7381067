import { execFileSync } from 'node:child_process';
import { test, expect, request as requests, type APIRequestContext, type Locator, type Page } from '@playwright/test';
import { apiKeysPath, callWithKey, expectAccessible, expectAllInView, expectCounts, expectNoHorizontalScroll, tab } from './helpers';

// The API Keys page under real use: a company with 65 keys (100-character names with and
// without spaces, Danish, German, Russian, Greek and Turkish names, emoji, duplicates, keys
// made by a service account and by a person since deleted, both roles, 20 revoked), seeded
// through the API, on a desktop, a tablet and a phone.
//
// The company is its own, made with the operator's create-org command and an email of its
// own: earlier specs leave ada@example.com in two companies, which this one never touches.
// Each test walks many states and scans each with axe: minutes, not the default 60 s.
test.describe.configure({ mode: 'serial', timeout: 240_000 });

const founder = { company: 'Nordlys Logistik A/S', name: 'Ingrid Ørsted-Bækgaard', email: 'ingrid@nordlys.example', password: 'nordlys founder password' };

/** A name of exactly 100 characters. */
function hundred(text: string, fill: string) {
  const name = text.padEnd(100, fill).slice(0, 100);
  // The server keeps names as typed, but a trailing space would be easy to misread here.
  return name.endsWith(' ') ? `${name.slice(0, 99)}.` : name;
}
const longWithSpaces = hundred('Nordic Freight Consolidation and Customs Declaration Integration for the Warehouse Management System', ' x');
const longWithoutSpaces = hundred('ERPSynchronisationServiceForTheCentralWarehouseInAarhusDenmarkWithNightlyBatchImportsAndExports', 'Z');
const longGerman = hundred('Größenmessung und Übersichtsbericht für die Straßenbau-Niederlassungen München Süd und Nürnberg Nord', '.');
const longGreek = hundred('ΣΥΓΧΡΟΝΙΣΜΟΣΑΠΟΘΗΚΗΣΘΕΣΣΑΛΟΝΙΚΗΣΚΑΙΠΕΙΡΑΙΩΣΜΕΝΥΧΤΕΡΙΝΕΣΕΞΑΓΩΓΕΣΔΕΔΟΜΕΝΩΝ', 'Ω');

const alphabets = [
  'Ørsted Vindkraft Måledata',
  'Æbleø Regnskab',
  'Blåbærgården Webshop',
  'Müller Straßenbau GmbH',
  'Größenmessung Übersicht',
  'Москва Склад Синхронизация',
  'Санкт-Петербург Отчёты',
  'Ελληνικά Τιμολόγια Αθήνα',
  'ΣΥΓΧΡΟΝΙΣΜΟΣ Αποθήκης',
  'İstanbul Şube Entegrasyonu',
  'Iğdır Lojistik Çıkış',
  '🚚 Fleet Tracker 🚀',
  '📊 Reporting Dashboard',
  'Café ☕ Orders',
  '👩‍💻 Dev Sandbox',
];
const filler = [
  'Shopify Order Import',
  'Payroll Export',
  'Power BI Connector',
  'Slack Alerts',
  'Backup Job',
  'Carrier Rates (DHL)',
  'Carrier Rates (PostNord)',
  'Invoice OCR',
  'Zapier Automation',
  'Azure Data Factory',
  'Salesforce Sync',
  'Customs Broker Feed',
];
const scanners = Array.from({ length: 24 }, (_, i) => `Warehouse Scanner ${String(i + 1).padStart(2, '0')}`);

type Seeded = { id: string; name: string; secret: string };
const seeded: Seeded[] = [];
let activeCount = 0;
let revokedCount = 0;
/** The key revoked last: first on the Revoked tab. */
let lastRevoked: Seeded;
/** The key used last: first by "Last used", newest first. */
let lastUsed: Seeded;

async function graphql<T = Record<string, unknown>>(api: APIRequestContext, query: string, variables: Record<string, unknown> = {}, key?: string): Promise<T> {
  const res = await api.post('/graphql', {
    data: { query, variables },
    headers: key ? { Authorization: `Bearer ${key}` } : {},
  });
  const body = (await res.json()) as { data?: T; errors?: { message: string }[] };
  expect(body.errors ?? [], `${query.slice(0, 60)}…`).toEqual([]);
  return body.data!;
}

const createKey = `mutation ($input: CreateAPIKeyInput!) { createAPIKey(input: $input) { secret apiKey { id name } } }`;
const revokeKey = `mutation ($id: ID!) { revokeAPIKey(input: { id: $id }) { apiKey { id } } }`;

async function create(api: APIRequestContext, name: string, role: 'ADMIN' | 'VIEWER', key?: string): Promise<Seeded> {
  const data = await graphql<{ createAPIKey: { secret: string; apiKey: { id: string; name: string } } }>(api, createKey, { input: { name, role } }, key);
  const made = { id: data.createAPIKey.apiKey.id, name, secret: data.createAPIKey.secret };
  seeded.push(made);
  activeCount++;
  return made;
}

async function revoke(api: APIRequestContext, k: Seeded, key?: string) {
  await graphql(api, revokeKey, { id: k.id }, key);
  activeCount--;
  revokedCount++;
  lastRevoked = k;
}

const byName = (name: string) => seeded.find((k) => k.name === name)!;

let page: Page;

test.beforeAll(async ({ browser }) => {
  execFileSync(process.env.APIKEYS_E2E_BIN!, ['create-org', '--name', founder.company, '--admin-email', founder.email, '--admin-name', founder.name], {
    input: `${founder.password}\n`,
    env: { ...process.env, DATABASE_URL: process.env.APIKEYS_E2E_DATABASE_URL },
  });
  const context = await browser.newContext();
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  page = await context.newPage();
  // The page's own request context shares the browser's cookies: signing in here signs the page in.
  const api = page.request;
  expect((await api.post('/auth/login', { data: { email: founder.email, password: founder.password } })).ok()).toBe(true);

  let i = 0;
  const role = () => (i++ % 3 === 0 ? 'ADMIN' : 'VIEWER');
  for (const name of ['ERP Sync Service', 'Reporting Dashboard', 'ERP Sync Service', ...alphabets]) await create(api, name, role());
  for (const name of [...filler, 'ERP Sync Service', 'Reporting Dashboard', longGerman, ...scanners]) await create(api, name, role());
  // The long names are among the newest: on the first page, newest first.
  for (const name of [longWithSpaces, longWithoutSpaces, longGreek]) await create(api, name, role());

  // A service account with the Admin role makes and revokes keys of its own.
  const bot = await create(api, 'Provisioning Bot', 'ADMIN');
  for (const name of ['Provisioned · Scanner Fleet A', 'Provisioned · Scanner Fleet B', 'Provisioned · Label Printer']) await create(api, name, 'VIEWER', bot.secret);

  // A person makes a key and is then deleted.
  const people = await graphql<{ createUser: { user: { id: string } } }>(
    api,
    `mutation ($input: CreateUserInput!) { createUser(input: $input) { user { id } } }`,
    { input: { name: 'Bjørn Bæk', email: 'bjorn@nordlys.example', password: 'bjørn bæk password', role: 'ADMIN' } },
  );
  const bjorn = await requests.newContext({ baseURL: process.env.APIKEYS_E2E_URL });
  expect((await bjorn.post('/auth/login', { data: { email: 'bjorn@nordlys.example', password: 'bjørn bæk password' } })).ok()).toBe(true);
  await create(bjorn, 'Bjørn’s Nightly Export', 'VIEWER');
  await bjorn.dispose();
  await graphql(api, `mutation ($id: ID!) { deleteUser(input: { id: $id }) { deletedUserId } }`, { id: people.createUser.user.id });

  // Twenty revoked: most by the founder, one by the bot; a long name last.
  for (const name of scanners.slice(12)) await revoke(api, byName(name));
  for (const name of ['Backup Job', 'Slack Alerts', 'Санкт-Петербург Отчёты', 'Carrier Rates (DHL)']) await revoke(api, byName(name));
  await revoke(api, byName('Provisioned · Label Printer'), bot.secret);
  await revoke(api, byName(longGerman));
  expect(seeded.length).toBeGreaterThanOrEqual(60);

  // Two keys in use, Ørsted's last.
  expect((await callWithKey(byName('Shopify Order Import').secret)).status).toBe(200);
  await new Promise((r) => setTimeout(r, 300));
  lastUsed = byName('Ørsted Vindkraft Måledata');
  expect((await callWithKey(lastUsed.secret)).status).toBe(200);
  // Uses are written in 100 ms batches.
  await expect
    .poll(async () => {
      const data = await graphql<{ apiKeys: { edges: { node: { name: string; lastUsedAt: string | null } }[] } }>(
        api,
        `{ apiKeys(status: ACTIVE, first: 1, orderBy: { field: LAST_USED_AT, direction: DESC }) { edges { node { name lastUsedAt } } } }`,
      );
      return data.apiKeys.edges[0]?.node.name;
    })
    .toBe(lastUsed.name);
});

/** Whether the element's text is cut ("…") rather than shown whole. */
function isCut(locator: Locator) {
  return locator.evaluate((el) => el.scrollWidth > el.clientWidth || el.scrollHeight > el.clientHeight + 1);
}

/** The keys shown are the ones asked for: no list is loading. */
async function settled(p: Page) {
  await expect(p.locator('[aria-label$=" keys"][aria-busy="true"]')).toHaveCount(0);
}

/**
 * Goes to the next page and waits for its keys: Next is aria-disabled (not disabled)
 * while a page loads, so a click then does nothing (Playwright waits only for disabled),
 * and the URL changes before the page's keys arrive.
 */
async function next(p: Page) {
  await settled(p);
  const before = (await shownNames(p)).join('\n');
  const button = p.getByRole('button', { name: 'Next', exact: true });
  await expect(button).not.toHaveAttribute('aria-disabled', 'true');
  await button.click();
  await expect.poll(async () => (await shownNames(p)).join('\n')).not.toBe(before);
  await settled(p);
}

const revokeButtons = (p: Page) => p.getByRole('button', { name: /^Revoke API key / });

/** Writes docs/api-keys-page-<width>.png with UPDATE_SCREENSHOT=1 (test-results/ otherwise). */
async function screenshot(p: Page, width: string) {
  await p.mouse.move(0, 0);
  await p.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await expect(p.getByRole('alert')).toHaveCount(0);
  await expect(p.getByRole('tooltip')).toHaveCount(0);
  const path = process.env.UPDATE_SCREENSHOT ? `../docs/api-keys-page-${width}.png` : `test-results/api-keys-page-${width}.png`;
  await p.screenshot({ path });
}

/**
 * Create, copy, revoke (with its notification) and the audit drawer, at the window's width:
 * a key named name is created, copied, revoked, and found in the drawer with its time in view.
 */
async function createCopyRevokeAudit(p: Page, name: string, width: string) {
  await p.getByRole('button', { name: 'Add API Key' }).click();
  const add = p.getByRole('dialog', { name: 'Add API Key' });
  await add.getByLabel('Name').fill(name);
  await expectAccessible(p, `the Add API Key dialog (${width})`);
  await add.getByRole('button', { name: 'Create key' }).click();
  const created = p.getByRole('dialog', { name: 'API key created' });
  const secret = await created.getByRole('textbox', { name: 'API key' }).inputValue();
  expect(secret).toMatch(/^gak_/);
  await created.getByRole('button', { name: 'Copy API key' }).click();
  await expect(created.getByRole('status')).toContainText('Copied');
  expect(await p.evaluate(() => navigator.clipboard.readText())).toBe(secret);
  await expectAccessible(p, `the key-created dialog (${width})`);
  await expectNoHorizontalScroll(p, `the key-created dialog (${width})`);
  await created.getByRole('button', { name: 'Done' }).click();
  await expect(created).toBeHidden();
  const masked = `gak_…${secret.slice(-4)}`;

  // Newest first: the new key is the first on the Active tab, its action in view.
  const revoke = p.getByRole('button', { name: `Revoke API key ${name}` });
  await expect(revoke).toBeVisible();
  await expectAllInView(p, revoke, `the new key's Revoke (${width})`);
  await revoke.click();
  const confirm = p.getByRole('dialog', { name: 'Revoke API key' });
  await expect(confirm).toContainText(masked);
  await expectAccessible(p, `the revoke dialog (${width})`);
  await expectNoHorizontalScroll(p, `the revoke dialog (${width})`);
  await confirm.getByRole('button', { name: 'Revoke key' }).click();
  await expect(confirm).toBeHidden();
  revokedCount++;
  lastRevoked = { id: '', name, secret };

  const notice = p.getByRole('alert').filter({ hasText: 'Revoked' });
  await expect(notice).toContainText(`Revoked ${name} (${masked})`);
  // The pointer on it keeps it open (Mantine pauses its timer), as a reader's would.
  await notice.hover();
  await expectAllInView(p, notice.getByRole('link', { name: 'Show revoked keys' }), `the notification's link (${width})`);
  await expectAccessible(p, `the revoke notification (${width})`);
  await notice.getByRole('link', { name: 'Show revoked keys' }).click();
  await expect(notice).toBeHidden();
  await expect(p).toHaveURL(/\?tab=revoked$/);
  await expect(tab(p, 'Revoked Keys')).toHaveAttribute('aria-selected', 'true');
  // Most recently revoked first: this key heads the tab.
  const first = p.getByRole(width === 'desktop' ? 'row' : 'listitem').filter({ hasText: masked }).first();
  await expect(first).toBeVisible();
  await expect(first).toContainText(founder.name);

  await p.getByRole('button', { name: 'Audit trail' }).click();
  const drawer = p.getByRole('dialog', { name: 'API key audit trail' });
  await expect(drawer.getByText('Revoked API key').first()).toBeVisible();
  // Keys of one name are told apart by their masked key.
  await expect(drawer.getByText(masked).first()).toBeVisible();
  // The newest entry is this revocation, the time beside it in view, however long the name.
  const time = drawer.locator('time').first();
  await expect(time).toBeVisible();
  await expectAllInView(p, time, `the drawer's newest time (${width})`);
  await expectNoHorizontalScroll(p, `the audit drawer (${width})`);
  await expectAccessible(p, `the audit drawer (${width})`);
  await p.keyboard.press('Escape');
  await expect(drawer).toBeHidden();
  await tab(p, 'Active Keys').click();
  await expect(p).not.toHaveURL(/tab=/);
}

test('on a desktop, long names are cut and shown whole on hover and focus, and every Revoke stays in view', async () => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(apiKeysPath);
  await expect(page).toHaveTitle('API Keys · Administration');
  await expectCounts(page, activeCount, revokedCount);
  const table = page.getByRole('table', { name: 'Active keys' });
  await expect(table.getByRole('row')).toHaveCount(21);
  await expectNoHorizontalScroll(page, 'the Active tab');
  await expectAllInView(page, table.getByRole('button', { name: /^Revoke API key / }), 'Revoke on the first page');
  // The navigation is there without a menu button.
  await expect(page.getByRole('button', { name: 'Navigation' })).toBeHidden();
  await expect(page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Users' })).toBeInViewport();

  // Newest first: Bjørn's key (its maker deleted), the bot's keys, the long names, then the scanners.
  const bjorn = table.getByRole('row', { name: /Bjørn’s Nightly Export/ });
  await expect(bjorn).toContainText('Deleted user');
  await expect(bjorn).toContainText('Viewer');
  const fleet = table.getByRole('row', { name: /Provisioned · Scanner Fleet A/ });
  await expect(fleet).toContainText('Provisioning Bot (service account)');
  await expect(table.getByRole('row', { name: /^Provisioning Bot/ })).toContainText('Admin');
  await expect(table.getByRole('row', { name: /^Provisioning Bot/ })).not.toContainText('service account');

  // Masked keys keep to one line.
  for (const code of await table.locator('code').all()) expect((await code.boundingBox())!.height).toBeLessThan(28);

  // Sorted by name, a 100-character name without spaces is on the first page: cut, whole on hover and on keyboard focus.
  await page.getByRole('button', { name: 'Name', exact: true }).click();
  await expect(page).toHaveURL(/sort=name&order=asc/);
  await settled(page);
  const long = table.getByRole('row', { name: new RegExp(longWithoutSpaces) });
  await expect(long).toBeVisible();
  const name = long.getByText(longWithoutSpaces, { exact: true });
  expect(await isCut(name)).toBe(true);
  await expectAllInView(page, long.getByRole('button', { name: /^Revoke API key / }), 'Revoke of the 100-character name');
  await name.hover();
  await expect(page.getByRole('tooltip')).toHaveText(longWithoutSpaces);
  await page.mouse.move(0, 0);
  await expect(page.getByRole('tooltip')).toHaveCount(0);
  // Tab from the Name header: the cut name is a tab stop of its own (a whole name needs none).
  await page.getByRole('button', { name: 'Name', exact: true }).focus();
  for (let i = 0; i < 80 && !(await name.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
  await expect(name).toBeFocused();
  await expect(page.getByRole('tooltip')).toHaveText(longWithoutSpaces);
  await expectAccessible(page, 'a cut name with its tooltip');
  await page.keyboard.press('Tab');

  // The active navigation item, hovered, and the account menu, open.
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'API Keys' }).hover();
  await expectAccessible(page, 'the API Keys page, its navigation item hovered');
  await page.getByRole('button', { name: founder.name, exact: true }).click();
  await expect(page.getByRole('menuitem', { name: 'Sign out' })).toBeVisible();
  await expectAccessible(page, 'the account menu');
  await page.keyboard.press('Escape');

  await page.goto(apiKeysPath);
  await expect(table.getByRole('row')).toHaveCount(21);
  await screenshot(page, 'desktop');
  await createCopyRevokeAudit(page, hundred('DesktopIntegrationWithAVeryLongNameWithoutAnySpacesAtAll', 'D'), 'desktop');
});

/** The names of the shown rows or cards, in order. */
async function shownNames(p: Page) {
  return p.locator('table[aria-label$="keys"] tbody tr td:first-child [dir="auto"], ul[aria-label$="keys"] > li [dir="auto"]:first-child').allInnerTexts();
}

/** Whether names are in order, by code point or case-folded (either is "by name"). */
function inOrder(names: string[], direction: 'asc' | 'desc') {
  const ordered = (key: (s: string) => string) =>
    names.every((n, i) => i === 0 || (direction === 'asc' ? key(names[i - 1]) <= key(n) : key(names[i - 1]) >= key(n)));
  return ordered((s) => s) || ordered((s) => s.toLocaleLowerCase());
}

test('sorting, search, tab and page live in the URL: a reload keeps them, the back button undoes them', async () => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(apiKeysPath);
  const table = page.getByRole('table', { name: 'Active keys' });
  await expect(table.getByRole('row')).toHaveCount(21);
  const header = (name: string) => table.getByRole('columnheader', { name });
  await expect(header('Creation date')).toHaveAttribute('aria-sort', 'descending');

  // Name, A to Z, then Z to A.
  await header('Name').getByRole('button').click();
  await expect(page).toHaveURL(/\?sort=name&order=asc$/);
  await expect(header('Name')).toHaveAttribute('aria-sort', 'ascending');
  await expect(header('Creation date')).not.toHaveAttribute('aria-sort');
  await expect.poll(async () => inOrder(await shownNames(page), 'asc')).toBe(true);
  await header('Name').getByRole('button').click();
  await expect(header('Name')).toHaveAttribute('aria-sort', 'descending');
  await expect.poll(async () => inOrder(await shownNames(page), 'desc')).toBe(true);

  // Oldest first: the first key seeded.
  // Newest first is the default order: the URL leaves it out.
  await header('Creation date').getByRole('button').click();
  await expect(page).toHaveURL(new RegExp(`${apiKeysPath}$`));
  await expect(header('Creation date')).toHaveAttribute('aria-sort', 'descending');
  await header('Creation date').getByRole('button').click();
  await expect(page).toHaveURL(/sort=created&order=asc/);
  await expect(table.getByRole('row').nth(1)).toContainText('ERP Sync Service');

  // Most recently used first.
  await header('Last used').getByRole('button').click();
  await expect(page).toHaveURL(/sort=last-used&order=desc/);
  await expect(table.getByRole('row').nth(1)).toContainText(lastUsed.name);
  await expect(table.getByRole('row').nth(2)).toContainText('Shopify Order Import');

  // Page 2 of that order survives a reload.
  await next(page);
  await expect(page).toHaveURL(/sort=last-used&order=desc&page=2&after=/);
  await expect(page.getByText(`21–40 of ${activeCount}`)).toBeVisible();
  const pageTwo = await shownNames(page);
  await page.reload();
  await expect(page.getByText(`21–40 of ${activeCount}`)).toBeVisible();
  expect(await shownNames(page)).toEqual(pageTwo);
  await expect(header('Last used')).toHaveAttribute('aria-sort', 'descending');
  await expectAccessible(page, 'a sorted second page');

  // Back: page 1 of that order, then oldest first.
  await page.goBack();
  await expect(page).toHaveURL(/\?sort=last-used&order=desc$/);
  await expect(page.getByText(`1–20 of ${activeCount}`)).toBeVisible();
  await page.goBack();
  await expect(page).toHaveURL(/\?sort=created&order=asc$/);
  await expect(header('Creation date')).toHaveAttribute('aria-sort', 'ascending');

  // The Revoked tab: most recently revoked first, by default.
  await page.goto(apiKeysPath);
  await tab(page, 'Revoked Keys').click();
  await expect(page).toHaveURL(/\?tab=revoked$/);
  await expect(page).toHaveTitle('Revoked Keys · API Keys · Administration');
  const revoked = page.getByRole('table', { name: 'Revoked keys' });
  await expect(revoked.getByRole('columnheader', { name: 'Revoked', exact: true })).toHaveAttribute('aria-sort', 'descending');
  await expect(revoked.getByRole('row').nth(1)).toContainText(lastRevoked.name);
  await expect(revoked.getByRole('row', { name: /Provisioned · Label Printer/ })).toContainText('Provisioning Bot (service account)');
  await expectAllInView(page, revoked.locator('tbody tr td:last-child'), 'Revoked by on the Revoked tab');
  await expectNoHorizontalScroll(page, 'the Revoked tab');
  await expectAccessible(page, 'the Revoked tab');
  await revoked.getByRole('button', { name: 'Revoked' }).click();
  await expect(page).toHaveURL(/\?tab=revoked&sort=revoked&order=asc$/);
  await expect(revoked.getByRole('row').nth(1)).toContainText('Warehouse Scanner 13');
  await page.reload();
  await expect(tab(page, 'Revoked Keys')).toHaveAttribute('aria-selected', 'true');
  await expect(revoked.getByRole('row').nth(1)).toContainText('Warehouse Scanner 13');
  await page.goBack();
  await expect(page).toHaveURL(/\?tab=revoked$/);
  await page.goBack();
  await expect(tab(page, 'Active Keys')).toHaveAttribute('aria-selected', 'true');

  // Search: case-insensitive in every alphabet, and by the end of a key.
  const search = page.getByRole('searchbox', { name: 'Search' });
  await expect(search).toHaveAttribute('placeholder', /name or key ending/i);
  for (const [typed, found] of [
    ['ørsted', 'Ørsted Vindkraft Måledata'],
    ['МОСКВА', 'Москва Склад Синхронизация'],
    ['straße', 'Müller Straßenbau GmbH'],
    ['ελληνικά', 'Ελληνικά Τιμολόγια Αθήνα'],
    ['istanbul', 'İstanbul Şube Entegrasyonu'],
  ]) {
    await search.fill(typed);
    await expect(page).toHaveURL(new RegExp(`q=${encodeURIComponent(typed)}`));
    await expect(table.getByRole('row', { name: new RegExp(found) })).toBeVisible();
  }
  const shopify = byName('Shopify Order Import');
  for (const ending of [`…${shopify.secret.slice(-4)}`, `gak_…${shopify.secret.slice(-4)}`]) {
    await search.fill(ending);
    await expect(page.getByText(`1–1 of 1`)).toBeVisible();
    await expect(table.getByRole('row', { name: /Shopify Order Import/ })).toBeVisible();
  }
  // A reload keeps the search, in the box and in the list.
  await search.fill('ørsted');
  await expect(page).toHaveURL(/\?q=%C3%B8rsted$/);
  await page.reload();
  await expect(search).toHaveValue('ørsted');
  await expect(table.getByRole('row', { name: /Ørsted Vindkraft Måledata/ })).toBeVisible();
  await expect(table.getByRole('row')).toHaveCount(2);
  await search.fill('no such key anywhere');
  await expect(page.getByText('No keys match “no such key anywhere”')).toBeVisible();
  await expectAccessible(page, 'a search that finds nothing');
});

test('the Audit trail page keeps its filter in the URL; every page has its own title; unknown URLs say so', async ({ browser }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/admin/audit-trail');
  await expect(page).toHaveTitle('Audit trail · Administration');
  await page.getByRole('textbox', { name: 'Action' }).or(page.getByRole('combobox', { name: 'Action' })).click();
  await page.getByRole('option', { name: 'Revoked API key' }).click();
  await expect(page).toHaveURL(/\/admin\/audit-trail\?action=API_KEY_REVOKED$/);
  const entries = page.getByRole('table', { name: 'Audit entries' });
  await expect(entries.getByRole('row').nth(1)).toContainText('Revoked API key');
  await expect(entries).not.toContainText('Created API key');
  await page.reload();
  // The action is a pill of the Action field (several may be chosen).
  await expect(page.getByRole('search', { name: 'Filter the audit trail' })).toContainText('Revoked API key');
  await expect(entries).not.toContainText('Created API key');
  await expectAccessible(page, 'the filtered Audit trail page');
  await page.goBack();
  await expect(page).toHaveURL(/\/admin\/audit-trail$/);
  await expect(entries).toContainText('Created API key');

  // Key events show the masked key; a person deleted since is marked so.
  await page.goto('/admin/audit-trail?action=API_KEY_CREATED');
  const bjorns = entries.getByRole('row').filter({ hasText: 'Bjørn’s Nightly Export' });
  await expect(bjorns).toContainText('Bjørn Bæk (deleted user)');
  await expect(bjorns).toContainText(/gak_…\S{4}/);

  await page.goto('/admin/company-settings/users');
  await expect(page).toHaveTitle('Users · Administration');

  await page.goto('/admin/company-settings/api-kyes');
  await expect(page.getByRole('heading', { name: 'Page not found', level: 1 })).toBeVisible();
  await expect(page).toHaveTitle('Page not found');
  await expect(page).toHaveURL(/\/api-kyes$/);
  await expectAccessible(page, 'the not-found page');
  await page.getByRole('link', { name: 'Go to the home page' }).click();
  await expect(page).toHaveURL(new RegExp(`${apiKeysPath}$`));

  await page.goto('/playground');
  await expect(page.getByRole('heading', { name: 'GraphQL Playground', level: 1 })).toBeVisible({ timeout: 30_000 });
  await expect(page).toHaveTitle('GraphQL Playground');

  const visitor = await browser.newPage();
  await visitor.goto('/sign-in');
  await expect(visitor.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await expect(visitor).toHaveTitle('Sign in');
  await visitor.close();
});

/** Below the desktop breakpoint: the navigation folds behind its button, which opens and closes it. */
async function expectFoldedNavigation(p: Page, width: string) {
  const menu = p.getByRole('button', { name: 'Navigation' });
  const nav = p.locator('#main-navigation');
  await expect(menu).toBeVisible();
  await expect(menu).toHaveAttribute('aria-expanded', 'false');
  await expect(nav).not.toBeInViewport();
  await menu.click();
  await expect(menu).toHaveAttribute('aria-expanded', 'true');
  await expect(nav.getByRole('link', { name: 'Users' })).toBeInViewport();
  await expectAccessible(p, `the open navigation (${width})`);
  await nav.getByRole('link', { name: 'Users' }).click();
  await expect(p).toHaveURL(/\/users$/);
  await expect(menu).toHaveAttribute('aria-expanded', 'false');
  await expectNoHorizontalScroll(p, `the Users page (${width})`);
  await expectAccessible(p, `the Users page (${width})`);
  await menu.click();
  await nav.getByRole('link', { name: 'API Keys' }).click();
  await expect(p).toHaveURL(new RegExp(`${apiKeysPath}$`));
}

for (const [width, size] of [
  ['tablet', { width: 768, height: 1024 }],
  ['phone', { width: 390, height: 844 }],
] as const) {
  test(`on a ${width} (${size.width}×${size.height}) the navigation folds, keys are cards with their actions in view, and every flow works`, async () => {
    await page.setViewportSize(size);
    await page.goto(apiKeysPath);
    await expectCounts(page, activeCount, revokedCount);
    const cards = page.getByRole('list', { name: 'Active keys' }).getByRole('listitem');
    await expect(cards).toHaveCount(20);
    await expect(page.getByRole('table')).toHaveCount(0);
    await expectNoHorizontalScroll(page, `the Active tab (${width})`);
    await expectAllInView(page, revokeButtons(page), `Revoke on every card (${width})`);
    await expect(cards.filter({ hasText: 'Provisioned · Scanner Fleet A' })).toContainText('Provisioning Bot (service account)');
    await expect(cards.filter({ hasText: 'Bjørn’s Nightly Export' })).toContainText('Deleted user');
    await expectAccessible(page, `the Active tab as cards (${width})`);
    await page.getByRole('button', { name: founder.name, exact: true }).click();
    await expect(page.getByRole('menuitem', { name: 'Sign out' })).toBeVisible();
    await expectAccessible(page, `the account menu (${width})`);
    await page.keyboard.press('Escape');
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, width);

    await expectFoldedNavigation(page, width);

    // Sorting without headers: the Sort by menu.
    await page.getByRole('combobox', { name: 'Sort by' }).click();
    await expectAccessible(page, `the Sort by menu (${width})`);
    await page.getByRole('option', { name: 'Name, A to Z' }).click();
    await expect(page).toHaveURL(/sort=name&order=asc/);
    await expect.poll(async () => inOrder(await shownNames(page), 'asc')).toBe(true);
    // The last page holds the long names (Greek capitals sort after Latin): cut to two lines, in view.
    await next(page);
    await expect(page).toHaveURL(/page=2/);
    await next(page);
    await expect(page).toHaveURL(/page=3/);
    const greek = cards.filter({ hasText: longGreek });
    await expect(greek).toBeVisible();
    await expectAllInView(page, greek.getByRole('button', { name: /^Revoke API key / }), `Revoke of a 100-character Greek name (${width})`);
    await expectNoHorizontalScroll(page, `the last page sorted by name (${width})`);

    // The chosen order carries over to the Revoked tab; by default it lists the latest revocation first.
    await tab(page, 'Revoked Keys').click();
    await expect(page).toHaveURL(/\?tab=revoked&sort=name&order=asc$/);
    await page.goto(`${apiKeysPath}?tab=revoked`);
    const revokedCards = page.getByRole('list', { name: 'Revoked keys' }).getByRole('listitem');
    await expect(revokedCards.first()).toContainText(lastRevoked.name);
    await expect(revokedCards.first()).toContainText('Revoked:');
    await expectNoHorizontalScroll(page, `the Revoked tab (${width})`);
    await expectAccessible(page, `the Revoked tab as cards (${width})`);
    await tab(page, 'Active Keys').click();
    await expect(page).toHaveURL(new RegExp(`${apiKeysPath}$`));

    await createCopyRevokeAudit(page, `${width === 'phone' ? 'Phone' : 'Tablet'} Integration ${hundred('Ø', 'ø').slice(0, 60)}`, width);
  });
}
