import { useEffect, useId, useImperativeHandle, useRef, useState, type ReactNode, type Ref } from 'react';
import { Alert, Button, CopyButton, Group, Modal, Paper, Stack, Text, TextInput } from '@mantine/core';
import { IconAlertTriangle, IconCheck, IconCopy } from '@tabler/icons-react';
import type { FieldError } from '../../graphql/client';
import { maskKey } from '../../lib/format';

/** What making a key gives back: the secret once (and a note to show with it), or what went wrong. */
export type SecretResult =
  | { secret: string; /** Shown under the key, e.g. until when the key it replaces works. */ note?: ReactNode }
  | FieldError;

/** What the dialog hands its form. */
export type SecretFormProps = {
  /** Whether the key is being made: the dialog cannot be dismissed meanwhile. */
  busy: boolean;
  /** Makes the key with make; once there is a secret the dialog shows it instead of the form. */
  submit: (make: () => Promise<SecretResult>) => Promise<SecretResult>;
  /** Cancel: closes the dialog (not while busy). */
  cancel: () => void;
};

export type OneTimeSecretDialogProps = {
  opened: boolean;
  /** Called when the dialog may close: never while the key is being made, nor before an uncopied key was given up. */
  onClose: () => void;
  /** Called once the dialog has faded out. */
  onClosed?: () => void;
  /** Called when the dialog closes before a key was made (Cancel, Escape, ×). */
  onAbandon?: () => void;
  /** The form's title, e.g. "Add API Key". */
  title: string;
  /** The title once the key is shown, e.g. "API key created". */
  secretTitle: string;
  /** The form that makes the key. */
  children: (form: SecretFormProps) => ReactNode;
};

/** What Escape, the × and Cancel ask of the dialog's content. */
type CloseRequest = { requestClose: () => void };

/**
 * A dialog that makes a key and then shows it, once: Add API Key and Rotate. The secret
 * lives only in the dialog's content, which unmounts when the dialog closes. A secret cannot
 * be lost by a stray key press: while the key is being made the dialog stays, and closing
 * it before the key was copied asks first.
 */
export function OneTimeSecretDialog({ opened, onClose, onClosed, ...flow }: OneTimeSecretDialogProps) {
  const content = useRef<CloseRequest>(null);
  return (
    <Modal.Root
      opened={opened}
      onClose={() => (content.current ? content.current.requestClose() : onClose())}
      onExitTransitionEnd={onClosed}
      closeOnClickOutside={false}
      size="lg"
    >
      <Modal.Overlay />
      <Modal.Content>
        <SecretFlow ref={content} onClose={onClose} {...flow} />
      </Modal.Content>
    </Modal.Root>
  );
}

function SecretFlow({
  onClose,
  onAbandon,
  title,
  secretTitle,
  children,
  ref,
}: Omit<OneTimeSecretDialogProps, 'opened' | 'onClosed'> & { ref: Ref<CloseRequest> }) {
  const [made, setMade] = useState<{ secret: string; note?: ReactNode } | null>(null);
  const [busy, setBusy] = useState(false);
  // Whether the key left the dialog (Copy, or copied from the field by hand).
  const [copied, setCopied] = useState(false);
  // Whether the dialog asks "Close without copying?".
  const [asking, setAsking] = useState(false);

  function requestClose() {
    if (busy) return;
    if (!made) {
      onAbandon?.();
      onClose();
    } else if (copied) {
      onClose();
    } else {
      // Asked already: a second Escape or × answers "keep it", never "close".
      setAsking(!asking);
    }
  }
  useImperativeHandle(ref, () => ({ requestClose }));

  async function submit(make: () => Promise<SecretResult>): Promise<SecretResult> {
    setBusy(true);
    const result = await make();
    setBusy(false);
    if ('secret' in result) setMade({ secret: result.secret, note: result.note });
    return result;
  }

  return (
    <>
      <Modal.Header>
        <Modal.Title fw={600}>{made ? secretTitle : title}</Modal.Title>
        <Modal.CloseButton aria-label="Close" disabled={busy} />
      </Modal.Header>
      <Modal.Body>
        {made ? (
          <SecretView
            secret={made.secret}
            note={made.note}
            asking={asking}
            onCopied={() => {
              setCopied(true);
              setAsking(false);
            }}
            onDone={requestClose}
            onKeep={() => setAsking(false)}
            onDiscard={onClose}
          />
        ) : (
          children({ busy, submit, cancel: requestClose })
        )}
      </Modal.Body>
    </>
  );
}

