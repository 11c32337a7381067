import { beforeEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MantineProvider } from '@mantine/core';
import { CombinedError } from 'urql';
import { GraphQLError } from 'graphql';
import { AddUserDialog, type CreateUserErrors, type NewUser } from './add-user-dialog';
import { createUserErrors } from './users-page';
import { readDraft, saveDraft } from '../../session/drafts';

beforeEach(() => sessionStorage.clear());

function renderDialog(onCreate: (u: NewUser) => Promise<CreateUserErrors | null>, onClose = vi.fn()) {
  render(
    <MantineProvider>
      <AddUserDialog opened onClose={onClose} onCreate={onCreate} />
    </MantineProvider>,
  );
  return { dialog: screen.getByRole('dialog', { name: 'Add user' }), onClose };
}

async function fill(dialog: HTMLElement, admin = false) {
  const user = userEvent.setup();
  const d = within(dialog);
  await user.type(d.getByLabelText(/^Name/), 'Mia Member');
  await user.type(d.getByLabelText(/^Email/), 'mia@example.com');
  await user.type(d.getByLabelText(/^Password/), 'twelve chars!');
  if (admin) await user.click(d.getByRole('radio', { name: 'Admin' }));
  await user.click(d.getByRole('button', { name: 'Create user' }));
}

describe('AddUserDialog', () => {
  it('creates a member by default and closes', async () => {
    const onCreate = vi.fn(() => Promise.resolve(null));
    const { dialog, onClose } = renderDialog(onCreate);
    expect(within(dialog).getByRole('radio', { name: 'Member' })).toBeChecked();
    await fill(dialog);
    expect(onCreate).toHaveBeenCalledWith({ name: 'Mia Member', email: 'mia@example.com', password: 'twelve chars!', role: 'MEMBER' });
    await waitFor(() => expect(onClose).toHaveBeenCalled());
  });

  it('can create an admin', async () => {
    const onCreate = vi.fn(() => Promise.resolve(null));
    const { dialog } = renderDialog(onCreate);
    await fill(dialog, true);
    expect(onCreate).toHaveBeenCalledWith(expect.objectContaining({ role: 'ADMIN' }));
  });

  it('shows a server error on its field and stays open', async () => {
    const onCreate = vi.fn(() => Promise.resolve({ fields: { email: 'A user with this email already exists' } }));
    const { dialog, onClose } = renderDialog(onCreate);
    await fill(dialog);
    expect(await within(dialog).findByText('A user with this email already exists')).toBeInTheDocument();
    expect(within(dialog).getByLabelText(/^Email/)).toHaveAttribute('aria-invalid', 'true');
    expect(within(dialog).getByLabelText(/^Email/)).toHaveValue('mia@example.com');
    expect(within(dialog).getByLabelText(/^Email/)).toHaveFocus();
    expect(onClose).not.toHaveBeenCalled();
  });

  it('shows other errors in an alert', async () => {
    const onCreate = vi.fn(() => Promise.resolve({ form: 'only admins may add people' }));
    const { dialog } = renderDialog(onCreate);
    await fill(dialog);
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('only admins may add people');
    await waitFor(() => expect(within(dialog).getByRole('alert')).toHaveFocus());
  });

  it('stays open while the person is being created', async () => {
    let answer!: (errors: CreateUserErrors | null) => void;
    const onCreate = vi.fn(() => new Promise<CreateUserErrors | null>((resolve) => (answer = resolve)));
    const { dialog, onClose } = renderDialog(onCreate);
    await fill(dialog);
    const creating = within(dialog).getByRole('button', { name: 'Creating…' });
    expect(creating).toHaveAttribute('aria-disabled', 'true');
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toBeDisabled();
    expect(within(dialog).getByRole('button', { name: 'Close' })).toBeDisabled();
    await userEvent.keyboard('{Escape}');
    await userEvent.click(creating);
    expect(onClose).not.toHaveBeenCalled();
    expect(onCreate).toHaveBeenCalledTimes(1);
    answer(null);
    await waitFor(() => expect(onClose).toHaveBeenCalled());
  });

  it('keeps the name, email and role as a draft, never the password, until created or cancelled', async () => {
    const onCreate = vi.fn(() => Promise.resolve({ form: 'Sign in to continue' }));
    const { dialog, onClose } = renderDialog(onCreate);
    await fill(dialog, true);
    await within(dialog).findByRole('alert');
    expect(readDraft('add-user')).toEqual({ name: 'Mia Member', email: 'mia@example.com', role: 'ADMIN' });
    expect(JSON.stringify({ ...sessionStorage })).not.toContain('twelve chars');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(onClose).toHaveBeenCalled();
    expect(readDraft('add-user')).toBeNull();
  });

  it('opens with the draft a session that ended left behind, the password empty', () => {
    saveDraft('add-user', { name: 'Mia Member', email: 'mia@example.com', role: 'ADMIN', password: 'never stored, never read' });
    const { dialog } = renderDialog(vi.fn());
    expect(within(dialog).getByLabelText(/^Name/)).toHaveValue('Mia Member');
    expect(within(dialog).getByLabelText(/^Email/)).toHaveValue('mia@example.com');
    expect(within(dialog).getByLabelText(/^Password/)).toHaveValue('');
    expect(within(dialog).getByRole('radio', { name: 'Admin' })).toBeChecked();
  });
});

describe('createUserErrors', () => {
  const error = (message: string, extensions: Record<string, unknown>) =>
    new CombinedError({ graphQLErrors: [new GraphQLError(message, { extensions })] });

  it('puts BAD_USER_INPUT on its field', () => {
    expect(createUserErrors(error('password must be at least 12 characters', { code: 'BAD_USER_INPUT', field: 'password' }))).toEqual({
      fields: { password: 'Password must be at least 12 characters' },
    });
  });

  it('keeps the rest for the form', () => {
    expect(createUserErrors(error('only admins may add people', { code: 'FORBIDDEN' }))).toEqual({ form: 'only admins may add people' });
  });
});
