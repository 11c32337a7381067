import { beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MantineProvider } from '@mantine/core';
import { useState } from 'react';
import type { KeyToRotate } from './api-keys-table';
import { RotateApiKeyDialog, type RotateKeyResult } from './rotate-api-key-dialog';

const secret = 'gak_9zYabcdefghijklmnopqrstuvwxyz0123Nw4x';
const erp: KeyToRotate = { id: 'key_1', name: 'ERP Sync Service', maskedKey: 'gak_…k3Zq', expiresAt: null };
const hour = 60 * 60 * 1000;

// The page's part: the key to rotate, until the dialog closes itself.
function Harness({ apiKey = erp, onRotate }: { apiKey?: KeyToRotate; onRotate: (key: KeyToRotate, until: string | null) => Promise<RotateKeyResult> }) {
  const [rotating, setRotating] = useState<KeyToRotate | null>(apiKey);
  return (
    <MantineProvider env="test">
      <RotateApiKeyDialog apiKey={rotating} onClose={() => setRotating(null)} onRotate={onRotate} />
    </MantineProvider>
  );
}

const writeText = vi.fn(async () => {});
beforeEach(() => {
  Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
});

describe('RotateApiKeyDialog', () => {
  it('says what happens, lets the current key work on for 24 hours by default, and shows the new key once', async () => {
    const until = new Date(Date.now() + 24 * hour).toISOString();
    const onRotate = vi.fn(() => Promise.resolve({ secret, previousKeyWorksUntil: until }));
    render(<Harness onRotate={onRotate} />);
    const dialog = screen.getByRole('dialog', { name: 'Rotate API key' });
    expect(dialog).toHaveTextContent('Rotate ERP Sync Service (gak_…k3Zq)?');
    expect(dialog).toHaveTextContent('same name, same role');
    const group = within(dialog).getByRole('radiogroup', { name: 'When should the current key stop working?' });
    expect(within(group).getAllByRole('radio')).toHaveLength(4);
    for (const label of ['Immediately', 'In 1 hour', 'In 7 days']) expect(within(group).getByRole('radio', { name: new RegExp(label) })).not.toBeChecked();
    expect(within(group).getByRole('radio', { name: 'In 24 hours' })).toBeChecked();

    await userEvent.click(within(dialog).getByRole('button', { name: 'Rotate key' }));
    expect(onRotate).toHaveBeenCalledWith(erp, expect.any(String));
    const sent = (onRotate.mock.calls[0] as unknown[])[1] as string;
    expect(Math.abs(Date.parse(sent) - (Date.now() + 24 * hour))).toBeLessThan(60_000);

    const rotated = await screen.findByRole('dialog', { name: 'API key rotated' });
    expect(within(rotated).getByRole('textbox', { name: 'API key' })).toHaveValue(secret);
    expect(rotated).toHaveTextContent('will not be shown again');
    expect(rotated).toHaveTextContent('The previous key gak_…k3Zq keeps working until');
    expect(within(rotated).getByText(/keeps working until/).querySelector('time')).toHaveAttribute('dateTime', until);
    await userEvent.click(within(rotated).getByRole('button', { name: 'Copy API key' }));
    expect(writeText).toHaveBeenCalledWith(secret);
    await userEvent.click(within(rotated).getByRole('button', { name: 'Done' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(document.body).not.toHaveTextContent(secret);
  });

  it('stops the current key at once when asked, and says so', async () => {
    const onRotate = vi.fn(() => Promise.resolve({ secret, previousKeyWorksUntil: null }));
    render(<Harness onRotate={onRotate} />);
    await userEvent.click(screen.getByRole('radio', { name: /Immediately/ }));
    expect(screen.getByRole('radio', { name: /Immediately/ })).toHaveAccessibleDescription(/refused at once/);
    await userEvent.click(screen.getByRole('button', { name: 'Rotate key' }));
    expect(onRotate).toHaveBeenCalledWith(erp, null);
    const rotated = await screen.findByRole('dialog', { name: 'API key rotated' });
    expect(rotated).toHaveTextContent('The previous key gak_…k3Zq no longer works.');
    // Not copied: closing asks first, as after creating a key.
    await userEvent.keyboard('{Escape}');
    expect(within(rotated).getByRole('group', { name: 'Close without copying?' })).toBeInTheDocument();
  });

  it('offers no overlap beyond the current key’s own expiry', () => {
    const soon = { ...erp, expiresAt: new Date(Date.now() + 3 * hour).toISOString() };
    render(<Harness apiKey={soon} onRotate={vi.fn()} />);
    expect(screen.getByRole('radio', { name: /In 1 hour/ })).toBeEnabled();
    expect(screen.getByRole('radio', { name: /In 24 hours/ })).toBeDisabled();
    expect(screen.getByRole('radio', { name: /In 7 days/ })).toBeDisabled();
    // The default (24 hours) is out of reach: the latest possible is chosen.
    expect(screen.getByRole('radio', { name: /In 1 hour/ })).toBeChecked();
  });

  it('cannot be dismissed while rotating, and shows an error in place', async () => {
    let answer!: (result: RotateKeyResult) => void;
    const onRotate = vi.fn(() => new Promise<RotateKeyResult>((resolve) => (answer = resolve)));
    render(<Harness onRotate={onRotate} />);
    const dialog = screen.getByRole('dialog', { name: 'Rotate API key' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Rotate key' }));
    const rotating = within(dialog).getByRole('button', { name: 'Rotating…' });
    expect(rotating).toHaveAttribute('aria-disabled', 'true');
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toBeDisabled();
    expect(within(dialog).getByRole('button', { name: 'Close' })).toBeDisabled();
    await userEvent.keyboard('{Escape}');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Close' }));
    await userEvent.click(rotating);
    expect(onRotate).toHaveBeenCalledTimes(1);
    expect(screen.getByRole('dialog', { name: 'Rotate API key' })).toBeInTheDocument();

    answer({ error: 'the key is already revoked' });
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('the key is already revoked');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('keeps the current key’s networks unless they are changed, and then sends the new ones', async () => {
    const kept = { ...erp, allowedNetworks: ['203.0.113.0/24', '2001:db8::/32'] };
    const onRotate = vi.fn(() => Promise.resolve({ secret, previousKeyWorksUntil: null }));
    render(<Harness apiKey={kept} onRotate={onRotate} />);
    const networks = screen.getByRole('textbox', { name: 'Allowed networks (optional)' });
    expect(networks).toHaveValue('203.0.113.0/24\n2001:db8::/32');
    expect(networks).toHaveAccessibleDescription(/Empty: any address\./);
    await userEvent.click(screen.getByRole('button', { name: 'Rotate key' }));
    // Unchanged: not sent, the server copies the current key's.
    expect(onRotate.mock.calls[0]).toEqual([kept, expect.any(String)]);

    cleanup();
    onRotate.mockClear();
    render(<Harness apiKey={kept} onRotate={onRotate} />);
    const field = screen.getByRole('textbox', { name: 'Allowed networks (optional)' });
    await userEvent.clear(field);
    await userEvent.type(field, '198.51.100.0/24, 203.0.113.0/24');
    await userEvent.click(screen.getByRole('button', { name: 'Rotate key' }));
    expect(onRotate).toHaveBeenCalledWith(kept, expect.any(String), ['198.51.100.0/24', '203.0.113.0/24']);
  });

  it('sends an emptied list as any address, and puts the server’s complaint about a network on the field', async () => {
    const complaint = 'at most 100 networks';
    const onRotate = vi
      .fn<(key: KeyToRotate, until: string | null, allowedNetworks?: string[]) => Promise<RotateKeyResult>>()
      .mockResolvedValueOnce({ error: complaint, field: 'allowedNetworks' })
      .mockResolvedValueOnce({ secret, previousKeyWorksUntil: null });
    render(<Harness apiKey={{ ...erp, allowedNetworks: ['10.0.0.0/8'] }} onRotate={onRotate} />);
    const dialog = screen.getByRole('dialog', { name: 'Rotate API key' });
    const field = within(dialog).getByRole('textbox', { name: 'Allowed networks (optional)' });
    await userEvent.clear(field);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Rotate key' }));
    expect(onRotate).toHaveBeenLastCalledWith(expect.objectContaining({ id: 'key_1' }), expect.any(String), []);
    expect(await within(dialog).findByText(complaint)).toBeInTheDocument();
    expect(field).toHaveAttribute('aria-invalid', 'true');
    expect(field).toHaveFocus();
    expect(within(dialog).queryByRole('alert')).not.toBeInTheDocument();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Rotate key' }));
    expect(await screen.findByRole('dialog', { name: 'API key rotated' })).toBeInTheDocument();
  });
});
