import { test, expect } from '@playwright/test';
import { admin, apiKeysPath, expectAccessible, expectCounts, signIn } from './helpers';

// Runs after 01-api-keys.spec.ts (one worker, files in name order), on the company
// that spec set up.

test('a signed-out visitor is sent to sign in and back to the page they wanted', async ({ page }) => {
  await page.goto('/admin/audit-trail');
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fadmin%2Faudit-trail/);
  await expectAccessible(page, 'the sign-in page');
  await page.getByLabel('Email').fill(admin.email);
  await page.getByLabel('Password').fill('wrong password, certainly');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText('Incorrect email or password.');
  await page.getByLabel('Password').fill(admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/admin\/audit-trail$/);
});

test('a member cannot reach the Administration pages', async ({ page, browser }) => {
  await signIn(page, admin.email, admin.password);
  await page.goto('/admin/company-settings/users');
  await page.getByRole('button', { name: 'Add user' }).click();
  const add = page.getByRole('dialog', { name: 'Add user' });
  await add.getByLabel('Name').fill('Mo Member');
  await add.getByLabel('Email').fill('mo@example.com');
  await add.getByLabel('Password').fill('mo member password');
  await add.getByRole('button', { name: 'Create user' }).click();
  await expect(add).toBeHidden();

  const member = await (await browser.newContext()).newPage();
  await signIn(member, 'mo@example.com', 'mo member password');
  await expect(member.getByRole('heading', { name: /Welcome, Mo Member/ })).toBeVisible();
  await expect(member.getByRole('navigation', { name: 'Main navigation' })).not.toContainText('Administration');
  await expectAccessible(member, "a member's home page");
  for (const path of [apiKeysPath, '/admin/company-settings/users', '/admin/audit-trail']) {
    await member.goto(path);
    await expect(member.getByRole('heading', { name: /Welcome, Mo Member/ })).toBeVisible();
    await expect(member.getByRole('heading', { name: 'API Keys', level: 1 })).toHaveCount(0);
  }
});

test('a keyboard alone can create and revoke a key', async ({ page }) => {
  await signIn(page, admin.email, admin.password);
  await page.goto(apiKeysPath);
  await expect(page.getByRole('heading', { name: 'API Keys', level: 1 })).toBeVisible();
  const before = await page.getByRole('tab', { name: /^Active Keys/ }).innerText();
  const active = Number(before.replace(/\D+/g, ''));

  await page.getByRole('button', { name: 'Add API Key' }).focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Add API Key' });
  await expect(dialog.getByLabel('Name')).toBeFocused();
  await page.keyboard.type('Keyboard Integration');
  await page.keyboard.press('Enter');
  const created = page.getByRole('dialog', { name: 'API key created' });
  await expect(created).toBeVisible();
  // The key was not copied: Escape asks first, with "keep" focused; Tab reaches "close".
  await page.keyboard.press('Escape');
  await expect(created.getByRole('button', { name: 'Keep the key open' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(created.getByRole('button', { name: 'Close without copying' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(created).toBeHidden();
  await expectCounts(page, active + 1, 1);

  const revoke = page.getByRole('button', { name: 'Revoke API key Keyboard Integration' });
  // Tab to the row's revoke button.
  for (let i = 0; i < 60 && !(await revoke.evaluate((el) => el === document.activeElement)); i++) {
    await page.keyboard.press('Tab');
  }
  await expect(revoke).toBeFocused();
  await page.keyboard.press('Enter');
  const confirm = page.getByRole('dialog', { name: 'Revoke API key' });
  await expect(confirm).toBeVisible();
  let onConfirm = false;
  for (let i = 0; i < 6 && !onConfirm; i++) {
    await page.keyboard.press('Tab');
    onConfirm = await confirm.getByRole('button', { name: 'Revoke key' }).evaluate((el) => el === document.activeElement);
  }
  expect(onConfirm).toBe(true);
  await page.keyboard.press('Enter');
  await expect(confirm).toBeHidden();
  await expectCounts(page, active, 2);
});
