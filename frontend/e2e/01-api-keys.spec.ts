import { test, expect, type Page } from '@playwright/test';
import { admin, apiKeysPath, callWithKey, expectAccessible, expectCounts, signIn, tab } from './helpers';

// The story of the product page, in order, on one fresh server: setup, a key created,
// copied, used, revoked, audited; people added and deleted; members kept out.
test.describe.configure({ mode: 'serial' });

let page: Page;

test.beforeAll(async ({ browser }) => {
  const context = await browser.newContext();
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  page = await context.newPage();
});

test('a new admin sets up the company with the one-time link', async () => {
  await page.goto(process.env.APIKEYS_E2E_SETUP_URL!);
  await expect(page.getByRole('heading', { name: 'Set up your company' })).toBeVisible();
  await expectAccessible(page, 'the setup page');
  await page.getByLabel('Company name').fill(admin.company);
  await page.getByLabel('Your name').fill(admin.name);
  await page.getByLabel('Email').fill(admin.email);
  await page.getByLabel('Password').fill(admin.password);
  await page.getByRole('button', { name: 'Create company' }).click();

  await expect(page).toHaveURL(new RegExp(apiKeysPath));
  await expect(page.getByRole('heading', { name: 'API Keys', level: 1 })).toBeVisible();
  const crumbs = page.getByRole('navigation', { name: 'Breadcrumb' });
  await expect(crumbs).toContainText('Administration');
  await expect(crumbs).toContainText('Company Settings');
  await expect(crumbs).toContainText('API Keys');
  await expect(page.getByRole('banner')).toContainText(admin.company);
  await expect(page.getByRole('banner')).toContainText(admin.name);
  await expectCounts(page, 0, 0);
  await expect(page.getByRole('button', { name: 'Add your first API key' })).toBeVisible();
  await expectAccessible(page, 'the empty API Keys page');
});

let secret = '';

