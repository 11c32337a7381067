import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MantineProvider } from '@mantine/core';
import { useState } from 'react';
import { AddApiKeyDialog, type AddApiKeyDialogProps, type CreateKeyResult } from './add-api-key-dialog';
import { readDraft, saveDraft } from '../../session/drafts';
import { formatDate } from '../../lib/format';

const secret = 'gak_4pXabcdefghijklmnopqrstuvwxyz0123k3Zq';

// The page's part: a button that opens the dialog, which closes itself on onClose.
function Harness({ onCreate, policy }: Pick<AddApiKeyDialogProps, 'onCreate' | 'policy'>) {
  const [opened, setOpened] = useState(true);
  return (
    <MantineProvider env="test">
      <button onClick={() => setOpened(true)}>Add API Key</button>
      <AddApiKeyDialog opened={opened} onClose={() => setOpened(false)} onCreate={onCreate} policy={policy} />
    </MantineProvider>
  );
}

/** A create that answers when the test says so. */
function delayedCreate() {
  let answer!: (result: CreateKeyResult) => void;
  const onCreate = vi.fn(() => new Promise<CreateKeyResult>((resolve) => (answer = resolve)));
  return { onCreate, answer: (result: CreateKeyResult) => answer(result) };
}

async function createKey(name = 'Reporting Dashboard') {
  await userEvent.type(screen.getByRole('textbox', { name: /Name/ }), name);
  await userEvent.click(screen.getByRole('button', { name: 'Create key' }));
  return screen.findByRole('dialog', { name: 'API key created' });
}

const day = 24 * 60 * 60 * 1000;

/** The expiresAt onCreate was last called with, checked to be about days from now. */
function expectExpiresIn(onCreate: { mock: { calls: unknown[][] } }, days: number) {
  const input = onCreate.mock.calls.at(-1)?.[0] as { expiresAt: string | null };
  expect(input.expiresAt).not.toBeNull();
  expect(Math.abs(Date.parse(input.expiresAt!) - (Date.now() + days * day))).toBeLessThan(60_000);
}

const expiration = () => screen.getByRole('combobox', { name: 'Expiration' });
const optionLabels = () => within(expiration()).getAllByRole('option').map((o) => o.textContent);

const writeText = vi.fn(async () => {});
beforeEach(() => {
  sessionStorage.clear();
  Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
});
afterEach(() => {
  writeText.mockClear();
});

