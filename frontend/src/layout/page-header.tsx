import { Anchor, Breadcrumbs, Group, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router';

export type Crumb = { label: string; to?: string };

/** A page's breadcrumbs, title and actions (top right). */
export function PageHeader({ crumbs, title, description, actions }: { crumbs: Crumb[]; title: string; description?: ReactNode; actions?: ReactNode }) {
  return (
    <Stack gap="xs" mb="lg">
      <nav aria-label="Breadcrumb">
        <Breadcrumbs>
        {crumbs.map((c) =>
          c.to ? (
            <Anchor component={Link} to={c.to} key={c.label} size="sm">
              {c.label}
            </Anchor>
          ) : (
            <Text size="sm" key={c.label} c="gray.7">
              {c.label}
            </Text>
          ),
          )}
        </Breadcrumbs>
      </nav>
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <Stack gap={4}>
          <Title order={1} size="h2">
            {title}
          </Title>
          {description && (
            <Text c="gray.7" size="sm" maw={720}>
              {description}
            </Text>
          )}
        </Stack>
        {actions && <Group gap="sm">{actions}</Group>}
      </Group>
    </Stack>
  );
}

/** The breadcrumbs of the Company Settings pages. */
export const companySettings: Crumb[] = [{ label: 'Administration' }, { label: 'Company Settings' }];
