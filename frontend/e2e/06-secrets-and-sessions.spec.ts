import { test, expect, request, type Page } from '@playwright/test';
import { admin, apiKeysPath, expectAccessible, signIn } from './helpers';

// A secret cannot be lost to a stray key press, and a session that ends mid-form loses
// nothing: the admin signs in again and carries on. Runs after 04-companies.spec.ts (files
// in name order), when the first admin's email opens two companies: this spec signs in as
// an admin of its own, whom the first admin adds to Acme Robotics through the API.

const keeper = { name: 'Kai Keeper', email: 'kai.keeper@example.com', password: 'kai keeps every secret' };

const sizes = [
  { name: 'desktop', width: 1440, height: 900 },
  { name: 'phone', width: 390, height: 844 },
] as const;

test.beforeAll(async () => {
  const api = await request.newContext({ baseURL: process.env.APIKEYS_E2E_URL });
  const credentials = { email: admin.email, password: admin.password };
  let res = await api.post('/auth/login', { data: credentials });
  if (res.status() === 409) {
    // CHOOSE_ORGANIZATION: the first admin has an account in a second company by now.
    const body = (await res.json()) as { errors: { extensions: { organizations: { id: string; name: string }[] } }[] };
    const acme = body.errors[0].extensions.organizations.find((o) => o.name === admin.company)!;
    res = await api.post('/auth/login', { data: { ...credentials, organizationId: acme.id } });
  }
  expect(res.status(), await res.text()).toBe(200);
  const created = await api.post('/graphql', {
    data: {
      query: 'mutation ($input: CreateUserInput!) { createUser(input: $input) { user { id } } }',
      variables: { input: { ...keeper, role: 'ADMIN' } },
    },
  });
  const body = (await created.json()) as { data?: { createUser?: { user?: { id?: string } } }; errors?: { message: string }[] };
  // After a failed test Playwright starts a new worker, which runs this again.
  const exists = body.errors?.[0]?.message === 'a user with this email already exists';
  expect(exists || body.data?.createUser?.user?.id, JSON.stringify(body.errors)).toBeTruthy();
  await api.dispose();
});

/**
 * Holds createAPIKey's answer back (at least two seconds, until release is called): the key
 * exists on the server while the dialog still waits for its secret.
 */
async function delayCreate(page: Page) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/graphql', async (route) => {
    const body = route.request().postData() ?? '';
    if (!body.includes('createAPIKey')) return route.continue();
    const response = await route.fetch();
    await Promise.all([released, new Promise((resolve) => setTimeout(resolve, 2_000))]);
    await route.fulfill({ response });
  });
  return release;
}

