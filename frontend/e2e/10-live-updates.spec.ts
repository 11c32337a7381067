import { execFileSync } from 'node:child_process';
import { test, expect, type Browser, type Page } from '@playwright/test';
import { apiKeysPath, expectAccessible, expectCounts, tab } from './helpers';

// Two admins of one company, side by side: what one does (or an integration, the expiry
// sweeper, a leak report) shows up on the other's API Keys page by itself, over the app's
// one WebSocket (GraphQL subscriptions), without a reload and without taking a key shown
// once off the screen. On a company of its own (the operator's create-org command).
test.describe.configure({ mode: 'serial', timeout: 120_000 });

const company = 'Живые обновления — Hikari Live Updates 株式会社';
const ayse = { name: 'Ayşe Yılmaz-Oğuz', email: 'ayse@live-updates.example', password: 'ayşe watches the keys' };
const bart = { name: 'Bartholomew Featherstonehaugh-Wolfeschlegelsteinhausen', email: 'bart@live-updates.example', password: 'bartholomew changes keys' };

// One name used twice (people do), one long, in other alphabets.
const warehouse = 'Синхронизация склада — 倉庫同期 (nightly)';
const payments = 'Ödeme Servisi — 決済ゲートウェイ für die Buchhaltung und das Rechnungswesen (Produktion, EU-West)';

let a: Page;
let b: Page;
/** The frames A's page received over its WebSocket (graphql-transport-ws messages). */
const framesOfA: string[] = [];
let aSubscribed = false;

async function signedIn(browser: Browser, who: { email: string; password: string }) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const page = await context.newPage();
  // The page's own request context shares the browser's cookies: signing in here signs the page in.
  expect((await page.request.post('/auth/login', { data: { email: who.email, password: who.password } })).ok()).toBe(true);
  return page;
}

/** Runs a GraphQL operation as whoever page is signed in as. */
async function graphql<T>(page: Page, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await page.request.post('/graphql', { data: { query, variables } });
  const body = (await res.json()) as { data?: T; errors?: unknown[] };
  expect(body.errors, query).toBeUndefined();
  return body.data!;
}

async function createKeyThroughApi(page: Page, name: string, expiresAt: string | null = null) {
  const data = await graphql<{ createAPIKey: { secret: string; apiKey: { id: string } } }>(
    page,
    'mutation CreateForTest($input: CreateAPIKeyInput!) { createAPIKey(input: $input) { secret apiKey { id } } }',
    { input: { name, role: 'VIEWER', expiresAt } },
  );
  return { id: data.createAPIKey.apiKey.id, secret: data.createAPIKey.secret };
}

async function revokeThroughApi(page: Page, id: string) {
  await graphql(page, 'mutation RevokeForTest($input: RevokeAPIKeyInput!) { revokeAPIKey(input: $input) { apiKey { id } } }', { input: { id } });
}

const masked = (secret: string) => `gak_…${secret.slice(-4)}`;

/** Opens path on A's page, which will subscribe anew. */
async function openA(path: string) {
  aSubscribed = false;
  await a.goto(path);
}

/** A's page is subscribed (its subscribe message went out), give the server a moment to register it. */
async function aIsListening() {
  await expect.poll(() => aSubscribed, { message: 'A subscribed to key events' }).toBe(true);
  await a.waitForTimeout(300);
}

/** Marks A's page; stillNotReloaded() then shows it was never loaded again meanwhile. */
async function markA() {
  await a.evaluate(() => ((window as unknown as { notReloaded?: boolean }).notReloaded = true));
}
async function stillNotReloaded() {
  expect(await a.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded), 'A’s page was not reloaded').toBe(true);
}

test.beforeAll(async ({ browser }) => {
  execFileSync(process.env.APIKEYS_E2E_BIN!, ['create-org', '--name', company, '--admin-email', ayse.email, '--admin-name', ayse.name], {
    input: `${ayse.password}\n`,
    env: { ...process.env, DATABASE_URL: process.env.APIKEYS_E2E_DATABASE_URL },
  });
  a = await signedIn(browser, ayse);
  // The second admin, added by the first.
  await graphql(a, 'mutation AddAdminForTest($input: CreateUserInput!) { createUser(input: $input) { user { id } } }', {
    input: { name: bart.name, email: bart.email, password: bart.password, role: 'ADMIN' },
  });
  b = await signedIn(browser, bart);
  a.on('websocket', (ws) => {
    ws.on('framesent', (f) => {
      if (typeof f.payload === 'string' && f.payload.includes('"type":"subscribe"')) aSubscribed = true;
    });
    ws.on('framereceived', (f) => {
      if (typeof f.payload === 'string') framesOfA.push(f.payload);
    });
  });
});

