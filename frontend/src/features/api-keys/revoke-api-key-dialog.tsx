import { ErrorAlert } from '../../components/error-alert';
import { useRef, useState } from 'react';
import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import type { KeyToRevoke } from './api-keys-table';
import { displayText } from '../../lib/display-text';

export type RevokeApiKeyDialogProps = {
  /** The key to revoke; null closes the dialog. */
  apiKey: KeyToRevoke | null;
  onClose: () => void;
  /** Revokes the key; resolves to an error message, or undefined when it worked. */
  onConfirm: (key: KeyToRevoke) => Promise<string | undefined>;
  /** Called once the dialog has faded out. */
  onClosed?: () => void;
};

/** Confirms revoking a key: it is permanent, and every system using the key loses access at once. */
export function RevokeApiKeyDialog({ apiKey, onClose, onConfirm, onClosed }: RevokeApiKeyDialogProps) {
  // Keep naming the key while the dialog fades out after apiKey became null.
  const [shown, setShown] = useState(apiKey);
  if (apiKey && apiKey !== shown) setShown(apiKey);
  const [state, setState] = useState<{ key: KeyToRevoke | null; saving: boolean; error?: string }>({ key: null, saving: false });
  const current = state.key === apiKey ? state : { key: apiKey, saving: false };
  const revokeButton = useRef<HTMLButtonElement>(null);

  async function confirm() {
    if (!apiKey || current.saving) return;
    setState({ key: apiKey, saving: true });
    const error = await onConfirm(apiKey);
    setState({ key: apiKey, saving: false, error });
    if (!error) onClose();
    // The button was disabled while saving, which dropped its focus: give it back to retry.
    else setTimeout(() => revokeButton.current?.focus());
  }

  return (
    <Modal opened={!!apiKey} onClose={onClose} onExitTransitionEnd={onClosed} title="Revoke API key" size="md">
      {shown && (
        <Stack gap="md">
          <Text fw={500}>
            Revoke {displayText(shown.name)} ({shown.maskedKey})?
          </Text>
          <Text size="sm">
            Any system using this key loses access immediately and will need a new key. Revoking is permanent: the key cannot be restored.
          </Text>
          {current.error && (
            <ErrorAlert title="The key was not revoked">
              {current.error}
            </ErrorAlert>
          )}
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={onClose} data-autofocus>
              Cancel
            </Button>
            <Button ref={revokeButton} color="red.9" onClick={() => void confirm()} loading={current.saving}>
              Revoke key
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
