import { ErrorAlert } from '../../components/error-alert';
import { useRef, useState, type FormEvent } from 'react';
import { Button, Group, Loader, NativeSelect, Radio, Stack, Text, TextInput } from '@mantine/core';
import type { ServiceAccountRole } from '../../gql/graphql';
import { formatDate } from '../../lib/format';
import { clearDraft, readDraft, saveDraft } from '../../session/drafts';
import {
  allowedExpiry,
  customChoice,
  customDateError,
  customDateRange,
  defaultExpiry,
  expiryDate,
  expiryOptions,
  neverChoice,
  type ExpiryChoice,
  type KeyPolicy,
} from './expiry';
import { nameError, nameMaxLength } from './key-name';
import { AllowedNetworksField } from './allowed-networks-field';
import { parseNetworks } from './allowed-networks';
import { OneTimeSecretDialog, type SecretFormProps, type SecretResult } from './one-time-secret-dialog';

/** Where the form's draft (name, role, expiration and networks, never the key) waits in sessionStorage. */
export const apiKeyDraftName = 'add-api-key';

/** What creating a key gives back: the secret once, or what went wrong. */
export type CreateKeyResult = SecretResult;

/**
 * A new key: expiresAt is an ISO time, or null for a key that never expires; allowedNetworks
 * only when the key is kept to some networks (absent: any address).
 */
export type NewApiKey = { name: string; role: ServiceAccountRole; expiresAt: string | null; allowedNetworks?: string[] };

export type AddApiKeyDialogProps = {
  opened: boolean;
  /** Called when the dialog may close: never while a key is being created, nor before an uncopied key was given up. */
  onClose: () => void;
  onCreate: (input: NewApiKey) => Promise<CreateKeyResult>;
  /** Called once the dialog has faded out. */
  onClosed?: () => void;
  /** The company's key policy, which limits the Expiration choices; none while unknown. */
  policy?: KeyPolicy | null;
};

/** What the form keeps as typed: expiry, date and networks only once chosen ("" until then). */
type Draft = { name: string; role: ServiceAccountRole; expiry: ExpiryChoice; date: string; networks: string };

/** The draft a session that ended left behind, if it is one this form can use. */
function savedDraft(): Draft {
  const draft = readDraft(apiKeyDraftName) as Partial<Draft> | null;
  return {
    name: typeof draft?.name === 'string' ? draft.name.slice(0, nameMaxLength) : '',
    role: draft?.role === 'ADMIN' ? 'ADMIN' : 'VIEWER',
    expiry: typeof draft?.expiry === 'string' ? draft.expiry : '',
    date: typeof draft?.date === 'string' ? draft.date : '',
    networks: typeof draft?.networks === 'string' ? draft.networks : '',
  };
}

/**
 * Add API Key: a name, a role, an expiration (as the key policy allows) and, if wished, the
 * networks it may be used from; then the new key, shown once by OneTimeSecretDialog.
 */
export function AddApiKeyDialog({ opened, onClose, onCreate, onClosed, policy }: AddApiKeyDialogProps) {
  return (
    <OneTimeSecretDialog
      opened={opened}
      onClose={onClose}
      onClosed={onClosed}
      onAbandon={() => clearDraft(apiKeyDraftName)}
      title="Add API Key"
      secretTitle="API key created"
    >
      {(form) => <AddApiKeyForm {...form} onCreate={onCreate} policy={policy} />}
    </OneTimeSecretDialog>
  );
}

