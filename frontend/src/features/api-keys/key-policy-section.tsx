import { ErrorAlert } from '../../components/error-alert';
import { SubmitButton } from '../../components/submit-button';
import { LoadError } from '../../components/load-error';
import { useId, useRef, useState, type FormEvent } from 'react';
import { Group, NumberInput, Paper, Skeleton, Stack, Switch, Text, Title } from '@mantine/core';
import type { FieldError } from '../../graphql/client';
import { longestLifetimeDays, type KeyPolicy } from './expiry';

/** What went wrong saving: the message, and the input field the server blamed, if any. */
export type KeyPolicyError = FieldError;

export type KeyPolicySectionProps = {
  /** The policy in force; undefined while it loads. */
  policy?: KeyPolicy;
  /** A message when loading failed. */
  error?: string;
  onRetry: () => void;
  /** Saves the policy; resolves to what went wrong, or undefined when it worked. */
  onSave: (policy: { maxLifetimeDays: number | null; requireExpiry: boolean }) => Promise<KeyPolicyError | undefined>;
};

/**
 * Key policy, for admins: how long new keys may live, and whether they must expire. It
 * applies to keys created or rotated from now on; existing keys keep their expiry.
 */
export function KeyPolicySection({ policy, error, onRetry, onSave }: KeyPolicySectionProps) {
  const id = useId();
  let body;
  if (error && !policy) body = <LoadError title="Could not load the key policy" message={error} onRetry={onRetry} />;
  else if (!policy) body = <Skeleton height={120} radius="sm" aria-hidden />;
  else body = <KeyPolicyForm policy={policy} onSave={onSave} />;
  return (
    <Paper component="section" withBorder p="md" radius="md" aria-labelledby={`${id}-title`}>
      <Stack gap="sm">
        <div>
          <Title order={2} size="h4" id={`${id}-title`}>
            Key policy
          </Title>
          <Text size="sm" c="gray.7">
            Rules for keys created or rotated from now on. Existing keys keep their expiration date.
          </Text>
        </div>
        {body}
      </Stack>
    </Paper>
  );
}

function KeyPolicyForm({ policy, onSave }: { policy: KeyPolicy; onSave: KeyPolicySectionProps['onSave'] }) {
  const [days, setDays] = useState<string | number>(policy.maxLifetimeDays ?? '');
  const [requireExpiry, setRequireExpiry] = useState(policy.requireExpiry);
  const [saving, setSaving] = useState(false);
  const [daysError, setDaysError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const daysField = useRef<HTMLInputElement>(null);
  // A policy saved here, or changed elsewhere and loaded again, is the form's new start
  // (the form stays mounted: focus stays where it was).
  const [basis, setBasis] = useState(policy);
  if (policy.maxLifetimeDays !== basis.maxLifetimeDays || policy.requireExpiry !== basis.requireExpiry) {
    setBasis(policy);
    setDays(policy.maxLifetimeDays ?? '');
    setRequireExpiry(policy.requireExpiry);
  }

  function validDays(): number | null | undefined {
    if (days === '') return null;
    const n = Number(days);
    return Number.isInteger(n) && n >= 1 && n <= longestLifetimeDays ? n : undefined;
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (saving) return;
    const maxLifetimeDays = validDays();
    setFormError(null);
    if (maxLifetimeDays === undefined) {
      setDaysError(`Enter a whole number of days from 1 to ${longestLifetimeDays}, or leave it empty for no limit`);
      daysField.current?.focus();
      return;
    }
    setDaysError(null);
    setSaving(true);
    const result = await onSave({ maxLifetimeDays, requireExpiry });
    setSaving(false);
    if (!result) return;
    if (result.field === 'maxLifetimeDays') {
      setDaysError(result.error);
      daysField.current?.focus();
    } else {
      setFormError(result.error);
    }
  }

  return (
    <form onSubmit={(event) => void submit(event)} noValidate aria-busy={saving}>
      <Stack gap="md">
        <NumberInput
          label="Maximum lifetime (days)"
          description={`How long a new key may live at most, 1 to ${longestLifetimeDays} days. Empty: no limit beyond 5 years.`}
          ref={daysField}
          value={days}
          onChange={(value) => {
            setDays(value);
            if (daysError) setDaysError(null);
          }}
          min={1}
          max={longestLifetimeDays}
          allowDecimal={false}
          allowNegative={false}
          clampBehavior="none"
          readOnly={saving}
          error={daysError}
          w={320}
          maw="100%"
        />
        <Switch
          label="Require an expiration date"
          description="New keys must expire: “No expiration” is not offered."
          checked={requireExpiry}
          onChange={(e) => {
            if (!saving) setRequireExpiry(e.currentTarget.checked);
          }}
        />
        {formError && <ErrorAlert title="The key policy was not saved">{formError}</ErrorAlert>}
        <Group>
          <SubmitButton busy={saving} busyLabel="Saving…">
            Save key policy
          </SubmitButton>
        </Group>
      </Stack>
    </form>
  );
}
