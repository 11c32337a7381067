import type { ReactNode } from 'react';
import { Center, Group, Paper, Text, ThemeIcon } from '@mantine/core';
import { IconKey } from '@tabler/icons-react';

/** The centered card of the public pages (sign in, setup), under the product name. */
export function AuthCard({ children, width = 420 }: { children: ReactNode; width?: number }) {
  return (
    <Center mih="100vh" p="md" bg="var(--mantine-color-gray-0)">
      <Paper withBorder shadow="sm" radius="md" p="xl" w="100%" maw={width}>
        <Group gap="xs" mb="lg">
          <ThemeIcon variant="light" size="md" aria-hidden>
            <IconKey size={16} />
          </ThemeIcon>
          <Text fw={700} component="span">
            API Keys
          </Text>
        </Group>
        {children}
      </Paper>
    </Center>
  );
}
