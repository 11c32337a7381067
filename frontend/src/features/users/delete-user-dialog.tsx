import { ErrorAlert } from '../../components/error-alert';
import { useState } from 'react';
import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import type { UserRow } from './users-table';
import { displayText } from '../../lib/display-text';

/**
 * Confirms deleting a person. onConfirm resolves to null once deleted, or to the
 * message to show; the dialog stays open on errors.
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

  async function confirm() {
    if (!user) return;
    setSubmitting(true);
    setError(null);
    const message = await onConfirm(user);
    setSubmitting(false);
    if (message) setError(message);
    else onClose();
  }

  return (
    <Modal opened={user !== null} onClose={onClose} title="Delete user" centered>
      <Stack>
        <Text size="sm">
          Delete <b>{displayText(shown?.name ?? '')}</b> ({displayText(shown?.email ?? '')})? They can no longer sign in, and their sessions end at once.
        </Text>
        <Text size="sm">
          The API keys they created and their history stay; there they show as “Deleted user”. This cannot be undone.
        </Text>
        {error && (
          <ErrorAlert>
            {error}
          </ErrorAlert>
        )}
        <Group justify="flex-end" mt="sm">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button color="red.9" loading={submitting} onClick={() => void confirm()}>
            Delete user
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
