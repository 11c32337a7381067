import { execFileSync } from 'node:child_process';
import { test, expect, type Locator, type Page } from '@playwright/test';
import { apiKeysPath, callWithKey, expectAccessible, expectAllInView, expectCounts, expectNoHorizontalScroll, tab } from './helpers';

// A key's life: it is made to expire, the company's key policy bounds it, it is rotated
// (with a working overlap, or at once) and renamed, and the audit trail says so. On a
// company of its own (the operator's create-org command), so that its key policy touches
// no other spec; at desktop width first, then as cards on a tablet and a phone.
test.describe.configure({ mode: 'serial', timeout: 120_000 });

const founder = { company: 'Keyring Lifecycle Labs', name: 'Liv Lifecycle', email: 'liv@lifecycle.example', password: 'liv lifecycle password' };

const day = 24 * 60 * 60 * 1000;

let page: Page;

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

/** The day as the app writes "The key will expire on …", in the browser's locale and zone. */
function dayIn(p: Page, days: number) {
  return p.evaluate(
    (ms) => new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' }).format(new Date(Date.now() + ms)),
    days * day,
  );
}

/** Creates a key through Add API Key with the given expiration, copies it, and returns it. */
async function createKey(p: Page, name: string, expiration: string) {
  await p.getByRole('button', { name: 'Add API Key' }).click();
  const add = p.getByRole('dialog', { name: 'Add API Key' });
  await add.getByLabel('Name').fill(name);
  await add.getByRole('combobox', { name: 'Expiration' }).selectOption({ label: expiration });
  await add.getByRole('button', { name: 'Create key' }).click();
  return copyNewKey(p, 'API key created');
}

/** Copies the key the dialog shows once, closes it, and returns the key. */
async function copyNewKey(p: Page, title: string) {
  const shown = p.getByRole('dialog', { name: title });
  const field = shown.getByRole('textbox', { name: 'API key' });
  await expect(field).toHaveValue(/^gak_[0-9A-Za-z]{36}$/);
  const secret = await field.inputValue();
  await shown.getByRole('button', { name: 'Copy API key' }).click();
  await expect(shown.getByRole('status')).toContainText('Copied');
  expect(await p.evaluate(() => navigator.clipboard.readText())).toBe(secret);
  await shown.getByRole('button', { name: 'Done' }).click();
  await expect(shown).toBeHidden();
  return secret;
}

const masked = (secret: string) => `gak_…${secret.slice(-4)}`;
const row = (p: Page, secret: string) => p.getByRole('row').filter({ hasText: masked(secret) });

/** Opens a key's menu (beside Revoke) and chooses an action. */
async function chooseAction(p: Page, within: Locator, keyName: string, action: 'Rotate' | 'Rename') {
  await within.getByRole('button', { name: `More actions for ${keyName}` }).click();
  await p.getByRole('menuitem', { name: action }).click();
}

let weekly = '';
let monthly = '';

test('keys are made to expire: 30 days by default, 7 days warned of, and the expiring ones a click away', async () => {
  await page.goto(apiKeysPath);
  await expectCounts(page, 0, 0);

  await page.getByRole('button', { name: 'Add API Key' }).click();
  const add = page.getByRole('dialog', { name: 'Add API Key' });
  const expiration = add.getByRole('combobox', { name: 'Expiration' });
  await expect(expiration.locator('option')).toHaveText(['7 days', '30 days', '60 days', '90 days', 'Custom date…', 'No expiration']);
  await expect(expiration).toHaveValue('30');
  await expect(add).toContainText(`The key will expire on ${await dayIn(page, 30)}.`);
  await expiration.selectOption({ label: '7 days' });
  await expect(add).toContainText(`The key will expire on ${await dayIn(page, 7)}.`);
  await add.getByLabel('Name').fill('Weekly Export');
  await expectAccessible(page, 'the Add API Key dialog with its Expiration');
  await add.getByRole('button', { name: 'Create key' }).click();
  weekly = await copyNewKey(page, 'API key created');

  await expect(row(page, weekly)).toContainText('Expires in 7 days');
  const notice = page.getByRole('status').filter({ hasText: 'within 7 days' });
  await expect(notice).toContainText('1 key expires within 7 days');

  // 30 days: a time, and no warning.
  monthly = await createKey(page, 'Monthly Sync', '30 days');
  const monthlyTime = row(page, monthly).locator('td').nth(5).locator('time');
  expect(Math.abs(Date.parse((await monthlyTime.getAttribute('datetime'))!) - (Date.now() + 30 * day))).toBeLessThan(5 * 60_000);
  await expect(row(page, monthly)).not.toContainText('Expires in');
  await expect(notice).toContainText('1 key expires within 7 days');
  await expectNoHorizontalScroll(page, 'the Active tab with expiries');
  await expectAccessible(page, 'the Active tab with an expiry warning');

  // Only the expiring ones, soonest first: a URL of its own, and a way back.
  await notice.getByRole('button', { name: 'Show expiring keys' }).click();
  await expect(page).toHaveURL(/\?expiring=1&sort=expires&order=asc$/);
  const table = page.getByRole('table', { name: 'Active keys' });
  await expect(table.getByRole('row')).toHaveCount(2);
  await expect(table.getByRole('row').nth(1)).toContainText('Weekly Export');
  await expect(table.getByRole('columnheader', { name: 'Expires' })).toHaveAttribute('aria-sort', 'ascending');
  await page.reload();
  await expect(table.getByRole('row')).toHaveCount(2);
  await expectAccessible(page, 'the expiring keys');
  await page.getByRole('button', { name: 'Show all keys' }).click();
  await expect(page).toHaveURL(/\?sort=expires&order=asc$/);
  await expect(table.getByRole('row')).toHaveCount(3);
  // Soonest first; a key without expiry would come last.
  await expect(table.getByRole('row').nth(1)).toContainText('Weekly Export');
});