describe('AddApiKeyDialog', () => {
  it('asks for a name before creating anything', async () => {
    const onCreate = vi.fn();
    render(<Harness onCreate={onCreate} />);
    const dialog = screen.getByRole('dialog', { name: 'Add API Key' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Create key' }));
    expect(within(dialog).getByText('Enter a name for the key')).toBeInTheDocument();
    expect(within(dialog).getByRole('textbox', { name: /Name/ })).toHaveAttribute('aria-invalid', 'true');
    expect(onCreate).not.toHaveBeenCalled();
  });

  it('creates a Viewer key by default, shows it once with Copy and a warning, and forgets it on close', async () => {
    const onCreate = vi.fn(() => Promise.resolve({ secret }));
    render(<Harness onCreate={onCreate} />);
    const form = screen.getByRole('dialog', { name: 'Add API Key' });
    expect(within(form).getByRole('radio', { name: /Viewer/ })).toBeChecked();
    await userEvent.type(within(form).getByRole('textbox', { name: /Name/ }), 'ERP Sync Service{Enter}');
    expect(onCreate).toHaveBeenCalledWith({ name: 'ERP Sync Service', role: 'VIEWER', expiresAt: expect.any(String) as string });
    expectExpiresIn(onCreate, 30);

    const created = await screen.findByRole('dialog', { name: 'API key created' });
    const field = within(created).getByRole('textbox', { name: 'API key' });
    expect(field).toHaveValue(secret);
    expect(field).toHaveAttribute('readonly');
    expect(created).toHaveTextContent('Copy this key now. For security reasons it will not be shown again.');
    expect(created).toHaveTextContent('gak_…k3Zq');

    const copy = within(created).getByRole('button', { name: 'Copy API key' });
    expect(copy).toHaveTextContent('Copy');
    await userEvent.click(copy);
    expect(writeText).toHaveBeenCalledWith(secret);
    await waitFor(() => expect(copy).toHaveTextContent('Copied'));
    expect(within(created).getByRole('status')).toHaveTextContent('Copied');

    await userEvent.click(within(created).getByRole('button', { name: 'Done' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(document.body).not.toHaveTextContent(secret);

    await userEvent.click(screen.getByRole('button', { name: 'Add API Key' }));
    const again = screen.getByRole('dialog', { name: 'Add API Key' });
    expect(within(again).getByRole('textbox', { name: /Name/ })).toHaveValue('');
    expect(document.body).not.toHaveTextContent(secret);
  });

  it('cannot be dismissed while the key is being created, then shows the key', async () => {
    const { onCreate, answer } = delayedCreate();
    render(<Harness onCreate={onCreate} />);
    await userEvent.type(screen.getByRole('textbox', { name: /Name/ }), 'ERP Sync Service{Enter}');
    const dialog = screen.getByRole('dialog', { name: 'Add API Key' });
    const creating = within(dialog).getByRole('button', { name: 'Creating…' });
    expect(creating).toHaveAttribute('aria-disabled', 'true');
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toBeDisabled();
    expect(within(dialog).getByRole('button', { name: 'Close' })).toBeDisabled();

    await userEvent.keyboard('{Escape}');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Close' }));
    // A second press of Create does not create a second key.
    await userEvent.click(creating);
    expect(screen.getByRole('dialog', { name: 'Add API Key' })).toBeInTheDocument();
    expect(onCreate).toHaveBeenCalledTimes(1);

    answer({ secret });
    const created = await screen.findByRole('dialog', { name: 'API key created' });
    expect(within(created).getByRole('textbox', { name: 'API key' })).toHaveValue(secret);
  });

  it('asks before closing a key that was not copied; Escape does not skip the question', async () => {
    render(<Harness onCreate={() => Promise.resolve({ secret })} />);
    const created = await createKey();
    await userEvent.keyboard('{Escape}');
    const question = within(created).getByRole('group', { name: 'Close without copying?' });
    expect(question).toHaveAccessibleDescription(/You will not see this key again/);
    expect(within(question).getByRole('button', { name: 'Keep the key open' })).toHaveFocus();
    expect(within(created).getByRole('textbox', { name: 'API key' })).toHaveValue(secret);

    // Escape again keeps the key open, and so does the × of the dialog.
    await userEvent.keyboard('{Escape}');
    expect(screen.getByRole('dialog', { name: 'API key created' })).toBeInTheDocument();
    expect(within(created).queryByRole('group', { name: 'Close without copying?' })).not.toBeInTheDocument();
    expect(within(created).getByRole('button', { name: 'Copy API key' })).toHaveFocus();
    await userEvent.click(within(created).getByRole('button', { name: 'Close' }));
    await userEvent.click(within(created).getByRole('button', { name: 'Keep the key open' }));
    expect(within(created).queryByRole('group')).not.toBeInTheDocument();
    expect(screen.getByRole('dialog', { name: 'API key created' })).toBeInTheDocument();

    // Done asks too; only the explicit answer closes, and the key is gone.
    await userEvent.click(within(created).getByRole('button', { name: 'Done' }));
    await userEvent.click(within(created).getByRole('button', { name: 'Close without copying' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(document.body).not.toHaveTextContent(secret);
  });

  it('closes at once with Escape once the key was copied, by the button or by hand', async () => {
    render(<Harness onCreate={() => Promise.resolve({ secret })} />);
    let created = await createKey();
    await userEvent.click(within(created).getByRole('button', { name: 'Copy API key' }));
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Add API Key' }));
    created = await createKey('Second');
    fireEvent.copy(within(created).getByRole('textbox', { name: 'API key' }));
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(document.body).not.toHaveTextContent(secret);
  });

  it('copying while the question is open answers it', async () => {
    render(<Harness onCreate={() => Promise.resolve({ secret })} />);
    const created = await createKey();
    await userEvent.click(within(created).getByRole('button', { name: 'Done' }));
    await userEvent.click(within(created).getByRole('button', { name: 'Copy API key' }));
    expect(within(created).queryByRole('group', { name: 'Close without copying?' })).not.toBeInTheDocument();
    await userEvent.click(within(created).getByRole('button', { name: 'Done' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('keeps the name and role as a draft while typing, never the key', async () => {
    const { onCreate, answer } = delayedCreate();
    render(<Harness onCreate={onCreate} />);
    await userEvent.type(screen.getByRole('textbox', { name: /Name/ }), 'ERP Sync Service');
    await userEvent.click(screen.getByRole('radio', { name: /Admin/ }));
    expect(readDraft('add-api-key')).toEqual({ name: 'ERP Sync Service', role: 'ADMIN' });
    await userEvent.selectOptions(expiration(), '90 days');
    expect(readDraft('add-api-key')).toEqual({ name: 'ERP Sync Service', role: 'ADMIN', expiry: '90' });
    await userEvent.click(screen.getByRole('button', { name: 'Create key' }));
    // Until the key exists, the draft stays: a session ending now would lose nothing.
    expect(readDraft('add-api-key')).toEqual({ name: 'ERP Sync Service', role: 'ADMIN', expiry: '90' });
    answer({ secret });
    await screen.findByRole('dialog', { name: 'API key created' });
    expect(readDraft('add-api-key')).toBeNull();
    expect(JSON.stringify({ ...sessionStorage })).not.toContain(secret.slice(4));
  });

  it('opens with the draft a session that ended left behind', async () => {
    saveDraft('add-api-key', { name: 'ERP Sync Service', role: 'ADMIN', expiry: 'never' });
    const onCreate = vi.fn(() => Promise.resolve({ secret }));
    render(<Harness onCreate={onCreate} />);
    expect(screen.getByRole('textbox', { name: /Name/ })).toHaveValue('ERP Sync Service');
    expect(screen.getByRole('radio', { name: /Admin/ })).toBeChecked();
    expect(expiration()).toHaveValue('never');
    await userEvent.click(screen.getByRole('button', { name: 'Create key' }));
    expect(onCreate).toHaveBeenCalledWith({ name: 'ERP Sync Service', role: 'ADMIN', expiresAt: null });
  });

  it('keeps the draft when the create fails, and forgets it on Cancel', async () => {
    render(<Harness onCreate={() => Promise.resolve({ error: 'Sign in to continue' })} />);
    await userEvent.type(screen.getByRole('textbox', { name: /Name/ }), 'ERP');
    await userEvent.click(screen.getByRole('button', { name: 'Create key' }));
    await screen.findByRole('alert');
    expect(readDraft('add-api-key')).toEqual({ name: 'ERP', role: 'VIEWER' });
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(readDraft('add-api-key')).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Add API Key' }));
    expect(screen.getByRole('textbox', { name: /Name/ })).toHaveValue('');
  });

  it('shows the server’s complaint about the name on the field and stays open', async () => {
    render(<Harness onCreate={() => Promise.resolve({ error: 'value is greater than the maximum length', field: 'name' })} />);
    await userEvent.type(screen.getByRole('textbox', { name: /Name/ }), 'x');
    await userEvent.click(screen.getByRole('button', { name: 'Create key' }));
    const dialog = screen.getByRole('dialog', { name: 'Add API Key' });
    expect(await within(dialog).findByText('value is greater than the maximum length')).toBeInTheDocument();
    expect(within(dialog).queryByRole('alert')).not.toBeInTheDocument();
  });

  it('shows other errors in an alert and stays open', async () => {
    render(<Harness onCreate={() => Promise.resolve({ error: 'only admins may create API keys' })} />);
    await userEvent.type(screen.getByRole('textbox', { name: /Name/ }), 'ERP');
    await userEvent.click(screen.getByRole('button', { name: 'Create key' }));
    const dialog = screen.getByRole('dialog', { name: 'Add API Key' });
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('only admins may create API keys');
  });

  it('expires in 30 days by default and says on which day; offers 7 to 90 days, a custom date and no expiration', async () => {
    const onCreate = vi.fn(() => Promise.resolve({ secret }));
    render(<Harness onCreate={onCreate} />);
    const dialog = screen.getByRole('dialog', { name: 'Add API Key' });
    expect(optionLabels()).toEqual(['7 days', '30 days', '60 days', '90 days', 'Custom date…', 'No expiration']);
    expect(expiration()).toHaveValue('30');
    expect(dialog).toHaveTextContent(`The key will expire on ${formatDate(new Date(Date.now() + 30 * day).toISOString())}.`);
    await userEvent.selectOptions(expiration(), '7 days');
    expect(dialog).toHaveTextContent(`The key will expire on ${formatDate(new Date(Date.now() + 7 * day).toISOString())}.`);
    await userEvent.type(within(dialog).getByRole('textbox', { name: /Name/ }), 'Weekly Export{Enter}');
    expectExpiresIn(onCreate, 7);
  });

  it('makes a key that never expires, with a word of warning', async () => {
    const onCreate = vi.fn(() => Promise.resolve({ secret }));
    render(<Harness onCreate={onCreate} />);
    const dialog = screen.getByRole('dialog', { name: 'Add API Key' });
    await userEvent.selectOptions(expiration(), 'No expiration');
    expect(dialog).toHaveTextContent('The key will never expire.');
    expect(dialog).toHaveTextContent('keeps working until it is revoked, also if it leaks');
    await userEvent.type(within(dialog).getByRole('textbox', { name: /Name/ }), 'Forever{Enter}');
    expect(onCreate).toHaveBeenCalledWith({ name: 'Forever', role: 'VIEWER', expiresAt: null });
  });

  it('takes a custom date from tomorrow on, and sends that day at the current time', async () => {
    const onCreate = vi.fn(() => Promise.resolve({ secret }));
    render(<Harness onCreate={onCreate} />);
    const dialog = screen.getByRole('dialog', { name: 'Add API Key' });
    await userEvent.type(within(dialog).getByRole('textbox', { name: /Name/ }), 'Quarterly Report');
    await userEvent.selectOptions(expiration(), 'Custom date…');
    const date = within(dialog).getByLabelText(/Expiration date/);
    const local = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    const inDays = (n: number) => {
      const d = new Date();
      d.setDate(d.getDate() + n);
      return d;
    };
    expect(date).toHaveAttribute('min', local(inDays(1)));
    expect(date).toHaveAttribute('max', local(inDays(1825)));
    expect(dialog).toHaveTextContent('Choose the day the key stops working.');

    await userEvent.click(within(dialog).getByRole('button', { name: 'Create key' }));
    expect(within(dialog).getByText('Choose a date')).toBeInTheDocument();
    expect(date).toHaveAttribute('aria-invalid', 'true');
    expect(date).toHaveFocus();
    fireEvent.change(date, { target: { value: local(new Date()) } });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Create key' }));
    expect(within(dialog).getByText('Choose a date after today')).toBeInTheDocument();
    expect(onCreate).not.toHaveBeenCalled();

    fireEvent.change(date, { target: { value: local(inDays(45)) } });
    expect(dialog).toHaveTextContent(`The key will expire on ${formatDate(inDays(45).toISOString())}.`);
    expect(readDraft('add-api-key')).toMatchObject({ expiry: 'custom', date: local(inDays(45)) });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Create key' }));
    const input = (onCreate.mock.calls.at(-1) as unknown[])[0] as { expiresAt: string };
    expect(local(new Date(input.expiresAt))).toBe(local(inDays(45)));
  });

  it('keeps to the key policy: no "No expiration" when an expiry is required, nothing beyond the maximum lifetime', async () => {
    const onCreate = vi.fn(() => Promise.resolve({ secret }));
    const { unmount } = render(<Harness onCreate={onCreate} policy={{ maxLifetimeDays: null, requireExpiry: true }} />);
    expect(optionLabels()).toEqual(['7 days', '30 days', '60 days', '90 days', 'Custom date…']);
    expect(expiration()).toHaveAccessibleDescription('Your company’s key policy: keys must expire.');
    unmount();

    render(<Harness onCreate={onCreate} policy={{ maxLifetimeDays: 60, requireExpiry: false }} />);
    expect(optionLabels()).toEqual(['7 days', '30 days', '60 days (the maximum)', 'Custom date…']);
    expect(expiration()).toHaveValue('30');
    expect(expiration()).toHaveAccessibleDescription('Your company’s key policy: keys expire at most 60 days after they are created.');
    await userEvent.selectOptions(expiration(), 'Custom date…');
    const max = new Date();
    max.setDate(max.getDate() + 60);
    const date = screen.getByLabelText(/Expiration date/);
    expect(date.getAttribute('max')).toBe(`${max.getFullYear()}-${String(max.getMonth() + 1).padStart(2, '0')}-${String(max.getDate()).padStart(2, '0')}`);
    fireEvent.change(date, { target: { value: '2999-01-01' } });
    await userEvent.type(screen.getByRole('textbox', { name: /Name/ }), 'Too Long{Enter}');
    expect(screen.getByText(`Choose a date no later than ${formatDate(max.toISOString())}`)).toBeInTheDocument();
    expect(onCreate).not.toHaveBeenCalled();
  });

  it('clamps the default to a maximum lifetime shorter than 30 days', async () => {
    const onCreate = vi.fn(() => Promise.resolve({ secret }));
    // A draft's "No expiration" is no longer allowed either: the default takes its place.
    saveDraft('add-api-key', { name: 'Short Lived', role: 'VIEWER', expiry: 'never' });
    render(<Harness onCreate={onCreate} policy={{ maxLifetimeDays: 10, requireExpiry: false }} />);
    expect(optionLabels()).toEqual(['7 days', '10 days (the maximum)', 'Custom date…']);
    expect(expiration()).toHaveValue('10');
    await userEvent.click(screen.getByRole('button', { name: 'Create key' }));
    expectExpiresIn(onCreate, 10);
  });

  it('shows the server’s complaint about the expiration on that field', async () => {
    render(<Harness onCreate={() => Promise.resolve({ error: 'expiresAt is beyond the key policy’s maximum lifetime of 30 days', field: 'expiresAt' })} />);
    await userEvent.type(screen.getByRole('textbox', { name: /Name/ }), 'ERP{Enter}');
    const dialog = screen.getByRole('dialog', { name: 'Add API Key' });
    expect(await within(dialog).findByText('expiresAt is beyond the key policy’s maximum lifetime of 30 days')).toBeInTheDocument();
    expect(expiration()).toHaveAttribute('aria-invalid', 'true');
    expect(expiration()).toHaveFocus();
    expect(within(dialog).queryByRole('alert')).not.toBeInTheDocument();
  });

  it('keeps the key to the networks typed, one a line or comma separated, and sends none for any address', async () => {
    const onCreate = vi.fn(() => Promise.resolve({ secret }));
    render(<Harness onCreate={onCreate} />);
    const networks = screen.getByRole('textbox', { name: 'Allowed networks (optional)' });
    expect(networks).toHaveValue('');
    expect(networks).toHaveAccessibleDescription(/One IP address or CIDR network per line, e\.g\. 203\.0\.113\.0\/24 or 2001:db8::\/32\. Empty: any address\./);
    await userEvent.type(networks, '203.0.113.0/24{Enter}2001:db8::/32, 198.51.100.7{Enter}{Enter}');
    expect(readDraft('add-api-key')).toEqual({ name: '', role: 'VIEWER', networks: '203.0.113.0/24\n2001:db8::/32, 198.51.100.7\n\n' });
    await userEvent.type(screen.getByRole('textbox', { name: /Name/ }), 'Nordlys Lager Sync');
    await userEvent.click(screen.getByRole('button', { name: 'Create key' }));
    expect(onCreate).toHaveBeenCalledWith({
      name: 'Nordlys Lager Sync',
      role: 'VIEWER',
      expiresAt: expect.any(String) as string,
      allowedNetworks: ['203.0.113.0/24', '2001:db8::/32', '198.51.100.7'],
    });
    expect(onCreate.mock.calls[0]).toHaveLength(1);

    cleanup();
    onCreate.mockClear();
    render(<Harness onCreate={onCreate} />);
    await userEvent.type(screen.getByRole('textbox', { name: 'Allowed networks (optional)' }), ' , ');
    await userEvent.type(screen.getByRole('textbox', { name: /Name/ }), 'Anywhere{Enter}');
    expect(Object.keys((onCreate.mock.calls[0] as unknown[])[0] as object)).not.toContain('allowedNetworks');
  });

  it('shows the server’s complaint about a network on that field, and keeps what was typed', async () => {
    const complaint = '"10.0.0.300" is not an IP address or a CIDR network (e.g. 203.0.113.0/24 or 2001:db8::/32)';
    render(<Harness onCreate={() => Promise.resolve({ error: complaint, field: 'allowedNetworks' })} />);
    const networks = screen.getByRole('textbox', { name: 'Allowed networks (optional)' });
    await userEvent.type(networks, '10.0.0.0/8{Enter}10.0.0.300');
    await userEvent.type(screen.getByRole('textbox', { name: /Name/ }), 'ERP{Enter}');
    const dialog = screen.getByRole('dialog', { name: 'Add API Key' });
    expect(await within(dialog).findByText(complaint)).toBeInTheDocument();
    expect(networks).toHaveAttribute('aria-invalid', 'true');
    expect(networks).toHaveFocus();
    expect(networks).toHaveValue('10.0.0.0/8\n10.0.0.300');
    expect(within(dialog).queryByRole('alert')).not.toBeInTheDocument();
    await userEvent.type(networks, '{Backspace}');
    expect(networks).not.toHaveAttribute('aria-invalid', 'true');
  });
});
