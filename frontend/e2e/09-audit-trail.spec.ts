import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test, expect, request as requests, type APIRequestContext, type Download, type Page } from '@playwright/test';
import { expectAccessible, expectAllInView, expectNoHorizontalScroll } from './helpers';

// The Audit trail page of a company in use: keys named in several alphabets (long ones,
// duplicates, revoked ones), a second admin who signs in several times from a browser of
// their own and makes and revokes a key. The page verifies the hash chain, filters by
// actions, actor, key and days (all in the URL), opens an entry to show where it came
// from, and exports what the filters select as CSV and NDJSON, at desktop, tablet and
// phone widths. On a company of its own (the operator's create-org command).
test.describe.configure({ mode: 'serial', timeout: 120_000 });

const founder = { company: 'Helios Prüftechnik GmbH', name: 'Sofía Ibáñez-Großmann', email: 'sofia@helios-pruef.example', password: 'helios founder password' };
const second = { name: 'Kwame Mensah-Øberg', email: 'kwame@helios-pruef.example', password: 'kwame mensah password' };
const secondAgent = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeliosAdminWorkstation/7.3.1 Chrome/131.0.0.0 Safari/537.36 (audit-e2e)';

const auditPath = '/admin/audit-trail';

/** A name of exactly 100 characters. */
const hundred = (text: string, fill: string) => text.padEnd(100, fill).slice(0, 100);

const names = [
  'ERP Sync Service',
  'ERP Sync Service',
  'Синхронизация склада Орхус',
  'Ελληνικά Τιμολόγια Αθήνα',
  'İstanbul Şube Entegrasyonu',
  '同期サービス 数据同步',
  'خدمة المزامنة',
  '🚚 Fleet Tracker 🚀',
  hundred('Größenmessung und Übersichtsbericht für die Straßenbau-Niederlassungen München Süd und Nürnberg Nord', '.'),
  hundred('ERPSynchronisationServiceForTheCentralWarehouseInAarhusDenmarkWithNightlyBatchImportsAndExports', 'Z'),
];

type Key = { id: string; name: string; secret: string };

async function graphql<T>(api: APIRequestContext, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await api.post('/graphql', { data: { query, variables } });
  const body = (await res.json()) as { data?: T; errors?: { message: string }[] };
  expect(body.errors ?? [], `${query.slice(0, 60)}…`).toEqual([]);
  return body.data!;
}

async function createKey(api: APIRequestContext, name: string): Promise<Key> {
  const data = await graphql<{ createAPIKey: { secret: string; apiKey: { id: string } } }>(
    api,
    `mutation ($input: CreateAPIKeyInput!) { createAPIKey(input: $input) { secret apiKey { id } } }`,
    { input: { name, role: 'VIEWER' } },
  );
  return { id: data.createAPIKey.apiKey.id, name, secret: data.createAPIKey.secret };
}

const revokeKey = (api: APIRequestContext, k: Key) => graphql(api, `mutation ($id: ID!) { revokeAPIKey(input: { id: $id }) { apiKey { id } } }`, { id: k.id });
const masked = (k: Key) => `gak_…${k.secret.slice(-4)}`;

let page: Page;
let secondId = '';
/** The key the second admin made and revoked: what the filters pick. */
let picked: Key;
/** Today in UTC, as the date filters take it. */
const today = new Date().toISOString().slice(0, 10);
let filteredPath = '';

