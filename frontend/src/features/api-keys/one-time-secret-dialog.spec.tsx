import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MantineProvider } from '@mantine/core';
import { useState } from 'react';
import { OneTimeSecretDialog, type SecretResult } from './one-time-secret-dialog';

const secret = 'gak_4pXabcdefghijklmnopqrstuvwxyz0123k3Zq';

// A page with the dialog and the smallest form: one button that makes the key.
function Harness({ make, onAbandon }: { make: () => Promise<SecretResult>; onAbandon?: () => void }) {
  const [opened, setOpened] = useState(true);
  return (
    <MantineProvider env="test">
      <button onClick={() => setOpened(true)}>Open</button>
      <OneTimeSecretDialog opened={opened} onClose={() => setOpened(false)} onAbandon={onAbandon} title="Make a key" secretTitle="Key made">
        {({ busy, submit, cancel }) => (
          <>
            <button onClick={() => void submit(make)}>{busy ? 'Making…' : 'Make'}</button>
            <button onClick={cancel} disabled={busy}>
              Cancel
            </button>
          </>
        )}
      </OneTimeSecretDialog>
    </MantineProvider>
  );
}

describe('OneTimeSecretDialog', () => {
  it('stays while the key is made, then shows it once with its note', async () => {
    let answer!: (result: SecretResult) => void;
    render(<Harness make={() => new Promise((resolve) => (answer = resolve))} />);
    const dialog = screen.getByRole('dialog', { name: 'Make a key' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Make' }));
    expect(within(dialog).getByRole('button', { name: 'Close' })).toBeDisabled();
    await userEvent.keyboard('{Escape}');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Close' }));
    expect(screen.getByRole('dialog', { name: 'Make a key' })).toBeInTheDocument();

    answer({ secret, note: <p>The previous key works on for an hour.</p> });
    const made = await screen.findByRole('dialog', { name: 'Key made' });
    expect(within(made).getByRole('textbox', { name: 'API key' })).toHaveValue(secret);
    expect(within(made).getByRole('textbox', { name: 'API key' })).toHaveFocus();
    expect(made).toHaveTextContent('The previous key works on for an hour.');
    expect(made).toHaveTextContent('will not be shown again');
  });

  it('asks before closing an uncopied key, and forgets it once closed', async () => {
    const onAbandon = vi.fn();
    render(<Harness make={() => Promise.resolve({ secret })} onAbandon={onAbandon} />);
    await userEvent.click(screen.getByRole('button', { name: 'Make' }));
    const made = await screen.findByRole('dialog', { name: 'Key made' });
    await userEvent.keyboard('{Escape}');
    expect(within(made).getByRole('group', { name: 'Close without copying?' })).toBeInTheDocument();
    await userEvent.click(within(made).getByRole('button', { name: 'Close without copying' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(document.body).not.toHaveTextContent(secret);
    // A key was made: nothing was abandoned.
    expect(onAbandon).not.toHaveBeenCalled();
  });

  it('tells when it closes before a key was made, and leaves a failed attempt to the form', async () => {
    const onAbandon = vi.fn();
    const make = vi.fn(() => Promise.resolve({ error: 'no' }));
    render(<Harness make={make} onAbandon={onAbandon} />);
    await userEvent.click(screen.getByRole('button', { name: 'Make' }));
    expect(screen.getByRole('dialog', { name: 'Make a key' })).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(onAbandon).toHaveBeenCalledTimes(1);
  });
});
