import { ErrorAlert } from '../../components/error-alert';
import { SubmitButton } from '../../components/submit-button';
import { useRef, useState, type FormEvent } from 'react';
import { Button, Group, Modal, Stack, TextInput } from '@mantine/core';
import type { FieldError } from '../../graphql/client';
import { displayText } from '../../lib/display-text';
import type { KeyRef } from './api-keys-table';
import { nameError, nameMaxLength } from './key-name';

/** What went wrong renaming: the message, and the input field the server blamed, if any. */
export type RenameError = FieldError;

export type RenameApiKeyDialogProps = {
  /** The key to rename; null closes the dialog. */
  apiKey: KeyRef | null;
  /** Called when the dialog should close: with the new name once renamed; never while saving. */
  onClose: (renamedTo?: string) => void;
  /** Renames the key; resolves to what went wrong, or undefined when it worked. */
  onRename: (key: KeyRef, name: string) => Promise<RenameError | undefined>;
  /** Called once the dialog has faded out. */
  onClosed?: () => void;
};

/** Rename API key: the name field, prefilled, with the rules of Add API Key. */
export function RenameApiKeyDialog({ apiKey, onClose, onRename, onClosed }: RenameApiKeyDialogProps) {
  // Keep naming the key while the dialog fades out after apiKey became null.
  const [shown, setShown] = useState(apiKey);
  if (apiKey && apiKey !== shown) setShown(apiKey);
  const [saving, setSaving] = useState(false);

  // While the rename is under way the dialog stays, so its outcome is always seen.
  const cancel = () => {
    if (!saving) onClose();
  };

  return (
    <Modal
      opened={!!apiKey}
      onClose={cancel}
      onExitTransitionEnd={onClosed}
      title="Rename API key"
      size="md"
      closeButtonProps={{ 'aria-label': 'Close', disabled: saving }}
    >
      {/* Keyed by the key: each opening starts from that key's name. */}
      {shown && <RenameForm key={shown.id} apiKey={shown} saving={saving} setSaving={setSaving} onRename={onRename} onClose={onClose} onCancel={cancel} />}
    </Modal>
  );
}

function RenameForm({
  apiKey,
  saving,
  setSaving,
  onRename,
  onClose,
  onCancel,
}: {
  apiKey: KeyRef;
  saving: boolean;
  setSaving: (saving: boolean) => void;
  onRename: RenameApiKeyDialogProps['onRename'];
  onClose: RenameApiKeyDialogProps['onClose'];
  onCancel: () => void;
}) {
  const [name, setName] = useState(apiKey.name);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const nameField = useRef<HTMLInputElement>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (saving) return;
    const invalid = nameError(name);
    setFieldError(invalid);
    setFormError(null);
    if (invalid) {
      nameField.current?.focus();
      return;
    }
    const next = name.trim();
    // Nothing to change: no request, no audit entry.
    if (next === apiKey.name) {
      onClose();
      return;
    }
    setSaving(true);
    const result = await onRename(apiKey, next);
    setSaving(false);
    if (!result) {
      onClose(next);
      return;
    }
    if (result.field === 'name') setFieldError(result.error);
    else setFormError(result.error);
    nameField.current?.focus();
  }

  return (
    <form onSubmit={(event) => void submit(event)} noValidate aria-busy={saving}>
      <Stack gap="md">
        <TextInput
          label="Name"
          required
          data-autofocus
          ref={nameField}
          maxLength={nameMaxLength}
          readOnly={saving}
          description={`The key ${apiKey.maskedKey} itself does not change. Past audit entries keep the name “${displayText(apiKey.name)}”.`}
          value={name}
          onChange={(e) => {
            setName(e.currentTarget.value);
            if (fieldError) setFieldError(null);
          }}
          error={fieldError}
          styles={{ description: { overflowWrap: 'anywhere' } }}
        />
        {formError && <ErrorAlert title="The key was not renamed">{formError}</ErrorAlert>}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onCancel} disabled={saving}>
            Cancel
          </Button>
          <SubmitButton busy={saving} busyLabel="Saving…">
            Save
          </SubmitButton>
        </Group>
      </Stack>
    </form>
  );
}