test.beforeAll(async ({ browser }) => {
  execFileSync(process.env.APIKEYS_E2E_BIN!, ['create-org', '--name', founder.company, '--admin-email', founder.email, '--admin-name', founder.name], {
    input: `${founder.password}\n`,
    env: { ...process.env, DATABASE_URL: process.env.APIKEYS_E2E_DATABASE_URL },
  });
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  page = await context.newPage();
  const api = page.request;
  expect((await api.post('/auth/login', { data: { email: founder.email, password: founder.password } })).ok()).toBe(true);

  const made: Key[] = [];
  for (const name of names) made.push(await createKey(api, name));
  // Two revoked by the founder, one of them an "ERP Sync Service".
  await revokeKey(api, made[0]);
  await revokeKey(api, made[2]);

  const person = await graphql<{ createUser: { user: { id: string } } }>(api, `mutation ($input: CreateUserInput!) { createUser(input: $input) { user { id } } }`, {
    input: { name: second.name, email: second.email, password: second.password, role: 'ADMIN' },
  });
  secondId = person.createUser.user.id;
  // The second admin signs in three times from a browser of their own; the last session
  // makes a third "ERP Sync Service" and revokes it.
  let kwame: APIRequestContext | undefined;
  for (let i = 0; i < 3; i++) {
    await kwame?.dispose();
    kwame = await requests.newContext({ baseURL: process.env.APIKEYS_E2E_URL, userAgent: secondAgent });
    expect((await kwame.post('/auth/login', { data: { email: second.email, password: second.password } })).ok()).toBe(true);
  }
  picked = await createKey(kwame!, 'ERP Sync Service');
  await revokeKey(kwame!, picked);
  await kwame!.dispose();

  filteredPath = `${auditPath}?action=API_KEY_CREATED&action=API_KEY_REVOKED&actor=${secondId}&target=${picked.id}&from=${today}&to=${today}`;
});

/** The trail as the API counts it, and its head as verifyAuditTrail gives it. */
async function trail(api: APIRequestContext) {
  const data = await graphql<{ auditEntries: { totalCount: number }; verifyAuditTrail: { headHash: string } }>(
    api,
    `{ auditEntries(first: 1) { totalCount } verifyAuditTrail { headHash } }`,
  );
  return { count: data.auditEntries.totalCount, head: data.verifyAuditTrail.headHash };
}

const field = (p: Page, name: string) => p.getByRole('textbox', { name, exact: true }).or(p.getByRole('combobox', { name, exact: true }));
const banner = (p: Page) => p.getByRole('status').filter({ hasText: /^Verified/ });
const entriesOf = (p: Page, width: string) =>
  width === 'phone' ? p.getByRole('list', { name: 'Audit entries' }).getByRole('listitem') : p.getByRole('table', { name: 'Audit entries' }).locator('tbody > tr');

/** The list has loaded: nothing busy. */
async function settled(p: Page) {
  await expect(p.locator('[aria-label="Audit entries"][aria-busy="true"]')).toHaveCount(0);
}

