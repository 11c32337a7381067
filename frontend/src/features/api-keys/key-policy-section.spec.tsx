import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MantineProvider } from '@mantine/core';
import type { KeyPolicy } from './expiry';
import { KeyPolicySection, type KeyPolicySectionProps } from './key-policy-section';

function renderSection(props: Partial<KeyPolicySectionProps>) {
  const all: KeyPolicySectionProps = { onRetry: vi.fn(), onSave: vi.fn(() => Promise.resolve(undefined)), ...props };
  const view = render(
    <MantineProvider env="test">
      <KeyPolicySection {...all} />
    </MantineProvider>,
  );
  const section = screen.getByRole('region', { name: 'Key policy' });
  return {
    ...all,
    section,
    days: () => within(section).getByRole('textbox', { name: 'Maximum lifetime (days)' }),
    required: () => within(section).getByRole('switch', { name: /^Require an expiration date/ }),
    rerender: (policy: KeyPolicy) =>
      view.rerender(
        <MantineProvider env="test">
          <KeyPolicySection {...all} policy={policy} />
        </MantineProvider>,
      ),
  };
}

describe('KeyPolicySection', () => {
  it('shows the policy in force and saves a maximum lifetime and a required expiry', async () => {
    const { section, days, required, onSave } = renderSection({ policy: { maxLifetimeDays: null, requireExpiry: false } });
    expect(days()).toHaveValue('');
    expect(days()).toHaveAccessibleDescription(/1 to 1825 days\. Empty: no limit/);
    expect(required()).not.toBeChecked();
    await userEvent.type(days(), '90');
    await userEvent.click(required());
    await userEvent.click(within(section).getByRole('button', { name: 'Save key policy' }));
    expect(onSave).toHaveBeenCalledWith({ maxLifetimeDays: 90, requireExpiry: true });
  });

  it('saves an emptied field as no limit', async () => {
    const { section, days, onSave } = renderSection({ policy: { maxLifetimeDays: 30, requireExpiry: true } });
    expect(days()).toHaveValue('30');
    await userEvent.clear(days());
    await userEvent.click(within(section).getByRole('button', { name: 'Save key policy' }));
    expect(onSave).toHaveBeenCalledWith({ maxLifetimeDays: null, requireExpiry: true });
  });

  it('refuses a lifetime beyond 1825 days on the field, and shows the server’s complaint there too', async () => {
    const onSave = vi.fn(() => Promise.resolve({ error: 'maxLifetimeDays must be at least 1', field: 'maxLifetimeDays' }));
    const { section, days } = renderSection({ policy: { maxLifetimeDays: null, requireExpiry: false }, onSave });
    await userEvent.type(days(), '2000');
    await userEvent.click(within(section).getByRole('button', { name: 'Save key policy' }));
    expect(within(section).getByText(/Enter a whole number of days from 1 to 1825/)).toBeInTheDocument();
    expect(days()).toHaveAttribute('aria-invalid', 'true');
    expect(days()).toHaveFocus();
    expect(onSave).not.toHaveBeenCalled();

    await userEvent.clear(days());
    await userEvent.type(days(), '5');
    await userEvent.click(within(section).getByRole('button', { name: 'Save key policy' }));
    expect(await within(section).findByText('maxLifetimeDays must be at least 1')).toBeInTheDocument();
    expect(within(section).queryByRole('alert')).not.toBeInTheDocument();
  });

  it('shows other errors in an alert', async () => {
    const onSave = vi.fn(() => Promise.resolve({ error: 'only admin people may change the key policy' }));
    const { section } = renderSection({ policy: { maxLifetimeDays: null, requireExpiry: false }, onSave });
    await userEvent.click(within(section).getByRole('button', { name: 'Save key policy' }));
    expect(await within(section).findByRole('alert')).toHaveTextContent('only admin people may change the key policy');
  });

  it('follows a policy loaded again', async () => {
    const { days, required, rerender } = renderSection({ policy: { maxLifetimeDays: null, requireExpiry: false } });
    rerender({ maxLifetimeDays: 45, requireExpiry: true });
    await waitFor(() => expect(days()).toHaveValue('45'));
    expect(required()).toBeChecked();
  });

  it('offers Retry when the policy could not be loaded', async () => {
    const { section, onRetry } = renderSection({ error: 'The server could not be reached.' });
    expect(within(section).getByRole('alert')).toHaveTextContent('The server could not be reached.');
    await userEvent.click(within(section).getByRole('button', { name: 'Retry' }));
    expect(onRetry).toHaveBeenCalled();
  });
});
