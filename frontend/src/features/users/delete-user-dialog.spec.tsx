import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MantineProvider } from '@mantine/core';
import { DeleteUserDialog } from './delete-user-dialog';

const mia = { id: 'usr_2', name: 'Mia Member', email: 'mia@example.com' };

function renderDialog(onConfirm: (u: typeof mia) => Promise<string | null>) {
  const onClose = vi.fn();
  render(
    <MantineProvider>
      <DeleteUserDialog user={mia} onClose={onClose} onConfirm={onConfirm} />
    </MantineProvider>,
  );
  return { dialog: screen.getByRole('dialog', { name: 'Delete user' }), onClose };
}

describe('DeleteUserDialog', () => {
  it('explains what stays and what ends, then deletes', async () => {
    const onConfirm = vi.fn(() => Promise.resolve(null));
    const { dialog, onClose } = renderDialog(onConfirm);
    expect(dialog).toHaveTextContent('Mia Member');
    expect(dialog).toHaveTextContent('“Deleted user”');
    expect(dialog).toHaveTextContent('sessions end at once');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Delete user' }));
    expect(onConfirm).toHaveBeenCalledWith(mia);
    await waitFor(() => expect(onClose).toHaveBeenCalled());
  });

  it('shows an error inline and stays open', async () => {
    const { dialog, onClose } = renderDialog(() => Promise.resolve('you cannot delete yourself'));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Delete user' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('you cannot delete yourself');
    await waitFor(() => expect(within(dialog).getByRole('alert')).toHaveFocus());
    expect(onClose).not.toHaveBeenCalled();
  });

  it('stays while the person is being deleted', async () => {
    let answer!: (message: string | null) => void;
    const onConfirm = vi.fn(() => new Promise<string | null>((resolve) => (answer = resolve)));
    const { dialog, onClose } = renderDialog(onConfirm);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Delete user' }));
    const deleting = within(dialog).getByRole('button', { name: 'Deleting…' });
    expect(deleting).toHaveAttribute('aria-disabled', 'true');
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toBeDisabled();
    expect(within(dialog).getByRole('button', { name: 'Close' })).toBeDisabled();
    await userEvent.keyboard('{Escape}');
    await userEvent.click(deleting);
    expect(onClose).not.toHaveBeenCalled();
    expect(onConfirm).toHaveBeenCalledTimes(1);
    answer(null);
    await waitFor(() => expect(onClose).toHaveBeenCalled());
  });

  it('forgets the error once closed: reopened, it starts clean', async () => {
    const onClose = vi.fn();
    const dialog = (user: typeof mia | null) => (
      <MantineProvider>
        <DeleteUserDialog user={user} onClose={onClose} onConfirm={() => Promise.resolve('you cannot delete yourself')} />
      </MantineProvider>
    );
    const { rerender } = render(dialog(mia));
    await userEvent.click(screen.getByRole('button', { name: 'Delete user' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('you cannot delete yourself');
    rerender(dialog(null));
    rerender(dialog(mia));
    expect(screen.getByRole('dialog', { name: 'Delete user' })).toHaveTextContent('Mia Member');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('cancels', async () => {
    const onConfirm = vi.fn(() => Promise.resolve(null));
    const { dialog, onClose } = renderDialog(onConfirm);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(onClose).toHaveBeenCalled();
    expect(onConfirm).not.toHaveBeenCalled();
  });
});
