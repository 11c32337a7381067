import { ErrorAlert } from '../../components/error-alert';
import { useEffect, useId, useImperativeHandle, useRef, useState, type FormEvent, type Ref } from 'react';
import { Alert, Button, CopyButton, Group, Loader, Modal, Paper, Radio, Stack, Text, TextInput } from '@mantine/core';
import { IconAlertTriangle, IconCheck, IconCopy } from '@tabler/icons-react';
import type { ServiceAccountRole } from '../../gql/graphql';
import { maskKey } from '../../lib/format';
import { clearDraft, readDraft, saveDraft } from '../../session/drafts';

export const nameMaxLength = 100;

/** Where the form's draft (name and role, never the key) waits in sessionStorage. */
export const apiKeyDraftName = 'add-api-key';

/** What creating a key gives back: the secret once, or what went wrong. */
export type CreateKeyResult =
  | { secret: string }
  | { error: string; /** The input field the server blamed (extensions.field), if any. */ field?: string };

export type AddApiKeyDialogProps = {
  opened: boolean;
  /** Called when the dialog may close: never while a key is being created, nor before an uncopied key was given up. */
  onClose: () => void;
  onCreate: (input: { name: string; role: ServiceAccountRole }) => Promise<CreateKeyResult>;
  /** Called once the dialog has faded out. */
  onClosed?: () => void;
};

type Draft = { name: string; role: ServiceAccountRole };

/** The draft a session that ended left behind, if it is one this form can use. */
function savedDraft(): Draft {
  const draft = readDraft(apiKeyDraftName) as Partial<Draft> | null;
  return {
    name: typeof draft?.name === 'string' ? draft.name.slice(0, nameMaxLength) : '',
    role: draft?.role === 'ADMIN' ? 'ADMIN' : 'VIEWER',
  };
}

/** What Escape, the × and Cancel ask of the dialog's content. */
type CloseRequest = { requestClose: () => void };

/**
 * Add API Key: a name and a role, then the new key, shown once. The secret lives only
 * in the dialog's content, which unmounts when the dialog closes. A secret cannot be lost
 * by a stray key press: while the key is being created the dialog stays, and closing it
 * before the key was copied asks first.
 */
export function AddApiKeyDialog({ opened, onClose, onCreate, onClosed }: AddApiKeyDialogProps) {
  const flow = useRef<CloseRequest>(null);
  return (
    <Modal.Root
      opened={opened}
      onClose={() => (flow.current ? flow.current.requestClose() : onClose())}
      onExitTransitionEnd={onClosed}
      closeOnClickOutside={false}
      size="lg"
    >
      <Modal.Overlay />
      <Modal.Content>
        <AddApiKeyFlow ref={flow} onClose={onClose} onCreate={onCreate} />
      </Modal.Content>
    </Modal.Root>
  );
}

function AddApiKeyFlow({ onClose, onCreate, ref }: Pick<AddApiKeyDialogProps, 'onClose' | 'onCreate'> & { ref: Ref<CloseRequest> }) {
  const [secret, setSecret] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  // Whether the key left the dialog (Copy, or copied from the field by hand).
  const [copied, setCopied] = useState(false);
  // Whether the dialog asks "Close without copying?".
  const [asking, setAsking] = useState(false);

  function requestClose() {
    if (creating) return;
    if (!secret) {
      clearDraft(apiKeyDraftName);
      onClose();
    } else if (copied) {
      onClose();
    } else {
      // Asked already: a second Escape or × answers "keep it", never "close".
      setAsking(!asking);
    }
  }
  useImperativeHandle(ref, () => ({ requestClose }));

  async function create(input: Draft): Promise<CreateKeyResult> {
    setCreating(true);
    const result = await onCreate(input);
    setCreating(false);
    if ('secret' in result) {
      clearDraft(apiKeyDraftName);
      setSecret(result.secret);
    }
    return result;
  }

  return (
    <>
      <Modal.Header>
        <Modal.Title fw={600}>{secret ? 'API key created' : 'Add API Key'}</Modal.Title>
        <Modal.CloseButton aria-label="Close" disabled={creating} />
      </Modal.Header>
      <Modal.Body>
        {secret ? (
          <CreatedKey
            secret={secret}
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
          <AddApiKeyForm creating={creating} onCreate={create} onCancel={requestClose} />
        )}
      </Modal.Body>
    </>
  );
}

function AddApiKeyForm({
  creating,
  onCreate,
  onCancel,
}: {
  creating: boolean;
  onCreate: (input: Draft) => Promise<CreateKeyResult>;
  onCancel: () => void;
}) {
  const [draft] = useState(savedDraft);
  const [name, setName] = useState(draft.name);
  const [role, setRole] = useState<ServiceAccountRole>(draft.role);
  const [nameError, setNameError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const nameField = useRef<HTMLInputElement>(null);

  // Kept as typed, so that a session ending before Create costs nothing.
  function keep(next: Draft) {
    if (next.name || next.role !== 'VIEWER') saveDraft(apiKeyDraftName, next);
    else clearDraft(apiKeyDraftName);
  }

  function validate(value: string) {
    if (!value.trim()) return 'Enter a name for the key';
    if (value.trim().length > nameMaxLength) return `Use at most ${nameMaxLength} characters`;
    return null;
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (creating) return;
    const invalid = validate(name);
    setNameError(invalid);
    setFormError(null);
    if (invalid) {
      nameField.current?.focus();
      return;
    }
    const result = await onCreate({ name: name.trim(), role });
    if ('secret' in result) return;
    if (result.field === 'name') {
      setNameError(result.error);
    } else {
      setFormError(result.error);
    }
    nameField.current?.focus();
  }

  return (
    <form onSubmit={(event) => void submit(event)} noValidate aria-busy={creating}>
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
            keep({ name: e.currentTarget.value, role });
            if (nameError) setNameError(null);
          }}
          error={nameError}
        />
        <Radio.Group
          label="Role"
          value={role}
          onChange={(value) => {
            if (creating) return;
            setRole(value);
            keep({ name, role: value });
          }}
        >
          <Stack gap="xs" mt={6}>
            <Radio value="VIEWER" label="Viewer" description="May only query." />
            <Radio value="ADMIN" label="Admin" description="May also create and revoke API keys." />
          </Stack>
        </Radio.Group>
        {formError && (
          <ErrorAlert title="The key was not created">
            {formError}
          </ErrorAlert>
        )}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onCancel} disabled={creating}>
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

function CreatedKey({
  secret,
  asking,
  onCopied,
  onDone,
  onKeep,
  onDiscard,
}: {
  secret: string;
  asking: boolean;
  onCopied: () => void;
  onDone: () => void;
  onKeep: () => void;
  onDiscard: () => void;
}) {
  // The Create key button that had focus is gone: move focus to the new key.
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
