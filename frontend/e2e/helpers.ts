import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

export const admin = { company: 'Acme Robotics', name: 'Ada Admin', email: 'ada@example.com', password: 'correct horse battery staple' };

export const apiKeysPath = '/admin/company-settings/api-keys';

/** Calls the GraphQL API as an integration would, from the test process. */
export async function callWithKey(key: string, query = '{ viewer { kind name organization { name } } }') {
  const res = await fetch(`${process.env.APIKEYS_E2E_URL}/graphql`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}` },
    body: JSON.stringify({ query }),
  });
  return { status: res.status, body: (await res.json()) as { data?: Record<string, unknown>; errors?: { extensions?: { code?: string } }[] } };
}

export async function signIn(page: Page, email: string, password: string) {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).not.toHaveURL(/\/sign-in/);
}

/** No serious or critical accessibility violation on the page as it is now. */
export async function expectAccessible(page: Page, what: string, exclude?: string) {
  const builder = new AxeBuilder({ page });
  if (exclude) builder.exclude(exclude);
  const results = await builder.analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    `accessibility of ${what}`,
  ).toEqual([]);
}

export function tab(page: Page, name: 'Active Keys' | 'Revoked Keys') {
  return page.getByRole('tab', { name: new RegExp(`^${name}`) });
}

export async function expectCounts(page: Page, active: number, revoked: number) {
  await expect(tab(page, 'Active Keys')).toHaveText(new RegExp(`Active Keys\\s*${active}$`));
  await expect(tab(page, 'Revoked Keys')).toHaveText(new RegExp(`Revoked Keys\\s*${revoked}$`));
}
