import type { ReactNode } from 'react';
import { Alert } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';

/** An error shown in place: announced to screen readers (role="alert"). */
export function ErrorAlert({ title, children }: { title?: string; children: ReactNode }) {
  return (
    <Alert role="alert" color="red" icon={<IconAlertCircle size={18} aria-hidden />} title={title}>
      {children}
    </Alert>
  );
}
