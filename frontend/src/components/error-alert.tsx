import type { ReactNode, Ref } from 'react';
import { Alert } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';

/**
 * An error shown in place: announced to screen readers (role="alert"). Given a ref, it
 * can take focus, for when the control that had it went away or was disabled.
 */
export function ErrorAlert({ title, children, ref }: { title?: string; children: ReactNode; ref?: Ref<HTMLDivElement> }) {
  return (
    <Alert ref={ref} tabIndex={ref ? -1 : undefined} role="alert" color="red" icon={<IconAlertCircle size={18} aria-hidden />} title={title}>
      {children}
    </Alert>
  );
}
