import AxeBuilder from '@axe-core/playwright';
import { expect, type Locator, type Page } from '@playwright/test';

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

/** No sideways scrolling of the page itself. */
export async function expectNoHorizontalScroll(p: Page, what: string) {
  const { scroll, width } = await p.evaluate(() => ({ scroll: document.scrollingElement!.scrollWidth, width: window.innerWidth }));
  expect(scroll, `page width of ${what}`).toBeLessThanOrEqual(width);
}

/**
 * Each locator, once the page is scrolled to it (up and down only: nothing may need a
 * sideways scroll, the page's or a table's), lies wholly inside the window and is what a
 * click at its centre reaches.
 */
export async function expectAllInView(p: Page, locators: Locator, what: string) {
  const { width, height } = p.viewportSize()!;
  const count = await locators.count();
  expect(count, what).toBeGreaterThan(0);
  for (let i = 0; i < count; i++) {
    const one = locators.nth(i);
    await expect(one, `${what} #${i + 1}`).toBeVisible();
    const seen = await one.evaluate((el) => {
      const before = el.getBoundingClientRect();
      window.scrollBy(0, before.top + before.height / 2 - window.innerHeight / 2);
      const r = el.getBoundingClientRect();
      // The middle of its first line box: text that wraps has gaps between its lines.
      const line = el.getClientRects()[0] ?? r;
      const at = document.elementFromPoint(line.left + line.width / 2, line.top + line.height / 2);
      return { x: r.left, y: r.top, right: r.right, bottom: r.bottom, reached: !!at && (at === el || el.contains(at)) };
    });
    const where = `${what} #${i + 1} at ${JSON.stringify(seen)}`;
    expect(seen.x, where).toBeGreaterThanOrEqual(0);
    expect(seen.right, where).toBeLessThanOrEqual(width);
    expect(seen.y, where).toBeGreaterThanOrEqual(0);
    expect(seen.bottom, where).toBeLessThanOrEqual(height);
    expect(seen.reached, where).toBe(true);
  }
  expect(await p.evaluate(() => window.scrollX), what).toBe(0);
}