test('the page verifies the chain: the count of entries and the head, whole on hover; Check again keeps focus', async () => {
  const { count, head } = await trail(page.request);
  await page.goto(auditPath);
  await expect(page).toHaveTitle('Audit trail · Administration');
  await expect(banner(page)).toContainText(`Verified: ${count.toLocaleString('en-US')} entries, head ${head.slice(0, 8)}…`);
  await expect(banner(page).getByText(`${head.slice(0, 8)}…`)).toHaveAttribute('title', head);
  await banner(page).getByRole('button', { name: 'Copy head hash' }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(head);

  const again = banner(page).getByRole('button', { name: /^(Check again|Checking…)$/ });
  await again.focus();
  await page.keyboard.press('Enter');
  await expect(banner(page)).toContainText('Check again');
  await expect(page.getByRole('button', { name: 'Check again' })).toBeFocused();
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expectAccessible(page, 'the Audit trail page with its verification');
});

test('two actions, the second admin, their key and today narrow the list; the URL keeps them through a reload', async () => {
  await page.goto(auditPath);
  await settled(page);

  await field(page, 'Action').click();
  await page.getByRole('option', { name: 'Created API key' }).click();
  await page.getByRole('option', { name: 'Revoked API key' }).click();
  await page.keyboard.press('Escape');
  await expect(page).toHaveURL(/\?action=API_KEY_CREATED&action=API_KEY_REVOKED$/);

  // People and service accounts by name.
  await field(page, 'Actor').click();
  await expect(page.getByRole('option', { name: `${founder.name} (person)` })).toBeVisible();
  await expect(page.getByRole('option', { name: 'Синхронизация склада Орхус (service account)' })).toBeVisible();
  await field(page, 'Actor').fill('kwame');
  await page.getByRole('option', { name: `${second.name} (person)` }).click();
  await expect(page).toHaveURL(new RegExp(`&actor=${secondId}$`));

  // Three keys named "ERP Sync Service", two revoked: told apart by the masked key.
  await field(page, 'API key').click();
  await field(page, 'API key').fill('erp sync service');
  await expect(page.getByRole('option', { name: /^ERP Sync Service gak_…/ })).toHaveCount(3);
  await expect(page.getByRole('option', { name: / \(revoked\)$/ })).toHaveCount(2);
  await page.getByRole('option', { name: `ERP Sync Service ${masked(picked)} (revoked)` }).click();
  await expect(page).toHaveURL(new RegExp(`&target=${picked.id}$`));

  await page.getByLabel('From', { exact: true }).fill(today);
  await page.getByLabel('To', { exact: true }).fill(today);
  await expect(page).toHaveURL(new RegExp(`${filteredPath.replace(/[?]/g, '\\?')}$`));
  await expect(page.getByLabel('To', { exact: true })).toHaveAccessibleDescription(/UTC/);

  await settled(page);
  const rows = entriesOf(page, 'desktop');
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText('Revoked API key');
  await expect(rows.nth(1)).toContainText('Created API key');
  for (const row of await rows.all()) {
    await expect(row).toContainText(second.name);
    await expect(row).toContainText(masked(picked));
  }
  await expectAccessible(page, 'the filtered Audit trail page');

  await page.reload();
  await settled(page);
  await expect(rows).toHaveCount(2);
  await expect(field(page, 'Actor')).toHaveValue(`${second.name} (person)`);
  await expect(field(page, 'API key')).toHaveValue(`ERP Sync Service ${masked(picked)} (revoked)`);
  await expect(page.getByRole('search', { name: 'Filter the audit trail' })).toContainText('Created API key');
  await expect(page.getByLabel('From', { exact: true })).toHaveValue(today);

  // One action less: the URL and the list follow; then a filter that matches nothing says so.
  await page.goto(`${auditPath}?action=USER_SIGN_IN_FAILED&actor=${secondId}`);
  await expect(page.getByText('No events match these filters')).toBeVisible();
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(page).toHaveURL(new RegExp(`${auditPath}$`));
  await expect(field(page, 'Action')).toBeFocused();
});

/** Exports through the menu and returns the download and its text. */
async function exportAs(p: Page, format: 'CSV' | 'NDJSON'): Promise<{ download: Download; text: string }> {
  await p.getByRole('button', { name: 'Export' }).click();
  const downloaded = p.waitForEvent('download');
  await p.getByRole('menuitem', { name: format }).click();
  const download = await downloaded;
  return { download, text: readFileSync(await download.path(), 'utf8') };
}

for (const [width, size] of [
  ['desktop', { width: 1440, height: 900 }],
  ['tablet', { width: 768, height: 1024 }],
  ['phone', { width: 390, height: 844 }],
] as const) {
  test(`on a ${width} (${size.width}×${size.height}) the filtered view fits, an entry opens to its address and user agent, and both exports hold just it`, async () => {
    await page.setViewportSize(size);
    const { count } = await trail(page.request);
    await page.goto(filteredPath);
    await expect(banner(page)).toContainText(`Verified: ${count.toLocaleString('en-US')} entries`);
    await settled(page);
    const rows = entriesOf(page, width);
    await expect(rows).toHaveCount(2);
    await expect(rows.nth(0)).toContainText('Revoked API key');
    await expectNoHorizontalScroll(page, `the filtered Audit trail (${width})`);
    await expectAllInView(page, page.getByRole('button', { name: 'Export' }), `Export (${width})`);

    // The revocation opens, from the keyboard, to where it came from.
    const open = page.getByRole('button', { name: /^Details of entry \d+$/ }).first();
    await expectAllInView(page, open, `the first entry's Details (${width})`);
    await open.focus();
    await page.keyboard.press('Enter');
    await expect(open).toHaveAttribute('aria-expanded', 'true');
    const details = page.locator(`[id="${await open.getAttribute('aria-controls')}"]`);
    await expect(details).toContainText('Address127.0.0.1');
    await expect(details.getByText(secondAgent, { exact: true })).toBeVisible();
    await expect(details).toContainText(/Sequence\d+/);
    await expect(details.locator('[title]').filter({ hasText: '…' })).toHaveAttribute('title', /^[0-9a-f]{64}$/);
    await expectNoHorizontalScroll(page, `an opened entry (${width})`);
    await expectAccessible(page, `an opened entry (${width})`);
    await page.keyboard.press('Enter');
    await expect(open).toHaveAttribute('aria-expanded', 'false');

    // The key's list, opened: long names in every alphabet wrap inside the window.
    await field(page, 'API key').click();
    const long = page.getByRole('option', { name: new RegExp(`^${names[9]}`) });
    await long.scrollIntoViewIfNeeded();
    const box = (await long.boundingBox())!;
    expect(box.x, `the long key's option (${width})`).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width, `the long key's option (${width})`).toBeLessThanOrEqual(size.width);
    await expectNoHorizontalScroll(page, `the API key list (${width})`);
    // Narrowed until it does not scroll: axe takes a scrolling listbox for a region the
    // keyboard cannot reach, while the keys move through it from the field
    // (aria-activedescendant), as in every combobox.
    await field(page, 'API key').fill('erp');
    await expect(page.getByRole('option')).toHaveCount(4);
    await expectAccessible(page, `the API key list (${width})`);
    await page.keyboard.press('Escape');

    const csv = await exportAs(page, 'CSV');
    expect(csv.download.suggestedFilename()).toMatch(/^audit-trail-\d{4}-\d{2}-\d{2}\.csv$/);
    const status = page.getByRole('status').filter({ hasText: /^Export/ });
    await expect(status).toHaveText(`Exported 2 entries to ${csv.download.suggestedFilename()}`);
    const lines = csv.text.split('\r\n').filter(Boolean);
    expect(lines[0]).toMatch(/^sequence,time,action,/);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(',API_KEY_CREATED,');
    expect(lines[2]).toContain(',API_KEY_REVOKED,');
    for (const line of lines.slice(1)) {
      expect(line).toContain(secondId);
      expect(line).toContain(picked.id);
      expect(line).toContain(secondAgent);
    }

    const ndjson = await exportAs(page, 'NDJSON');
    expect(ndjson.download.suggestedFilename()).toMatch(/^audit-trail-\d{4}-\d{2}-\d{2}\.ndjson$/);
    await expect(status).toHaveText(`Exported 2 entries to ${ndjson.download.suggestedFilename()}`);
    const entries = ndjson.text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { action: string; actorId: string; targetId: string; ip: string; userAgent: string; hash: string });
    expect(entries.map((e) => e.action)).toEqual(['API_KEY_CREATED', 'API_KEY_REVOKED']);
    for (const e of entries) expect(e).toMatchObject({ actorId: secondId, targetId: picked.id, ip: '127.0.0.1', userAgent: secondAgent });
    await expectNoHorizontalScroll(page, `after the exports (${width})`);

    // Each export is in the trail, with what it held.
    await page.goto(`${auditPath}?action=AUDIT_EXPORTED`);
    await settled(page);
    const exports = entriesOf(page, width);
    await expect(exports.first()).toContainText('Exported audit trail');
    await expect(exports.first()).toContainText(
      `NDJSON export, filtered by action: Created API key, Revoked API key; actor ${secondId}; target ${picked.id}; from ${today}; to ${today}`,
    );
    await expect(exports.nth(1)).toContainText('CSV export, filtered by action: Created API key, Revoked API key');
    await expect(banner(page)).toContainText(`Verified: ${(count + 2).toLocaleString('en-US')} entries`);
    await expectAccessible(page, `the exports in the trail (${width})`);
  });
}
