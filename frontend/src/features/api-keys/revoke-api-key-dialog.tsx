import { ErrorAlert } from '../../components/error-alert';
import { useState } from 'react';
import { Button, Group, Loader, Modal, Stack, Text } from '@mantine/core';
import type { KeyRef } from './api-keys-table';
import { displayText } from '../../lib/display-text';

export type RevokeApiKeyDialogProps = {
  /** The key to revoke; null closes the dialog. */
  apiKey: KeyRef | null;
  /**
   * Called when the dialog should close: with the key (its id, name and masked key)
   * once it was revoked, so the page can say "Revoked ERP Sync Service (gak_…ExxQ)";
   * with nothing when the person cancelled (Cancel, ×, Escape, a click outside).
   * Never called while the revoke is under way.
   */
  onClose: (revoked?: KeyRef) => void;
  /** Revokes the key; resolves to an error message, or undefined when it worked. */
  onConfirm: (key: KeyRef) => Promise<string | undefined>;
  /** Called once the dialog has faded out. */
  onClosed?: () => void;
};

/** Confirms revoking a key: it is permanent, and every system using the key loses access at once. */
export function RevokeApiKeyDialog({ apiKey, onClose, onConfirm, onClosed }: RevokeApiKeyDialogProps) {
  // Keep naming the key while the dialog fades out after apiKey became null.
  const [shown, setShown] = useState(apiKey);
  if (apiKey && apiKey !== shown) setShown(apiKey);
  const [state, setState] = useState<{ key: KeyRef | null; saving: boolean; error?: string }>({ key: null, saving: false });
  const current = state.key === apiKey ? state : { key: apiKey, saving: false };

  async function confirm() {
    if (!apiKey || current.saving) return;
    setState({ key: apiKey, saving: true });
    const error = await onConfirm(apiKey);
    setState({ key: apiKey, saving: false, error });
    if (!error) onClose(apiKey);
  }

  // While the revoke is under way the dialog stays, so its outcome is always seen.
  const cancel = () => {
    if (!current.saving) onClose();
  };

  return (
    <Modal
      opened={!!apiKey}
      onClose={cancel}
      onExitTransitionEnd={onClosed}
      title="Revoke API key"
      size="md"
      closeButtonProps={{ 'aria-label': 'Close', disabled: current.saving }}
    >
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
            <Button variant="default" onClick={cancel} disabled={current.saving} data-autofocus>
              Cancel
            </Button>
            {/* Not disabled while revoking: focus stays on it, to retry after an error. */}
            <Button
              color="red.9"
              onClick={() => void confirm()}
              aria-disabled={current.saving || undefined}
              leftSection={current.saving ? <Loader size={14} color="white" aria-hidden /> : undefined}
            >
              {current.saving ? 'Revoking…' : 'Revoke key'}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
