import { Button, Loader } from '@mantine/core';
import type { ReactNode } from 'react';

/**
 * A form's submit button that shows the work in flight. It is not disabled while busy:
 * focus stays on it, and a second press does nothing (aria-disabled; the form ignores a
 * submit while busy).
 */
export function SubmitButton({ busy, busyLabel, children }: { busy: boolean; busyLabel: string; children: ReactNode }) {
  return (
    <Button type="submit" aria-disabled={busy || undefined} leftSection={busy ? <Loader size={14} color="white" aria-hidden /> : undefined}>
      {busy ? busyLabel : children}
    </Button>
  );
}
