import { ErrorAlert } from '../../components/error-alert';
import { useEffect, useRef, useState } from 'react';
import { Button, Group, Loader, Modal, Stack, Text } from '@mantine/core';
import type { UserRow } from './users-table';
import { displayText } from '../../lib/display-text';

/**
 * Confirms deleting a person. onConfirm resolves to null once deleted, or to the
 * message to show; the dialog stays open on errors, and while the request is under way.
 */
export function DeleteUserDialog({
  user,
  onClose,
  onConfirm,
}: {
  user: UserRow | null;
  onClose: () => void;
  onConfirm: (user: UserRow) => Promise<string | null>;
}) {
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  // Keep the last person on screen while the dialog fades out.
  const [shown, setShown] = useState(user);
  if (user && user !== shown) setShown(user);
  // Another person (or none) takes the last one's error away.
  const [errorUser, setErrorUser] = useState(user);
  if (user !== errorUser) {
    setErrorUser(user);
    setError(null);
  }

  // A refusal is read out and focused (role="alert"), each time it comes.
  const alertRef = useRef<HTMLDivElement>(null);
  const [refusals, setRefusals] = useState(0);
  useEffect(() => {
    if (refusals) alertRef.current?.focus();
  }, [refusals]);

  async function confirm() {
    if (!user || submitting) return;
    setSubmitting(true);
    setError(null);
    const message = await onConfirm(user);
    setSubmitting(false);
    if (message) {
      setError(message);
      setRefusals((n) => n + 1);
    } else onClose();
  }

  const cancel = () => {
    if (!submitting) onClose();
  };

  return (
    <Modal opened={user !== null} onClose={cancel} title="Delete user" centered closeButtonProps={{ 'aria-label': 'Close', disabled: submitting }}>
      <Stack>
        <Text size="sm">
          Delete <b>{displayText(shown?.name ?? '')}</b> ({displayText(shown?.email ?? '')})? They can no longer sign in, and their sessions end at once.
        </Text>
        <Text size="sm">
          The API keys they created and their history stay; there they show as “Deleted user”. This cannot be undone.
        </Text>
        {error && <ErrorAlert ref={alertRef}>{error}</ErrorAlert>}
        <Group justify="flex-end" mt="sm">
          <Button variant="default" onClick={cancel} disabled={submitting}>
            Cancel
          </Button>
          {/* Not disabled while deleting: focus stays on it. */}
          <Button
            color="red.9"
            aria-disabled={submitting || undefined}
            leftSection={submitting ? <Loader size={14} color="white" aria-hidden /> : undefined}
            onClick={() => void confirm()}
          >
            {submitting ? 'Deleting…' : 'Delete user'}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