for (const size of sizes) {
  test.describe(`at ${size.name} width (${size.width}×${size.height})`, () => {
    test.use({ viewport: { width: size.width, height: size.height } });

    test('Escape while the key is being created keeps the dialog, which then shows the key', async ({ page }) => {
      await signIn(page, keeper.email, keeper.password);
      await page.goto(apiKeysPath);
      const release = await delayCreate(page);
      const name = `In-flight ${size.name}`;

      await page.getByRole('button', { name: 'Add API Key' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add API Key' });
      // An empty name is refused on the field, in a red that reads on white.
      await dialog.getByRole('button', { name: 'Create key' }).click();
      await expect(dialog.getByText('Enter a name for the key')).toBeVisible();
      await expectAccessible(page, `the Add API Key dialog with a field error (${size.name})`);

      await dialog.getByLabel('Name').fill(name);
      await dialog.getByRole('button', { name: 'Create key' }).click();
      await expect(dialog.getByRole('button', { name: 'Creating…' })).toBeVisible();
      await page.keyboard.press('Escape');
      await page.keyboard.press('Escape');
      await expect(dialog).toBeVisible();
      await expect(dialog.getByRole('button', { name: 'Creating…' })).toBeFocused();
      await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeDisabled();
      await expect(dialog.getByRole('button', { name: 'Close' })).toBeDisabled();
      await expectAccessible(page, `the Add API Key dialog while creating (${size.name})`);
      // Still there once the answer can come: Escape changed nothing.
      await expect(dialog.getByRole('button', { name: 'Creating…' })).toBeVisible();
      release();

      const created = page.getByRole('dialog', { name: 'API key created' });
      const field = created.getByRole('textbox', { name: 'API key' });
      await expect(field).toHaveValue(/^gak_[0-9A-Za-z]{36}$/);
      const secret = await field.inputValue();

      // Escape before copying asks; Escape again answers "keep", never "close".
      await page.keyboard.press('Escape');
      const question = created.getByRole('group', { name: 'Close without copying?' });
      await expect(question).toContainText('You will not see this key again');
      await expect(question.getByRole('button', { name: 'Keep the key open' })).toBeFocused();
      await expectAccessible(page, `the close-without-copying question (${size.name})`);
      await page.keyboard.press('Escape');
      await expect(question).toBeHidden();
      await expect(field).toHaveValue(secret);
      await expect(created.getByRole('button', { name: 'Copy API key' })).toBeFocused();

      // Done asks too, and only the explicit answer closes.
      await created.getByRole('button', { name: 'Done' }).click();
      await question.getByRole('button', { name: 'Close without copying' }).click();
      await expect(created).toBeHidden();
      await expect(page.locator('body')).not.toContainText(secret);
      // The key was made, and is listed by its masked form.
      await expect(page.getByRole('main')).toContainText(name);
      await expect(page.getByRole('main')).toContainText(`gak_…${secret.slice(-4)}`);
    });

    test('a copied key closes at once, and the Copied state reads well', async ({ page, context }) => {
      await context.grantPermissions(['clipboard-read', 'clipboard-write']);
      await signIn(page, keeper.email, keeper.password);
      await page.goto(apiKeysPath);
      await page.getByRole('button', { name: 'Add API Key' }).click();
      await page.getByRole('dialog', { name: 'Add API Key' }).getByLabel('Name').fill(`Copied ${size.name}`);
      await page.getByRole('button', { name: 'Create key' }).click();
      const created = page.getByRole('dialog', { name: 'API key created' });
      const secret = await created.getByRole('textbox', { name: 'API key' }).inputValue();
      await created.getByRole('button', { name: 'Copy API key' }).click();
      await expect(created.getByRole('button', { name: 'Copy API key' })).toHaveText('Copied');
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
      await expectAccessible(page, `the Copied state (${size.name})`);
      await page.keyboard.press('Escape');
      await expect(created).toBeHidden();
    });

    test('a session that ends while the dialog is open: sign in again, back on the page with the draft', async ({ page }) => {
      await signIn(page, keeper.email, keeper.password);
      await page.goto(apiKeysPath);
      const name = `Nightly Export ${size.name}`;
      await page.getByRole('button', { name: 'Add API Key' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add API Key' });
      await dialog.getByLabel('Name').fill(name);
      await dialog.getByRole('radio', { name: /Admin/ }).check();

      // The session ends on the server (as when it expires, or is signed out elsewhere).
      const logout = await page.request.post('/auth/logout');
      expect(logout.status()).toBe(204);
      // The app notices by itself within a second (the server closes its WebSocket with 4403),
      // or at Create (401), whichever comes first: the draft is kept as typed either way.
      await dialog
        .getByRole('button', { name: 'Create key' })
        .click({ timeout: 5_000 })
        .catch(() => undefined);

      await expect(page).toHaveURL(/\/sign-in\?next=%2Fadmin%2Fcompany-settings%2Fapi-keys/);
      await expect(page.getByRole('status').filter({ hasText: 'Your session ended' })).toHaveText('Your session ended. Sign in again to continue.');
      await expectAccessible(page, `the sign-in page after the session ended (${size.name})`);

      // A wrong password: the message takes focus, the page's body does not.
      await page.getByLabel('Email').fill(keeper.email);
      await page.getByLabel('Password').fill('not the password at all');
      await page.getByRole('button', { name: 'Sign in' }).click();
      const refusal = page.getByRole('alert').filter({ hasText: 'Incorrect email or password.' });
      await expect(refusal).toBeFocused();
      await expectAccessible(page, `the sign-in page with a refusal (${size.name})`);
      // An empty password is asked for on its field.
      await page.getByLabel('Password').fill('');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect(page.getByLabel('Password')).toBeFocused();
      await expectAccessible(page, `the sign-in page with a field error (${size.name})`);

      await page.getByLabel('Password').fill(keeper.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect(page).toHaveURL(new RegExp(`${apiKeysPath}$`));
      await expect(page.getByText('You are signed in again')).toBeVisible();
      await expect(page.getByText(/What you had typed was kept/)).toBeVisible();
      await expectAccessible(page, `the signed-in-again notice (${size.name})`);

      await page.getByRole('button', { name: 'Add API Key' }).click();
      const again = page.getByRole('dialog', { name: 'Add API Key' });
      await expect(again.getByLabel('Name')).toHaveValue(name);
      await expect(again.getByRole('radio', { name: /Admin/ })).toBeChecked();
      await again.getByRole('button', { name: 'Create key' }).click();
      const created = page.getByRole('dialog', { name: 'API key created' });
      await created.getByRole('button', { name: 'Copy API key' }).click();
      await created.getByRole('button', { name: 'Done' }).click();
      await expect(created).toBeHidden();
      // The draft went with the key: the next dialog starts empty.
      await page.getByRole('button', { name: 'Add API Key' }).click();
      await expect(page.getByRole('dialog', { name: 'Add API Key' }).getByLabel('Name')).toHaveValue('');
      expect(await page.evaluate(() => JSON.stringify(sessionStorage))).not.toContain('gak_');
    });
  });
}
