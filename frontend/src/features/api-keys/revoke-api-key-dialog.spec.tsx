import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MantineProvider } from '@mantine/core';
import { RevokeApiKeyDialog } from './revoke-api-key-dialog';

const erp = { id: 'key_1', name: 'ERP Sync Service', maskedKey: 'gak_…k3Zq' };

function renderDialog(onConfirm: (k: typeof erp) => Promise<string | undefined>) {
  const onClose = vi.fn();
  render(
    <MantineProvider env="test">
      <RevokeApiKeyDialog apiKey={erp} onClose={onClose} onConfirm={onConfirm} />
    </MantineProvider>,
  );
  return { dialog: screen.getByRole('dialog', { name: 'Revoke API key' }), onClose };
}

describe('RevokeApiKeyDialog', () => {
  it('names the key, warns that it is immediate and permanent, and revokes', async () => {
    const onConfirm = vi.fn(() => Promise.resolve(undefined));
    const { dialog, onClose } = renderDialog(onConfirm);
    expect(within(dialog).getByText('Revoke ERP Sync Service (gak_…k3Zq)?')).toBeInTheDocument();
    expect(dialog).toHaveTextContent('loses access immediately');
    expect(dialog).toHaveTextContent('permanent');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Revoke key' }));
    expect(onConfirm).toHaveBeenCalledWith(erp);
    // The page learns what was revoked, to say "Revoked ERP Sync Service (gak_…k3Zq)".
    await waitFor(() => expect(onClose).toHaveBeenCalledWith(erp));
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('stays while the revoke is under way: Escape, Cancel and × do nothing', async () => {
    let answer!: (error: string | undefined) => void;
    const onConfirm = vi.fn(() => new Promise<string | undefined>((resolve) => (answer = resolve)));
    const { dialog, onClose } = renderDialog(onConfirm);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Revoke key' }));
    const revoking = within(dialog).getByRole('button', { name: 'Revoking…' });
    expect(revoking).toHaveAttribute('aria-disabled', 'true');
    expect(revoking).toHaveFocus();
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toBeDisabled();
    expect(within(dialog).getByRole('button', { name: 'Close' })).toBeDisabled();
    await userEvent.keyboard('{Escape}');
    await userEvent.click(revoking);
    expect(onClose).not.toHaveBeenCalled();
    expect(onConfirm).toHaveBeenCalledTimes(1);
    answer(undefined);
    await waitFor(() => expect(onClose).toHaveBeenCalledWith(erp));
  });

  it('shows a server error inline and stays open', async () => {
    const { dialog, onClose } = renderDialog(() => Promise.resolve('the key is already revoked'));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Revoke key' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('the key is already revoked');
    expect(onClose).not.toHaveBeenCalled();
    // Focus stays on the button, to retry.
    expect(within(dialog).getByRole('button', { name: 'Revoke key' })).toHaveFocus();
    expect(screen.getByRole('dialog', { name: 'Revoke API key' })).toBeInTheDocument();
  });

  it('cancels without revoking', async () => {
    const onConfirm = vi.fn(() => Promise.resolve(undefined));
    const { dialog, onClose } = renderDialog(onConfirm);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(onClose).toHaveBeenCalledWith();
    await userEvent.keyboard('{Escape}');
    expect(onClose).toHaveBeenCalledTimes(2);
    expect(onClose).toHaveBeenLastCalledWith();
    expect(onConfirm).not.toHaveBeenCalled();
  });
});
