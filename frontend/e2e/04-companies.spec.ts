import { execFileSync } from 'node:child_process';
import { test, expect, type Locator, type Page } from '@playwright/test';
import { admin, expectAccessible } from './helpers';

// Runs last (files in name order): it gives the admin's email an account in a second
// company, after which signing in asks which one.

// 100 characters, in Greek: as long as a company name may be, in another alphabet.
const longName = 'Ελληνική Εταιρεία Λογισμικού και Υπηρεσιών Υπολογιστικού Νέφους Ανώνυμη Εταιρεία Αθηνών Πειραιώς'.padEnd(100, 'Ω');

/** The operator's command line creates a company whose first admin has the admin's email and password. */
function createCompanyForAdmin(name: string) {
  execFileSync(process.env.APIKEYS_E2E_BIN!, ['create-org', '--name', name, '--admin-email', admin.email, '--admin-name', admin.name], {
    input: `${admin.password}\n`,
    env: { ...process.env, DATABASE_URL: process.env.APIKEYS_E2E_DATABASE_URL },
  });
}

async function fillSignIn(page: Page) {
  await page.getByLabel('Email').fill(admin.email);
  await page.getByLabel('Password').fill(admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Whether the element's text is cut (ends in "…") rather than shown whole. */
function isCut(locator: Locator) {
  return locator.evaluate((el) => el.scrollWidth > el.clientWidth);
}

test('an email with accounts in two companies chooses one when signing in, on a phone too', async ({ page }) => {
  createCompanyForAdmin(longName);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/sign-in');
  await fillSignIn(page);

  await expect(page.getByRole('heading', { name: 'Choose a company' })).toBeFocused();
  const choices = page.getByRole('button', { name: /^Sign in to / });
  await expect(choices).toHaveText([`Sign in to ${admin.company}`, `Sign in to ${longName}`]);
  const long = page.getByRole('button', { name: `Sign in to ${longName}` });
  // The long name is cut to fit, nothing spills sideways, and the whole name shows on focus.
  expect(await isCut(long.locator('span[dir="auto"]'))).toBe(true);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  const box = await long.boundingBox();
  expect(box!.x + box!.width).toBeLessThanOrEqual(390);
  await expectAccessible(page, 'the company choice');
  await long.hover();
  await expect(page.getByRole('tooltip')).toHaveText(longName);

  await page.getByRole('button', { name: 'Back' }).click();
  await expect(page.getByLabel('Email')).toHaveValue(admin.email);
  await expect(page.getByLabel('Password')).toHaveValue(admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();

  // The keyboard alone chooses: Tab from the question to the first company, then on.
  await expect(page.getByRole('heading', { name: 'Choose a company' })).toBeFocused();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await expect(long).toBeFocused();
  await expect(page.getByRole('tooltip')).toHaveText(longName);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/admin\/company-settings\/api-keys$/);
  // The header keeps to its one line: the company's name is cut, not wrapped over the page.
  const company = page.getByRole('banner').getByText(longName);
  await expect(company).toBeVisible();
  expect(await isCut(company)).toBe(true);
  expect((await page.getByRole('banner').boundingBox())!.height).toBeLessThanOrEqual(56);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await expectAccessible(page, 'the API Keys page on a phone');
});
