import { ErrorAlert } from '../../components/error-alert';
import { SubmitButton } from '../../components/submit-button';
import { useRef, useState, type FormEvent } from 'react';
import { Button, Group, Radio, Stack, Text } from '@mantine/core';
import { Timestamp } from '../audit/timestamp';
import { displayText } from '../../lib/display-text';
import type { KeyToRotate } from './api-keys-table';
import type { FieldError } from '../../graphql/client';
import { OneTimeSecretDialog, type SecretFormProps, type SecretResult } from './one-time-secret-dialog';
import { AllowedNetworksField } from './allowed-networks-field';
import { formatNetworks, parseNetworks, sameNetworks } from './allowed-networks';

/** What rotating gives back: the new key once and until when the old one works (null: it stopped), or what went wrong. */
export type RotateKeyResult = { secret: string; previousKeyWorksUntil: string | null } | FieldError;

export type RotateApiKeyDialogProps = {
  /** The key to rotate; null closes the dialog. */
  apiKey: KeyToRotate | null;
  /** Called when the dialog may close: never while rotating, nor before an uncopied new key was given up. */
  onClose: () => void;
  /**
   * Rotates the key; the current one works on until previousKeyExpiresAt (null: it stops at
   * once). allowedNetworks only when changed: the new key's networks; else the current key's.
   */
  onRotate: (key: KeyToRotate, previousKeyExpiresAt: string | null, allowedNetworks?: string[]) => Promise<RotateKeyResult>;
  /** Called once the dialog has faded out. */
  onClosed?: () => void;
};

const hour = 60 * 60 * 1000;

/** How long the current key works beside the new one: time to put the new key in place. */
const overlaps = [
  { value: '0', label: 'Immediately', hours: 0, description: 'Anything still using the current key is refused at once.' },
  { value: '1', label: 'In 1 hour', hours: 1 },
  { value: '24', label: 'In 24 hours', hours: 24 },
  { value: '168', label: 'In 7 days', hours: 168 },
] as const;
const defaultOverlap = '24';

/**
 * Rotate API key: a new key for the same service account (name and role), shown once like
 * a created one, while the current key works on for the chosen time, or stops at once.
 */
export function RotateApiKeyDialog({ apiKey, onClose, onRotate, onClosed }: RotateApiKeyDialogProps) {
  // Keep naming the key while the dialog fades out after apiKey became null.
  const [shown, setShown] = useState(apiKey);
  if (apiKey && apiKey !== shown) setShown(apiKey);
  return (
    <OneTimeSecretDialog opened={!!apiKey} onClose={onClose} onClosed={onClosed} title="Rotate API key" secretTitle="API key rotated">
      {(form) => shown && <RotateForm {...form} apiKey={shown} onRotate={onRotate} />}
    </OneTimeSecretDialog>
  );
}

function RotateForm({ busy, submit, cancel, apiKey, onRotate }: SecretFormProps & Pick<RotateApiKeyDialogProps, 'onRotate'> & { apiKey: KeyToRotate }) {
  const [openedAt] = useState(() => new Date());
  // The current key cannot work on past its own expiry.
  const ends = apiKey.expiresAt ? new Date(apiKey.expiresAt).getTime() : Infinity;
  const possible = (hours: number) => openedAt.getTime() + hours * hour < ends;
  const latest = [...overlaps].reverse().find((o) => possible(o.hours))?.value ?? '0';
  const [overlap, setOverlap] = useState<string>(possible(24) ? defaultOverlap : latest);
  const [error, setError] = useState<string | null>(null);
  const current = apiKey.allowedNetworks ?? [];
  const [networks, setNetworks] = useState(() => formatNetworks(current));
  const [networksError, setNetworksError] = useState<string | null>(null);
  const networksField = useRef<HTMLTextAreaElement>(null);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    setError(null);
    const hours = Number(overlap);
    const until = hours === 0 ? null : new Date(Date.now() + hours * hour).toISOString();
    const allowedNetworks = parseNetworks(networks);
    const changed = !sameNetworks(allowedNetworks, current);
    const result = await submit(async (): Promise<SecretResult> => {
      const rotated = await (changed ? onRotate(apiKey, until, allowedNetworks) : onRotate(apiKey, until));
      if (!('secret' in rotated)) return rotated;
      return { secret: rotated.secret, note: <PreviousKeyNote apiKey={apiKey} until={rotated.previousKeyWorksUntil} /> };
    });
    if ('secret' in result) return;
    if (result.field === 'allowedNetworks') {
      setNetworksError(result.error);
      networksField.current?.focus();
    } else {
      setError(result.error);
    }
  }

  return (
    <form onSubmit={(event) => void onSubmit(event)} noValidate aria-busy={busy}>
      <Stack gap="md">
        <Text fw={500} style={{ overflowWrap: 'anywhere' }}>
          Rotate {displayText(apiKey.name)} ({apiKey.maskedKey})?
        </Text>
        <Text size="sm">
          A new key replaces this one: same name, same role. It is shown once, right after. Put it wherever the current key is used; the current
          key keeps working until the time you choose, then stops for good.
        </Text>
        <Radio.Group
          label="When should the current key stop working?"
          value={overlap}
          onChange={(value) => {
            if (!busy) setOverlap(value);
          }}
        >
          <Stack gap="xs" mt={6}>
            {overlaps.map((o) => (
              <Radio
                key={o.value}
                value={o.value}
                label={o.label}
                disabled={!possible(o.hours)}
                description={'description' in o ? o.description : possible(o.hours) ? undefined : 'After the current key’s own expiry.'}
              />
            ))}
          </Stack>
        </Radio.Group>
        <AllowedNetworksField
          ref={networksField}
          description="The current key’s, unless you change them. Empty: any address."
          value={networks}
          readOnly={busy}
          onChange={(text) => {
            setNetworks(text);
            if (networksError) setNetworksError(null);
          }}
          error={networksError}
        />
        {error && <ErrorAlert title="The key was not rotated">{error}</ErrorAlert>}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={cancel} disabled={busy} data-autofocus>
            Cancel
          </Button>
          <SubmitButton busy={busy} busyLabel="Rotating…">
            Rotate key
          </SubmitButton>
        </Group>
      </Stack>
    </form>
  );
}

/** What became of the key that was replaced. */
function PreviousKeyNote({ apiKey, until }: { apiKey: KeyToRotate; until: string | null }) {
  return (
    <Text size="sm">
      {until ? (
        <>
          The previous key <Text span ff="monospace">{apiKey.maskedKey}</Text> keeps working until <Timestamp value={until} />.
        </>
      ) : (
        <>
          The previous key <Text span ff="monospace">{apiKey.maskedKey}</Text> no longer works.
        </>
      )}
    </Text>
  );
}
