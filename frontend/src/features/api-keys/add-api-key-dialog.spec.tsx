import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MantineProvider } from '@mantine/core';
import { useState } from 'react';
import { AddApiKeyDialog, type AddApiKeyDialogProps } from './add-api-key-dialog';

const secret = 'gak_4pXabcdefghijklmnopqrstuvwxyz0123k3Zq';

// The page's part: a button that opens the dialog, which closes itself on onClose.
function Harness({ onCreate }: Pick<AddApiKeyDialogProps, 'onCreate'>) {
  const [opened, setOpened] = useState(true);
  return (
    <MantineProvider env="test">
      <button onClick={() => setOpened(true)}>Add API Key</button>
      <AddApiKeyDialog opened={opened} onClose={() => setOpened(false)} onCreate={onCreate} />
    </MantineProvider>
  );
}

const writeText = vi.fn(async () => {});
beforeEach(() => {
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
    expect(onCreate).toHaveBeenCalledWith({ name: 'ERP Sync Service', role: 'VIEWER' });

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

  it('closes with Escape from the created state and forgets the key', async () => {
    render(<Harness onCreate={() => Promise.resolve({ secret })} />);
    await userEvent.type(screen.getByRole('textbox', { name: /Name/ }), 'Reporting Dashboard');
    await userEvent.click(screen.getByRole('radio', { name: /Admin/ }));
    await userEvent.click(screen.getByRole('button', { name: 'Create key' }));
    await screen.findByRole('dialog', { name: 'API key created' });
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(document.body).not.toHaveTextContent(secret);
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
});
