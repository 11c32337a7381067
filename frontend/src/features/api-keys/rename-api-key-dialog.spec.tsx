import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MantineProvider } from '@mantine/core';
import type { KeyRef } from './api-keys-table';
import { RenameApiKeyDialog, type RenameError } from './rename-api-key-dialog';

const erp: KeyRef = { id: 'key_1', name: 'ERP Sync Service', maskedKey: 'gak_…k3Zq' };

function renderDialog(onRename: (key: KeyRef, name: string) => Promise<RenameError | undefined>) {
  const onClose = vi.fn();
  render(
    <MantineProvider env="test">
      <RenameApiKeyDialog apiKey={erp} onClose={onClose} onRename={onRename} />
    </MantineProvider>,
  );
  const dialog = screen.getByRole('dialog', { name: 'Rename API key' });
  return { dialog, field: within(dialog).getByRole('textbox', { name: /Name/ }), onClose };
}

describe('RenameApiKeyDialog', () => {
  it('opens with the name, saves the new one trimmed, and tells the page', async () => {
    const onRename = vi.fn(() => Promise.resolve(undefined));
    const { dialog, field, onClose } = renderDialog(onRename);
    expect(field).toHaveValue('ERP Sync Service');
    expect(field).toHaveAccessibleDescription(/gak_…k3Zq itself does not change/);
    await userEvent.clear(field);
    await userEvent.type(field, '  ERP Sync (Production) ');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(onRename).toHaveBeenCalledWith(erp, 'ERP Sync (Production)');
    await waitFor(() => expect(onClose).toHaveBeenCalledWith('ERP Sync (Production)'));
  });

  it('asks for a name with the words of Add API Key, and sends nothing for an unchanged one', async () => {
    const onRename = vi.fn(() => Promise.resolve(undefined));
    const { dialog, field, onClose } = renderDialog(onRename);
    await userEvent.clear(field);
    await userEvent.type(field, '   {Enter}');
    expect(within(dialog).getByText('Enter a name for the key')).toBeInTheDocument();
    expect(field).toHaveAttribute('aria-invalid', 'true');
    expect(field).toHaveFocus();
    await userEvent.clear(field);
    await userEvent.type(field, 'ERP Sync Service{Enter}');
    expect(onRename).not.toHaveBeenCalled();
    expect(onClose).toHaveBeenCalledWith();
  });

  it('puts the server’s complaint about the name on the field, and anything else above the buttons', async () => {
    const onRename = vi
      .fn<(key: KeyRef, name: string) => Promise<RenameError | undefined>>()
      .mockResolvedValueOnce({ error: 'name must not contain control characters', field: 'name' })
      .mockResolvedValueOnce({ error: 'only admins may rename API keys' });
    const { dialog, field, onClose } = renderDialog(onRename);
    await userEvent.type(field, ' 2{Enter}');
    expect(await within(dialog).findByText('name must not contain control characters')).toBeInTheDocument();
    expect(field).toHaveAttribute('aria-invalid', 'true');
    expect(within(dialog).queryByRole('alert')).not.toBeInTheDocument();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('only admins may rename API keys');
    expect(onClose).not.toHaveBeenCalled();
  });

  it('stays while saving: Escape, Cancel and × do nothing', async () => {
    let answer!: (result: RenameError | undefined) => void;
    const onRename = vi.fn(() => new Promise<RenameError | undefined>((resolve) => (answer = resolve)));
    const { dialog, field, onClose } = renderDialog(onRename);
    await userEvent.type(field, ' 2{Enter}');
    const saving = within(dialog).getByRole('button', { name: 'Saving…' });
    expect(saving).toHaveAttribute('aria-disabled', 'true');
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toBeDisabled();
    expect(within(dialog).getByRole('button', { name: 'Close' })).toBeDisabled();
    await userEvent.keyboard('{Escape}');
    await userEvent.click(saving);
    expect(onRename).toHaveBeenCalledTimes(1);
    expect(onClose).not.toHaveBeenCalled();
    answer(undefined);
    await waitFor(() => expect(onClose).toHaveBeenCalledWith('ERP Sync Service 2'));
  });
});
