import { ErrorAlert } from './error-alert';
import { Button, Stack, Text } from '@mantine/core';

/** The error state of a list: what failed, why, and a way to try again. */
export function LoadError({ title, message, onRetry }: { title: string; message: string; onRetry: () => void }) {
  return (
    <ErrorAlert title={title}>
      <Stack gap="xs" align="flex-start">
        <Text size="sm">{message}</Text>
        <Button size="xs" variant="default" onClick={onRetry}>
          Retry
        </Button>
      </Stack>
    </ErrorAlert>
  );
}