function AddApiKeyForm({
  busy: creating,
  submit,
  cancel,
  onCreate,
  policy,
}: SecretFormProps & { onCreate: (input: NewApiKey) => Promise<CreateKeyResult>; policy?: KeyPolicy | null }) {
  const [draft] = useState(savedDraft);
  const [name, setName] = useState(draft.name);
  const [role, setRole] = useState<ServiceAccountRole>(draft.role);
  const [expiry, setExpiry] = useState<ExpiryChoice>(draft.expiry);
  const [date, setDate] = useState(draft.date);
  const [networks, setNetworks] = useState(draft.networks);
  const [nameFieldError, setNameFieldError] = useState<string | null>(null);
  const [expiryError, setExpiryError] = useState<string | null>(null);
  const [networksError, setNetworksError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const nameField = useRef<HTMLInputElement>(null);
  const expiryField = useRef<HTMLSelectElement>(null);
  const dateField = useRef<HTMLInputElement>(null);
  const networksField = useRef<HTMLTextAreaElement>(null);
  // The moment the form opened: what "30 days" and the custom date's range are counted from.
  const [openedAt] = useState(() => new Date());

  // The policy may have changed since the draft was kept: a choice it rules out falls back to the default.
  const choice = allowedExpiry(expiry || defaultExpiry(policy), policy);
  const options = expiryOptions(policy);
  const range = customDateRange(policy, openedAt);
  const expires = expiryDate(choice, date, policy, openedAt);

  // Kept as typed, so that a session ending before Create costs nothing.
  function keep(next: Draft) {
    if (next.name || next.role !== 'VIEWER' || next.expiry || next.date || next.networks) {
      const { expiry: chosen, date: day, networks: typed, ...rest } = next;
      saveDraft(apiKeyDraftName, { ...rest, ...(chosen && { expiry: chosen }), ...(day && { date: day }), ...(typed && { networks: typed }) });
    } else {
      clearDraft(apiKeyDraftName);
    }
  }

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (creating) return;
    const now = new Date();
    const invalidName = nameError(name);
    const invalidDate = choice === customChoice ? customDateError(date, policy, now) : null;
    setNameFieldError(invalidName);
    setExpiryError(invalidDate);
    setFormError(null);
    if (invalidName || invalidDate) {
      (invalidName ? nameField : dateField).current?.focus();
      return;
    }
    const expiresAt = expiryDate(choice, date, policy, now)?.toISOString() ?? null;
    const allowedNetworks = parseNetworks(networks);
    const result = await submit(() => onCreate({ name: name.trim(), role, expiresAt, ...(allowedNetworks.length > 0 && { allowedNetworks }) }));
    if ('secret' in result) {
      clearDraft(apiKeyDraftName);
      return;
    }
    if (result.field === 'name') {
      setNameFieldError(result.error);
      nameField.current?.focus();
    } else if (result.field === 'expiresAt') {
      setExpiryError(result.error);
      (choice === customChoice ? dateField : expiryField).current?.focus();
    } else if (result.field === 'allowedNetworks') {
      setNetworksError(result.error);
      networksField.current?.focus();
    } else {
      setFormError(result.error);
      nameField.current?.focus();
    }
  }

  return (
    <form onSubmit={(event) => void onSubmit(event)} noValidate aria-busy={creating}>
      <Stack gap="md">
        <TextInput
          label="Name"
          required
          data-autofocus
          ref={nameField}
          maxLength={nameMaxLength}
          readOnly={creating}
          description="Name it after the integration or system that will use it, e.g. “ERP Sync Service” or “Reporting Dashboard”. Use one key per integration."
          value={name}
          onChange={(e) => {
            setName(e.currentTarget.value);
            keep({ name: e.currentTarget.value, role, expiry, date, networks });
            if (nameFieldError) setNameFieldError(null);
          }}
          error={nameFieldError}
        />
        <Radio.Group
          label="Role"
          value={role}
          onChange={(value) => {
            if (creating) return;
            setRole(value);
            keep({ name, role: value, expiry, date, networks });
          }}
        >
          <Stack gap="xs" mt={6}>
            <Radio value="VIEWER" label="Viewer" description="May only query." />
            <Radio value="ADMIN" label="Admin" description="May also create and revoke API keys." />
          </Stack>
        </Radio.Group>
        <Stack gap="xs">
          <NativeSelect
            label="Expiration"
            ref={expiryField}
            data={options}
            value={choice}
            description={policy?.requireExpiry || policy?.maxLifetimeDays ? policyNote(policy) : undefined}
            onChange={(e) => {
              if (creating) return;
              const value = e.currentTarget.value;
              setExpiry(value);
              keep({ name, role, expiry: value, date, networks });
              setExpiryError(null);
            }}
            error={choice === customChoice ? undefined : expiryError}
          />
          {choice === customChoice && (
            <TextInput
              type="date"
              label="Expiration date"
              required
              ref={dateField}
              min={range.min}
              max={range.max}
              readOnly={creating}
              value={date}
              onChange={(e) => {
                setDate(e.currentTarget.value);
                keep({ name, role, expiry, date: e.currentTarget.value, networks });
                setExpiryError(null);
              }}
              error={expiryError}
            />
          )}
          <Text size="sm" aria-live="polite">
            {choice === neverChoice
              ? 'The key will never expire.'
              : expires
                ? `The key will expire on ${formatDate(expires.toISOString())}.`
                : 'Choose the day the key stops working.'}
          </Text>
          {choice === neverChoice && (
            <Text size="sm" c="gray.7">
              A key without an expiration date keeps working until it is revoked, also if it leaks. Prefer one that expires, and rotate it.
            </Text>
          )}
        </Stack>
        <AllowedNetworksField
          ref={networksField}
          value={networks}
          readOnly={creating}
          onChange={(text) => {
            setNetworks(text);
            keep({ name, role, expiry, date, networks: text });
            if (networksError) setNetworksError(null);
          }}
          error={networksError}
        />
        {formError && <ErrorAlert title="The key was not created">{formError}</ErrorAlert>}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={cancel} disabled={creating}>
            Cancel
          </Button>
          {/* Not disabled while creating: focus stays on it, and a second press does nothing. */}
          <Button
            type="submit"
            aria-disabled={creating || undefined}
            leftSection={creating ? <Loader size={14} color="white" aria-hidden /> : undefined}
          >
            {creating ? 'Creating…' : 'Create key'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** What the company's key policy asks of a new key, in a line. */
function policyNote(policy: KeyPolicy): string {
  const limit = policy.maxLifetimeDays;
  if (limit) return `Your company’s key policy: keys expire at most ${limit === 1 ? '1 day' : `${limit} days`} after they are created.`;
  return 'Your company’s key policy: keys must expire.';
}