test('a first visit, signed out, logs no error in the console on its way to sign in', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/');
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await page.goto(apiKeysPath);
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fadmin%2Fcompany-settings%2Fapi-keys$/);
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeEnabled();
  await page.waitForLoadState('networkidle');
  expect(errors).toEqual([]);
  await context.close();
});

test('a key another admin adds shows up on the counters and the list at once, without a reload', async () => {
  await openA(apiKeysPath);
  await expectCounts(a, 0, 0);
  await aIsListening();
  await markA();

  await b.goto(apiKeysPath);
  await b.getByRole('button', { name: 'Add API Key' }).click();
  const add = b.getByRole('dialog', { name: 'Add API Key' });
  await add.getByLabel('Name').fill(warehouse);
  await add.getByRole('button', { name: 'Create key' }).click();
  const shown = b.getByRole('dialog', { name: 'API key created' });
  const secret = await shown.getByRole('textbox', { name: 'API key' }).inputValue();
  // A key shown once is copied before Done closes it.
  await shown.getByRole('button', { name: 'Copy API key' }).click();
  await shown.getByRole('button', { name: 'Done' }).click();
  await expect(shown).toBeHidden();

  await expectCounts(a, 1, 0);
  const row = a.getByRole('table', { name: 'Active keys' }).getByRole('row').filter({ hasText: masked(secret) });
  await expect(row).toContainText(warehouse);
  await expect(row).toContainText(bart.name);
  await stillNotReloaded();
  await expectAccessible(a, 'the API Keys page after a live update');
});

test('a key the other admin revokes moves to A’s Revoked tab while A looks at it', async () => {
  await tab(a, 'Revoked Keys').click();
  await expect(a.getByText('No revoked API keys')).toBeVisible();
  await markA();

  const active = b.getByRole('table', { name: 'Active keys' });
  await active.getByRole('button', { name: `Revoke API key ${warehouse}` }).click();
  await b.getByRole('dialog', { name: 'Revoke API key' }).getByRole('button', { name: 'Revoke key' }).click();
  await expect(active.getByRole('row').filter({ hasText: warehouse })).toHaveCount(0);

  await expectCounts(a, 0, 1);
  const revoked = a.getByRole('table', { name: 'Revoked keys' });
  await expect(revoked.getByRole('row').filter({ hasText: warehouse })).toContainText(bart.name);
  await stillNotReloaded();
});

test('the expiry sweeper and a leak report end keys, and A’s Revoked tab lists them by itself', async () => {
  // A custom date is in whole days: a key that ends in a few seconds is made through the API.
  const shortLived = await createKeyThroughApi(b, warehouse, new Date(Date.now() + 4_000).toISOString());
  const leaked = await createKeyThroughApi(b, payments);
  await expectCounts(a, 2, 1);
  await markA();

  const revoked = a.getByRole('table', { name: 'Revoked keys' });
  // The sweeper runs every 2 s.
  await expect(revoked.getByRole('row').filter({ hasText: masked(shortLived.secret) })).toContainText('Expired', { timeout: 15_000 });
  await expectCounts(a, 1, 2);

  // Anyone may report a leaked key: no credentials.
  const report = await fetch(`${process.env.APIKEYS_E2E_URL}/credentials/revoke`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ credentials: [leaked.secret] }),
  });
  expect(report.status).toBe(202);
  await expect(revoked.getByRole('row').filter({ hasText: masked(leaked.secret) })).toContainText('Leaked');
  await expectCounts(a, 0, 3);
  await stillNotReloaded();
  await tab(a, 'Active Keys').click();
});

test('the open audit drawer shows the other admin’s new entry', async () => {
  await a.getByRole('button', { name: 'Audit trail' }).click();
  const drawer = a.getByRole('dialog', { name: 'API key audit trail' });
  const created = drawer.getByRole('row').filter({ hasText: 'Created API key' });
  await expect(created).toHaveCount(3);

  // The same name again: a second key, told apart by its ending.
  const again = await createKeyThroughApi(b, warehouse);
  await expect(created).toHaveCount(4);
  await expect(created.filter({ hasText: masked(again.secret) })).toContainText(bart.name);
  await expect(drawer).toBeVisible();
  await expectAccessible(a, 'the audit drawer after a live update');
  await a.keyboard.press('Escape');
  await expect(drawer).toBeHidden();
  await expectCounts(a, 1, 3);
});

