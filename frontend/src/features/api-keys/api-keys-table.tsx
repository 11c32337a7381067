import { LoadError } from '../../components/load-error';
import { ActionIcon, Button, Code, Group, Skeleton, Stack, Table, Text, Tooltip, VisuallyHidden } from '@mantine/core';
import { IconBan, IconKey, IconPlus, IconSearch } from '@tabler/icons-react';
import { graphql, useFragment, type FragmentType } from '../../gql';
import type { ApiKeysTable_ApiKeyFragment as ApiKey } from '../../gql/graphql';
import { Timestamp } from '../audit/timestamp';
import { formatRange } from '../../lib/format';
import { displayText } from '../../lib/display-text';

export const ApiKeysTable_ApiKeyFragment = graphql(`
  fragment ApiKeysTable_ApiKey on APIKey {
    id
    name
    maskedKey
    status
    createdAt
    createdByName
    lastUsedAt
    revokedAt
    revokedByName
  }
`);

/** What the revoke dialog needs to name the key. */
export type KeyToRevoke = Pick<ApiKey, 'id' | 'name' | 'maskedKey'>;

export type Pagination = {
  pageIndex: number;
  pageSize: number;
  totalCount: number;
  hasPrevious: boolean;
  hasNext: boolean;
  onPrevious: () => void;
  onNext: () => void;
};

export type ApiKeysTableProps = {
  status: 'ACTIVE' | 'REVOKED';
  /** Undefined until the first page arrives. */
  keys?: FragmentType<typeof ApiKeysTable_ApiKeyFragment>[];
  fetching: boolean;
  /** A message when loading failed. */
  error?: string;
  onRetry: () => void;
  /** The search the keys were filtered by, "" for none. */
  search: string;
  pagination?: Pagination;
  /** Absent when the viewer may not revoke keys. */
  onRevoke?: (key: KeyToRevoke) => void;
  /** Absent when the viewer may not create keys. */
  onAdd?: () => void;
};

const skeletonRows = 3;

/** One tab's keys: a table, or its loading, empty, no-match or error state. */
export function ApiKeysTable({ status, keys: refs, fetching, error, onRetry, search, pagination, onRevoke, onAdd }: ApiKeysTableProps) {
  const keys = useFragment(ApiKeysTable_ApiKeyFragment, refs);
  const active = status === 'ACTIVE';
  const label = active ? 'Active keys' : 'Revoked keys';

  if (error && !fetching) {
    return <LoadError title="Could not load API keys" message={error} onRetry={onRetry} />;
  }

  if (keys && keys.length === 0 && !fetching && (pagination?.pageIndex ?? 0) === 0) {
    if (search) {
      return (
        <Stack align="center" gap={4} py="xl">
          <IconSearch size={32} aria-hidden color="var(--mantine-color-gray-6)" />
          <Text fw={500}>No keys match “{search}”</Text>
          <Text size="sm" c="gray.7">
            Check the spelling or search for another name.
          </Text>
        </Stack>
      );
    }
    return (
      <Stack align="center" gap="xs" py="xl">
        <IconKey size={32} aria-hidden color="var(--mantine-color-gray-6)" />
        <Text fw={500}>{active ? 'No active API keys' : 'No revoked API keys'}</Text>
        <Text size="sm" c="gray.7" ta="center" maw={480}>
          {active
            ? 'Create a key for each system or script that needs to call the API.'
            : 'Keys you revoke are kept here for reference and auditing.'}
        </Text>
        {active && onAdd && (
          <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={onAdd} mt="xs">
            Add your first API key
          </Button>
        )}
      </Stack>
    );
  }

  const columns = ['Name', 'Key', 'Created by', 'Creation date', 'Last used', ...(active ? [] : ['Revoked', 'Revoked by'])];
  const loading = fetching && !keys;

  return (
    <Stack gap="sm">
      <Table.ScrollContainer minWidth={active ? 760 : 960}>
        <Table aria-label={label} aria-busy={fetching} verticalSpacing="sm" highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              {columns.map((c) => (
                <Table.Th key={c}>{c}</Table.Th>
              ))}
              {active && onRevoke && (
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              )}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody style={fetching && !loading ? { opacity: 0.6 } : undefined}>
            {loading
              ? Array.from({ length: skeletonRows }, (_, i) => (
                  <Table.Tr key={i} data-testid="skeleton-row">
                    {columns.map((c) => (
                      <Table.Td key={c}>
                        <Skeleton height={14} radius="sm" />
                      </Table.Td>
                    ))}
                    {active && onRevoke && <Table.Td />}
                  </Table.Tr>
                ))
              : keys?.map((k) => (
                  <Table.Tr key={k.id} data-revoked={!active || undefined} style={active ? undefined : { color: 'var(--mantine-color-gray-7)', background: 'var(--mantine-color-gray-0)' }}>
                    <Table.Td fw={500}>{displayText(k.name)}</Table.Td>
                    <Table.Td>
                      <Code>{k.maskedKey}</Code>
                    </Table.Td>
                    <Table.Td>{displayText(k.createdByName)}</Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      <Timestamp value={k.createdAt} />
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{k.lastUsedAt ? <Timestamp value={k.lastUsedAt} relative /> : 'Never'}</Table.Td>
                    {!active && (
                      <>
                        <Table.Td style={{ whiteSpace: 'nowrap' }}>{k.revokedAt ? <Timestamp value={k.revokedAt} /> : '—'}</Table.Td>
                        <Table.Td>{k.revokedByName ? displayText(k.revokedByName) : '—'}</Table.Td>
                      </>
                    )}
                    {active && onRevoke && (
                      <Table.Td ta="right">
                        <Tooltip label="Revoke" withArrow>
                          <ActionIcon
                            variant="subtle"
                            color="red"
                            aria-label={`Revoke API key ${displayText(k.name)}`}
                            onClick={() => onRevoke({ id: k.id, name: k.name, maskedKey: k.maskedKey })}
                          >
                            <IconBan size={18} aria-hidden />
                          </ActionIcon>
                        </Tooltip>
                      </Table.Td>
                    )}
                  </Table.Tr>
                ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {pagination && keys && (
        <Group justify="space-between" gap="sm">
          <Text size="sm" c="gray.7" aria-live="polite">
            {formatRange(pagination.pageIndex, pagination.pageSize, keys.length, pagination.totalCount)}
          </Text>
          {(pagination.hasPrevious || pagination.hasNext) && (
            <Group gap="xs">
              <PageButton label="Previous" enabled={pagination.hasPrevious && !fetching} onClick={pagination.onPrevious} />
              <PageButton label="Next" enabled={pagination.hasNext && !fetching} onClick={pagination.onNext} />
            </Group>
          )}
        </Group>
      )}
    </Stack>
  );
}

/** Previous/Next: aria-disabled rather than disabled, so keyboard focus stays put at the ends. */
function PageButton({ label, enabled, onClick }: { label: string; enabled: boolean; onClick: () => void }) {
  return (
    <Button
      variant="default"
      size="xs"
      data-disabled={!enabled || undefined}
      aria-disabled={!enabled || undefined}
      onClick={() => enabled && onClick()}
    >
      {label}
    </Button>
  );
}