test('the admin creates a key, copies it, and an integration uses it', async () => {
  await page.getByRole('button', { name: 'Add API Key' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add API Key' });
  await dialog.getByLabel('Name').fill('ERP Sync Service');
  await expectAccessible(page, 'the Add API Key dialog');
  await dialog.getByRole('button', { name: 'Create key' }).click();

  const created = page.getByRole('dialog', { name: 'API key created' });
  await expect(created).toContainText('will not be shown again');
  secret = await created.getByRole('textbox', { name: 'API key' }).inputValue();
  expect(secret).toMatch(/^gak_[0-9A-Za-z]{36}$/);
  await expectAccessible(page, 'the key-created dialog');
  await created.getByRole('button', { name: 'Copy API key' }).click();
  await expect(created.getByRole('status')).toContainText('Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
  await created.getByRole('button', { name: 'Done' }).click();
  await expect(created).toBeHidden();
  // The full key is gone from the page once the dialog is closed.
  await expect(page.locator('body')).not.toContainText(secret);

  await expectCounts(page, 1, 0);
  const row = page.getByRole('row', { name: /ERP Sync Service/ });
  await expect(row).toContainText(`gak_…${secret.slice(-4)}`);
  await expect(row).toContainText(admin.name);
  await expect(row).toContainText('Never');

  const res = await callWithKey(secret);
  expect(res.status).toBe(200);
  expect(res.body.data?.viewer).toEqual({ kind: 'SERVICE_ACCOUNT', name: 'ERP Sync Service', organization: { name: admin.company } });
  // The use is written within the server's batch interval (100 ms here).
  await expect
    .poll(async () => {
      await page.reload();
      return page.getByRole('row', { name: /ERP Sync Service/ }).innerText();
    })
    .not.toContain('Never');
});

test('the admin revokes the key and the integration is refused at once', async () => {
  await page.getByRole('button', { name: 'Revoke API key ERP Sync Service' }).click();
  const confirm = page.getByRole('dialog', { name: 'Revoke API key' });
  await expect(confirm).toContainText('ERP Sync Service');
  await expect(confirm).toContainText(/immediately/i);
  await expect(confirm).toContainText(/permanent/i);
  await expectAccessible(page, 'the revoke dialog');
  await confirm.getByRole('button', { name: 'Revoke key' }).click();
  await expect(confirm).toBeHidden();

  await expectCounts(page, 0, 1);
  const res = await callWithKey(secret);
  expect(res.status).toBe(401);
  expect(res.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

  await tab(page, 'Revoked Keys').click();
  const row = page.getByRole('row', { name: /ERP Sync Service/ });
  await expect(row).toBeVisible();
  await expect(row).toContainText(admin.name);
  await expectAccessible(page, 'the Revoked Keys tab');
});

test('the audit trail drawer shows both events with the admin as actor', async () => {
  await page.getByRole('button', { name: 'Audit trail' }).click();
  const drawer = page.getByRole('dialog', { name: 'API key audit trail' });
  await expect(drawer.getByText('Revoked API key')).toBeVisible();
  await expect(drawer.getByText('Created API key')).toBeVisible();
  await expect(drawer).toContainText(admin.name);
  await expect(drawer).toContainText('ERP Sync Service');
  const text = await drawer.innerText();
  expect(text.indexOf('Revoked API key')).toBeLessThan(text.indexOf('Created API key'));
  await expectAccessible(page, 'the audit trail drawer');
  await page.keyboard.press('Escape');
  await expect(drawer).toBeHidden();
});

test('keys of a deleted user show "Deleted user"', async ({ browser }) => {
  await page.goto('/admin/company-settings/users');
  await expect(page.getByRole('heading', { name: 'Users', level: 1 })).toBeVisible();
  await page.getByRole('button', { name: 'Add user' }).click();
  const add = page.getByRole('dialog', { name: 'Add user' });
  await add.getByLabel('Name').fill('Kim Keymaker');
  await add.getByLabel('Email').fill('kim@example.com');
  await add.getByLabel('Password').fill('kim keymaker password');
  await add.getByRole('radio', { name: 'Admin' }).check();
  await add.getByRole('button', { name: 'Create user' }).click();
  await expect(add).toBeHidden();
  await expect(page.getByRole('row', { name: /Kim Keymaker/ })).toBeVisible();
  await expectAccessible(page, 'the Users page');

  const kimContext = await browser.newContext();
  const kim = await kimContext.newPage();
  await signIn(kim, 'kim@example.com', 'kim keymaker password');
  await kim.goto(apiKeysPath);
  await kim.getByRole('button', { name: 'Add API Key' }).click();
  await kim.getByRole('dialog', { name: 'Add API Key' }).getByLabel('Name').fill("Kim's Reporting Dashboard");
  await kim.getByRole('button', { name: 'Create key' }).click();
  const kimCreated = kim.getByRole('dialog', { name: 'API key created' });
  await kimCreated.getByRole('button', { name: 'Done' }).click();
  // Kim never copied the key: closing asks first.
  await kimCreated.getByRole('button', { name: 'Close without copying' }).click();
  await expect(kimCreated).toBeHidden();

  await page.getByRole('button', { name: 'Delete user Kim Keymaker' }).click();
  const del = page.getByRole('dialog', { name: 'Delete user' });
  await del.getByRole('button', { name: 'Delete user' }).click();
  await expect(del).toBeHidden();
  await expect(page.getByRole('row', { name: /Kim Keymaker/ })).toHaveCount(0);

  // Kim's session ends at once: the next request sends Kim to sign in.
  await kim.reload();
  await expect(kim).toHaveURL(/\/sign-in/);
  await kimContext.close();

  await page.goto(apiKeysPath);
  await expect(page.getByRole('row', { name: /Kim's Reporting Dashboard/ })).toContainText('Deleted user');
});

test('the broader audit trail and the playground are there for admins', async () => {
  await page.goto('/admin/audit-trail');
  await expect(page.getByRole('heading', { name: 'Audit trail', level: 1 })).toBeVisible();
  await expect(page.getByText('Created API key').first()).toBeVisible();
  await expectAccessible(page, 'the Audit trail page');

  await page.goto(apiKeysPath);
  await page.getByRole('link', { name: 'GraphQL Playground' }).first().click();
  await expect(page).toHaveURL(/\/playground/);
  await expect(page.getByRole('heading', { name: 'GraphQL Playground', level: 1 })).toBeVisible();
  // GraphiQL runs the default query against /graphql with the admin's session.
  await page.getByRole('button', { name: /execute query/i }).click();
  await expect(page.locator('.graphiql-response')).toContainText(admin.company);
  // GraphiQL's own editor (Monaco, its tab list) is a third-party widget with known axe
  // findings (line-number contrast, nested tab controls): the page around it is ours.
  await expectAccessible(page, 'the GraphQL Playground', '.graphiql-container');
});