function SecretView({
  secret,
  note,
  asking,
  onCopied,
  onDone,
  onKeep,
  onDiscard,
}: {
  secret: string;
  note?: ReactNode;
  asking: boolean;
  onCopied: () => void;
  onDone: () => void;
  onKeep: () => void;
  onDiscard: () => void;
}) {
  // The button that made the key is gone: move focus to the new key.
  const keyField = useRef<HTMLInputElement>(null);
  useEffect(() => keyField.current?.focus(), []);
  const copyButton = useRef<HTMLButtonElement>(null);
  // When the question goes (kept, or Escape again), its buttons take focus with them:
  // give it to Copy, the thing left to do.
  const wasAsking = useRef(asking);
  useEffect(() => {
    if (wasAsking.current && !asking) copyButton.current?.focus();
    wasAsking.current = asking;
  }, [asking]);
  return (
    <Stack gap="md">
      <Alert color="yellow" icon={<IconAlertTriangle aria-hidden />} title="Copy this key now. For security reasons it will not be shown again.">
        Store it like a password: never commit it to source control or share it in plain text. After you close this dialog the key is shown only
        as <Text span ff="monospace">{maskKey(secret)}</Text>.
      </Alert>
      {note}
      <CopyButton value={secret} timeout={2000}>
        {({ copied, copy }) => (
          <>
            <TextInput
              label="API key"
              value={secret}
              readOnly
              ref={keyField}
              onFocus={(e) => e.currentTarget.select()}
              onCopy={onCopied}
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
              rightSectionWidth={100}
              rightSection={
                <Button
                  ref={copyButton}
                  size="compact-sm"
                  variant="filled"
                  color={copied ? 'teal.9' : undefined}
                  // Mantine lightens a shade-9 button on hover (teal 8: 3.9:1 under white text); keep teal 9 (5:1).
                  vars={() => (copied ? { root: { '--button-hover': 'var(--mantine-color-teal-9)' } } : { root: {} })}
                  leftSection={copied ? <IconCheck size={14} aria-hidden /> : <IconCopy size={14} aria-hidden />}
                  aria-label="Copy API key"
                  onClick={() => {
                    copy();
                    onCopied();
                  }}
                >
                  {copied ? 'Copied' : 'Copy'}
                </Button>
              }
            />
            <Text role="status" size="sm" c="teal.9" aria-live="polite" mih={20}>
              {copied ? 'Copied' : ''}
            </Text>
          </>
        )}
      </CopyButton>
      {asking ? (
        <CloseQuestion onKeep={onKeep} onDiscard={onDiscard} />
      ) : (
        <Group justify="flex-end">
          <Button onClick={onDone}>Done</Button>
        </Group>
      )}
    </Stack>
  );
}

/** Asked when the dialog would close before the key was copied; keeping the key is the safe answer, and focused. */
function CloseQuestion({ onKeep, onDiscard }: { onKeep: () => void; onDiscard: () => void }) {
  const id = useId();
  const keep = useRef<HTMLButtonElement>(null);
  useEffect(() => keep.current?.focus(), []);
  return (
    <Paper withBorder p="md" radius="md" role="group" aria-labelledby={`${id}-question`} aria-describedby={`${id}-why`}>
      <Stack gap="sm">
        <Text fw={600} id={`${id}-question`}>
          Close without copying?
        </Text>
        <Text size="sm" id={`${id}-why`}>
          You will not see this key again. Whatever needs it would need a new key.
        </Text>
        <Group justify="flex-end" gap="sm">
          <Button ref={keep} variant="default" onClick={onKeep}>
            Keep the key open
          </Button>
          <Button color="red.9" onClick={onDiscard}>
            Close without copying
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