test('the key policy: an admin sets a maximum lifetime and requires an expiry, and Add API Key keeps to it', async () => {
  await page.goto(apiKeysPath);
  const section = page.getByRole('region', { name: 'Key policy' });
  const days = section.getByRole('textbox', { name: 'Maximum lifetime (days)' });
  await expect(days).toHaveValue('');
  await days.fill('2000');
  await section.getByRole('button', { name: 'Save key policy' }).click();
  await expect(section.getByText(/Enter a whole number of days from 1 to 1825/)).toBeVisible();
  await expectAccessible(page, 'the key policy with a field error');
  await days.fill('60');
  await section.getByRole('switch', { name: /^Require an expiration date/ }).check();
  await section.getByRole('button', { name: 'Save key policy' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Key policy saved' })).toBeVisible();
  await expectAccessible(page, 'the saved key policy');
  await page.reload();
  await expect(days).toHaveValue('60');
  await expect(section.getByRole('switch', { name: /^Require an expiration date/ })).toBeChecked();

  await page.getByRole('button', { name: 'Add API Key' }).click();
  const add = page.getByRole('dialog', { name: 'Add API Key' });
  const expiration = add.getByRole('combobox', { name: 'Expiration' });
  await expect(expiration.locator('option')).toHaveText(['7 days', '30 days', '60 days (the maximum)', 'Custom date…']);
  await expect(add).toContainText('keys expire at most 60 days after they are created');
  await add.getByLabel('Name').fill('Beyond the policy');
  await expiration.selectOption({ label: 'Custom date…' });
  const date = add.getByLabel(/Expiration date/);
  await date.fill(await page.evaluate(() => new Date(Date.now() + 90 * 24 * 60 * 60 * 1000).toISOString().slice(0, 10)));
  await add.getByRole('button', { name: 'Create key' }).click();
  await expect(add.getByText(/Choose a date no later than/)).toBeVisible();
  await expect(date).toBeFocused();
  await expectAccessible(page, 'the Add API Key dialog with a custom date beyond the policy');
  await add.getByRole('button', { name: 'Cancel' }).click();
  await expect(add).toBeHidden();
  await expectCounts(page, 2, 0);
});

let monthlyNext = '';

test('rotating with an overlap: the new key is shown once and copied, and both keys work until the old one ends', async () => {
  await page.goto(apiKeysPath);
  const old = row(page, monthly);
  await old.getByRole('button', { name: 'More actions for Monthly Sync' }).click();
  const menu = page.getByRole('menu');
  await expect(menu.getByRole('menuitem')).toHaveText(['Rotate', 'Rename']);
  await expectAccessible(page, 'the row menu');
  await page.keyboard.press('Escape');
  await expect(menu).toBeHidden();
  await expect(old.getByRole('button', { name: 'More actions for Monthly Sync' })).toBeFocused();

  await chooseAction(page, old, 'Monthly Sync', 'Rotate');
  const dialog = page.getByRole('dialog', { name: 'Rotate API key' });
  await expect(dialog).toContainText(`Rotate Monthly Sync (${masked(monthly)})?`);
  const when = dialog.getByRole('radiogroup', { name: 'When should the current key stop working?' });
  await expect(when.getByRole('radio', { name: 'In 24 hours' })).toBeChecked();
  await expectAccessible(page, 'the Rotate API key dialog');
  await when.getByRole('radio', { name: 'In 1 hour' }).check();
  await dialog.getByRole('button', { name: 'Rotate key' }).click();
  const rotated = page.getByRole('dialog', { name: 'API key rotated' });
  await expect(rotated).toContainText(`The previous key ${masked(monthly)} keeps working until`);
  await expectAccessible(page, 'the rotated key');
  monthlyNext = await copyNewKey(page, 'API key rotated');
  expect(monthlyNext).not.toBe(monthly);

  // Both are active: the new one heads the list, the old one now ends within the hour.
  await expectCounts(page, 3, 0);
  await expect(page.getByRole('row', { name: /Monthly Sync/ })).toHaveCount(2);
  await expect(page.getByRole('table', { name: 'Active keys' }).getByRole('row').nth(1)).toContainText(masked(monthlyNext));
  await expect(row(page, monthly)).toContainText(/Expires (today|in 1 day)/);
  const oldEnds = Date.parse((await row(page, monthly).locator('td').nth(5).locator('time').getAttribute('datetime'))!);
  expect(Math.abs(oldEnds - (Date.now() + 60 * 60 * 1000))).toBeLessThan(5 * 60_000);
  await expect(row(page, monthlyNext)).not.toContainText('Expires in');
  await expect(page.getByRole('status').filter({ hasText: 'within 7 days' })).toContainText('2 keys expire within 7 days');
  expect((await callWithKey(monthly)).status).toBe(200);
  expect((await callWithKey(monthlyNext)).status).toBe(200);
});

let weeklyNext = '';

test('rotating at once: the old key is refused and shows as Rotated on the Revoked tab', async () => {
  await chooseAction(page, row(page, weekly), 'Weekly Export', 'Rotate');
  const dialog = page.getByRole('dialog', { name: 'Rotate API key' });
  await dialog.getByRole('radio', { name: /Immediately/ }).check();
  await dialog.getByRole('button', { name: 'Rotate key' }).click();
  await expect(page.getByRole('dialog', { name: 'API key rotated' })).toContainText(`The previous key ${masked(weekly)} no longer works.`);
  weeklyNext = await copyNewKey(page, 'API key rotated');

  expect((await callWithKey(weekly)).status).toBe(401);
  expect((await callWithKey(weeklyNext)).status).toBe(200);
  await expectCounts(page, 3, 1);
  // The new key keeps the old one's lifetime: 7 days.
  await expect(row(page, weeklyNext)).toContainText('Expires in 7 days');

  await tab(page, 'Revoked Keys').click();
  const revoked = page.getByRole('table', { name: 'Revoked keys' });
  const ended = revoked.getByRole('row').filter({ hasText: masked(weekly) });
  await expect(ended).toContainText('Rotated');
  await expect(ended).toContainText(`by ${founder.name}`);
  await expectNoHorizontalScroll(page, 'the Revoked tab with reasons');
  await expectAccessible(page, 'the Revoked tab with reasons');
  await tab(page, 'Active Keys').click();
});

test('renaming a key: the new name is listed, and the audit trail says "Updated API key" with the old and new name', async () => {
  await chooseAction(page, row(page, weeklyNext), 'Weekly Export', 'Rename');
  const dialog = page.getByRole('dialog', { name: 'Rename API key' });
  const name = dialog.getByRole('textbox', { name: /Name/ });
  await expect(name).toHaveValue('Weekly Export');
  await name.fill(' ');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog.getByText('Enter a name for the key')).toBeVisible();
  await expectAccessible(page, 'the Rename API key dialog with a field error');
  await name.fill('Weekly Export (Finance)');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('alert').filter({ hasText: 'Renamed Weekly Export' })).toContainText('to Weekly Export (Finance)');
  await expect(row(page, weeklyNext)).toContainText('Weekly Export (Finance)');
  // The integration's key is the same key.
  expect((await callWithKey(weeklyNext)).body.data?.viewer).toMatchObject({ name: 'Weekly Export (Finance)' });

  await page.getByRole('button', { name: 'Audit trail' }).click();
  const drawer = page.getByRole('dialog', { name: 'API key audit trail' });
  const renamed = drawer.getByRole('row').filter({ hasText: 'Updated API key' });
  await expect(renamed).toContainText('Weekly Export → Weekly Export (Finance)');
  await expect(drawer.getByRole('row').filter({ hasText: 'Rotated API key' }).first()).toContainText('New key gak_…');
  await expect(drawer.getByRole('row').filter({ hasText: masked(weekly) }).filter({ hasText: 'Rotated API key' })).toContainText('the old key stopped at once');
  await expectAccessible(page, 'the audit drawer with lifecycle events');
  await page.keyboard.press('Escape');

  await page.goto('/admin/audit-trail?action=KEY_POLICY_UPDATED');
  const entries = page.getByRole('table', { name: 'Audit entries' });
  await expect(entries.getByRole('row').nth(1)).toContainText('Updated key policy');
  await expect(entries.getByRole('row').nth(1)).toContainText('Maximum lifetime: no limit → 60 days; expiration required: no → yes');
  await page.goto('/admin/audit-trail?action=API_KEY_UPDATED');
  await expect(entries.getByRole('row').nth(1)).toContainText('Updated API key');
  await expectAccessible(page, 'the Audit trail page with a rename');
});