test('a key shown once stays on screen, focused, while the other admin’s changes arrive', async () => {
  await a.getByRole('button', { name: 'Add API Key' }).click();
  const add = a.getByRole('dialog', { name: 'Add API Key' });
  await add.getByLabel('Name').fill(payments);
  await add.getByRole('button', { name: 'Create key' }).click();
  const shown = a.getByRole('dialog', { name: 'API key created' });
  const field = shown.getByRole('textbox', { name: 'API key' });
  await expect(field).toHaveValue(/^gak_[0-9A-Za-z]{36}$/);
  const secret = await field.inputValue();
  await expectCounts(a, 2, 3);
  const focused = await a.evaluate(() => document.activeElement?.outerHTML);

  const name = 'Lagerverwaltung während des Dialogs';
  const received = framesOfA.length;
  const other = await createKeyThroughApi(b, name);
  await revokeThroughApi(b, other.id);
  // Both events reached A's page while the dialog was open …
  await expect.poll(() => framesOfA.slice(received).filter((f) => f.includes(name)).length).toBe(2);
  await expect(a.locator('[role=tab]').filter({ hasText: 'Revoked Keys' })).toHaveText(/Revoked Keys\s*4$/);
  // … and it is still open, with the same key, and focus where it was.
  await expect(shown).toBeVisible();
  await expect(field).toHaveValue(secret);
  expect(await a.evaluate(() => document.activeElement?.outerHTML)).toBe(focused);
  await shown.getByRole('button', { name: 'Copy API key' }).click();
  await shown.getByRole('button', { name: 'Done' }).click();
  await expect(shown).toBeHidden();
  await expectCounts(a, 2, 4);
});

test('the navigation and the account menu are accessible hovered and focused', async () => {
  const current = a.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'API Keys' });
  await current.hover();
  await expectAccessible(a, 'the current navigation item, hovered');
  await current.focus();
  await expectAccessible(a, 'the current navigation item, focused');
  await a.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Users' }).hover();
  await expectAccessible(a, 'another navigation item, hovered');
  // Named by what it shows (label in name): the person's name.
  const account = a.getByRole('button', { name: ayse.name, exact: true });
  await account.hover();
  await account.focus();
  await expectAccessible(a, 'the account menu button, hovered and focused');
  await a.mouse.move(0, 0);
});

for (const [width, size] of [
  ['tablet', { width: 768, height: 1024 }],
  ['phone', { width: 390, height: 844 }],
] as const) {
  test(`on a ${width} (${size.width}×${size.height}) the cards and counters follow the other admin`, async () => {
    await a.setViewportSize(size);
    await openA(apiKeysPath);
    const cards = a.getByRole('list', { name: 'Active keys' }).getByRole('listitem');
    await expect(cards).toHaveCount(2);
    const counts = await graphql<{ apiKeyCounts: { active: number; revoked: number } }>(a, '{ apiKeyCounts { active revoked } }');
    await aIsListening();
    await markA();

    const made = await createKeyThroughApi(b, `${warehouse} (${width})`);
    await expectCounts(a, counts.apiKeyCounts.active + 1, counts.apiKeyCounts.revoked);
    await expect(cards.filter({ hasText: masked(made.secret) })).toContainText(`${warehouse} (${width})`);
    await revokeThroughApi(b, made.id);
    await expectCounts(a, counts.apiKeyCounts.active, counts.apiKeyCounts.revoked + 1);
    await expect(cards.filter({ hasText: masked(made.secret) })).toHaveCount(0);
    await stillNotReloaded();
    await expectAccessible(a, `the cards after live updates (${width})`);
  });
}

test('the Playground runs a subscription and shows the events as they come', async () => {
  await a.setViewportSize({ width: 1440, height: 900 });
  await openA('/playground');
  await expect(a.getByRole('heading', { name: 'GraphQL Playground', level: 1 })).toBeVisible({ timeout: 30_000 });
  await a.locator('.monaco-editor[data-uri$="operation.graphql"]').click();
  await a.keyboard.press('ControlOrMeta+A');
  await a.keyboard.insertText('subscription { apiKeyEvents { kind apiKey { name } } }');
  await a.getByRole('button', { name: /execute query/i }).click();
  await aIsListening();
  await a.waitForTimeout(500);

  const name = 'Playground-Ereignis — プレイグラウンド';
  await createKeyThroughApi(b, name);
  const response = a.locator('.graphiql-response');
  await expect(response).toContainText(name);
  await expect(response).toContainText('CREATED');
});

test('when the other admin’s session ends, the open page notices (the server closes its WebSocket) and asks to sign in', async () => {
  await b.goto(apiKeysPath);
  await expect(tab(b, 'Active Keys')).toBeVisible();
  await b.waitForTimeout(500);
  expect((await b.request.post('/auth/logout')).ok()).toBe(true);
  await expect(b).toHaveURL(/\/sign-in\?next=%2Fadmin%2Fcompany-settings%2Fapi-keys$/);
  await expect(b.getByRole('heading', { name: 'Sign in' })).toBeVisible();
});
