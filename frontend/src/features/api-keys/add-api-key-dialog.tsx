import { ErrorAlert } from '../../components/error-alert';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Alert, Button, CopyButton, Group, Modal, Radio, Stack, Text, TextInput } from '@mantine/core';
import { IconAlertTriangle, IconCheck, IconCopy } from '@tabler/icons-react';
import type { ServiceAccountRole } from '../../gql/graphql';
import { maskKey } from '../../lib/format';

export const nameMaxLength = 100;

/** What creating a key gives back: the secret once, or what went wrong. */
export type CreateKeyResult =
  | { secret: string }
  | { error: string; /** The input field the server blamed (extensions.field), if any. */ field?: string };

export type AddApiKeyDialogProps = {
  opened: boolean;
  onClose: () => void;
  onCreate: (input: { name: string; role: ServiceAccountRole }) => Promise<CreateKeyResult>;
  /** Called once the dialog has faded out. */
  onClosed?: () => void;
};

/**
 * Add API Key: a name and a role, then the new key, shown once. The secret lives only
 * in the dialog's content, which unmounts when the dialog closes.
 */
export function AddApiKeyDialog({ opened, onClose, onCreate, onClosed }: AddApiKeyDialogProps) {
  return (
    <Modal.Root opened={opened} onClose={onClose} onExitTransitionEnd={onClosed} closeOnClickOutside={false} size="lg">
      <Modal.Overlay />
      <Modal.Content>
        <AddApiKeyFlow onClose={onClose} onCreate={onCreate} />
      </Modal.Content>
    </Modal.Root>
  );
}

function AddApiKeyFlow({ onClose, onCreate }: Pick<AddApiKeyDialogProps, 'onClose' | 'onCreate'>) {
  const [secret, setSecret] = useState<string | null>(null);
  return (
    <>
      <Modal.Header>
        <Modal.Title fw={600}>{secret ? 'API key created' : 'Add API Key'}</Modal.Title>
        <Modal.CloseButton aria-label="Close" />
      </Modal.Header>
      <Modal.Body>
        {secret ? <CreatedKey secret={secret} onDone={onClose} /> : <AddApiKeyForm onCreate={onCreate} onCreated={setSecret} onCancel={onClose} />}
      </Modal.Body>
    </>
  );
}

function AddApiKeyForm({
  onCreate,
  onCreated,
  onCancel,
}: {
  onCreate: AddApiKeyDialogProps['onCreate'];
  onCreated: (secret: string) => void;
  onCancel: () => void;
}) {
  const [name, setName] = useState('');
  const [role, setRole] = useState<ServiceAccountRole>('VIEWER');
  const [nameError, setNameError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const nameField = useRef<HTMLInputElement>(null);

  function validate(value: string) {
    if (!value.trim()) return 'Enter a name for the key';
    if (value.trim().length > nameMaxLength) return `Use at most ${nameMaxLength} characters`;
    return null;
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (saving) return;
    const invalid = validate(name);
    setNameError(invalid);
    setFormError(null);
    if (invalid) {
      nameField.current?.focus();
      return;
    }
    setSaving(true);
    const result = await onCreate({ name: name.trim(), role });
    setSaving(false);
    if ('secret' in result) {
      onCreated(result.secret);
    } else if (result.field === 'name') {
      setNameError(result.error);
      nameField.current?.focus();
    } else {
      setFormError(result.error);
      nameField.current?.focus();
    }
  }

  return (
    <form onSubmit={(event) => void submit(event)} noValidate>
      <Stack gap="md">
        <TextInput
          label="Name"
          required
          data-autofocus
          ref={nameField}
          maxLength={nameMaxLength}
          description="Name it after the integration or system that will use it, e.g. “ERP Sync Service” or “Reporting Dashboard”. Use one key per integration."
          value={name}
          onChange={(e) => {
            setName(e.currentTarget.value);
            if (nameError) setNameError(null);
          }}
          error={nameError}
        />
        <Radio.Group label="Role" value={role} onChange={setRole}>
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
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={saving}>
            Create key
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function CreatedKey({ secret, onDone }: { secret: string; onDone: () => void }) {
  // The Create key button that had focus is gone: move focus to the new key.
  const keyField = useRef<HTMLInputElement>(null);
  useEffect(() => keyField.current?.focus(), []);
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
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
              rightSectionWidth={100}
              rightSection={
                <Button
                  size="compact-sm"
                  variant="filled"
                  color={copied ? 'teal.9' : undefined}
                  leftSection={copied ? <IconCheck size={14} aria-hidden /> : <IconCopy size={14} aria-hidden />}
                  aria-label="Copy API key"
                  onClick={copy}
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
      <Group justify="flex-end">
        <Button onClick={onDone}>Done</Button>
      </Group>
    </Stack>
  );
}