for (const [width, size] of [
  ['tablet', { width: 768, height: 1024 }],
  ['phone', { width: 390, height: 844 }],
] as const) {
  test(`on a ${width} (${size.width}×${size.height}) the cards show expiry and reasons, and the menu and dialogs fit`, async () => {
    await page.setViewportSize(size);
    await page.goto(apiKeysPath);
    const cards = page.getByRole('list', { name: 'Active keys' }).getByRole('listitem');
    await expect(cards).toHaveCount(3);
    await expect(cards.filter({ hasText: masked(weeklyNext) })).toContainText('Expires in 7 days');
    await expect(cards.filter({ hasText: masked(monthly) })).toContainText(/Expires: .*Expires (today|in 1 day)/);
    await expectNoHorizontalScroll(page, `the cards (${width})`);
    await expectAllInView(page, page.getByRole('button', { name: /^More actions for / }), `each card's menu (${width})`);
    await expectAllInView(page, page.getByRole('button', { name: /^Revoke API key / }), `each card's Revoke (${width})`);
    await expectAccessible(page, `the cards with expiry (${width})`);

    const card = cards.filter({ hasText: masked(monthlyNext) });
    await card.getByRole('button', { name: 'More actions for Monthly Sync' }).click();
    await expectAllInView(page, page.getByRole('menuitem'), `the menu's items (${width})`);
    await expectAccessible(page, `the row menu (${width})`);
    await page.getByRole('menuitem', { name: 'Rotate' }).click();
    const rotate = page.getByRole('dialog', { name: 'Rotate API key' });
    await expectAllInView(page, rotate.getByRole('button', { name: 'Rotate key' }), `Rotate key (${width})`);
    await expectNoHorizontalScroll(page, `the Rotate API key dialog (${width})`);
    await expectAccessible(page, `the Rotate API key dialog (${width})`);
    await rotate.getByRole('button', { name: 'Cancel' }).click();
    await expect(rotate).toBeHidden();

    await chooseAction(page, card, 'Monthly Sync', 'Rename');
    const rename = page.getByRole('dialog', { name: 'Rename API key' });
    await expectAllInView(page, rename.getByRole('button', { name: 'Save' }), `Save (${width})`);
    await expectNoHorizontalScroll(page, `the Rename API key dialog (${width})`);
    await expectAccessible(page, `the Rename API key dialog (${width})`);
    await page.keyboard.press('Escape');
    await expect(rename).toBeHidden();

    await page.getByRole('button', { name: 'Add API Key' }).click();
    const add = page.getByRole('dialog', { name: 'Add API Key' });
    await add.getByRole('combobox', { name: 'Expiration' }).selectOption({ label: 'Custom date…' });
    await expect(add.getByLabel(/Expiration date/)).toBeVisible();
    await expectNoHorizontalScroll(page, `the Add API Key dialog with a custom date (${width})`);
    await expectAccessible(page, `the Add API Key dialog with a custom date (${width})`);
    await add.getByRole('button', { name: 'Cancel' }).click();
    // Until the dialog is gone its overlay covers the page: the next check's click point would land on it.
    await expect(add).toBeHidden();

    const section = page.getByRole('region', { name: 'Key policy' });
    await expectAllInView(page, section.getByRole('button', { name: 'Save key policy' }), `Save key policy (${width})`);
    await expectNoHorizontalScroll(page, `the key policy (${width})`);

    await tab(page, 'Revoked Keys').click();
    const ended = page.getByRole('list', { name: 'Revoked keys' }).getByRole('listitem').filter({ hasText: masked(weekly) });
    await expect(ended).toContainText('Reason: Rotated');
    await expectNoHorizontalScroll(page, `the Revoked tab (${width})`);
    await expectAccessible(page, `the Revoked tab as cards (${width})`);
  });
}
