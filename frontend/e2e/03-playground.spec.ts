import { test, expect, type Page } from '@playwright/test';
import { admin, signIn } from './helpers';

// Runs after 01-api-keys.spec.ts (one worker, files in name order), on the company
// that spec set up.

/** Every localStorage and sessionStorage entry of the page, as "local key=value" lines. */
function storedEntries(page: Page) {
  return page.evaluate(() =>
    (['localStorage', 'sessionStorage'] as const).flatMap((area) =>
      Object.keys(window[area]).map((key) => `${area} ${key}=${window[area].getItem(key)}`),
    ),
  );
}

test('a key typed into the Playground headers is kept nowhere, and signing out forgets the Playground', async ({ page }) => {
  const key = 'gak_FakeKeyTypedIntoThePlaygroundHeaders0';
  await signIn(page, admin.email, admin.password);
  await page.goto('/playground');
  // GraphiQL and Monaco are a few megabytes, loaded on this page only.
  await expect(page.getByRole('heading', { name: 'GraphQL Playground', level: 1 })).toBeVisible({ timeout: 30_000 });

  await page.getByRole('button', { name: 'Headers', exact: true }).click();
  await page.locator('.monaco-editor[data-uri$="request-headers.json"]').click();
  // insertText, not type: Monaco would auto-close the braces and quotes typed one by one.
  await page.keyboard.insertText(`{"Authorization": "Bearer ${key}"}`);
  await page.getByRole('button', { name: /execute query/i }).click();
  // The fetcher sent the header: the server refused the made-up key.
  await expect(page.locator('.graphiql-response')).toContainText('UNAUTHENTICATED');

  // GraphiQL writes its history at once and its tabs 500 ms after the last change.
  await expect.poll(async () => (await storedEntries(page)).some((e) => e.startsWith('localStorage graphiql:queries='))).toBe(true);
  await page.waitForTimeout(1_000);
  const stored = await storedEntries(page);
  expect(stored.filter((e) => e.startsWith('localStorage graphiql:')).length).toBeGreaterThan(0);
  for (const entry of stored) {
    expect(entry).not.toContain('gak_');
    expect(entry).not.toContain('Authorization');
  }

  await page.getByRole('button', { name: admin.name, exact: true }).click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  expect((await storedEntries(page)).filter((e) => / graphiql:/.test(e))).toEqual([]);
});
