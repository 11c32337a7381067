import { LoadError } from '../../components/load-error';
import { Button, Center, Group, Skeleton, Stack, Table, Text } from '@mantine/core';
import { graphql, useFragment, type FragmentType } from '../../gql';
import { auditActionLabels } from './audit-actions';
import { Timestamp } from './timestamp';
import { displayText } from '../../lib/display-text';

export const AuditEntryList_EntryFragment = graphql(`
  fragment AuditEntryList_Entry on AuditEntry {
    id
    action
    actorKind
    actorName
    targetKind
    targetName
    createdAt
  }
`);

// An anonymous actor (a failed sign-in) is named "Anonymous" already.
const actorKinds = { USER: null, SERVICE_ACCOUNT: 'service account', SYSTEM: 'system', ANONYMOUS: null } as const;
const targetKinds = { ORGANIZATION: 'company', USER: 'user', SERVICE_ACCOUNT: 'service account', API_KEY: 'API key' } as const;

export type AuditEntryListProps = {
  /** The table's accessible name, e.g. "API key events". */
  label: string;
  entries: FragmentType<typeof AuditEntryList_EntryFragment>[];
  fetching: boolean;
  /** A message when the last request failed. */
  error?: string;
  hasNextPage: boolean;
  onLoadMore: () => void;
  onRetry: () => void;
  emptyMessage: string;
};

/** Audit entries, newest first, with "Load more"; shared by the drawer and the Audit trail page. */
export function AuditEntryList({ label, entries, fetching, error, hasNextPage, onLoadMore, onRetry, emptyMessage }: AuditEntryListProps) {
  const rows = useFragment(AuditEntryList_EntryFragment, entries);
  const failed = error ? <LoadError title="Could not load the audit trail" message={error} onRetry={onRetry} /> : null;

  if (rows.length === 0 && failed) return failed;
  if (rows.length === 0 && !fetching) {
    return (
      <Center py="xl">
        <Text c="gray.7">{emptyMessage}</Text>
      </Center>
    );
  }

  return (
    <Stack gap="sm">
      <Table.ScrollContainer minWidth={520}>
        <Table aria-label={label} aria-busy={fetching} verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Action</Table.Th>
              <Table.Th>By</Table.Th>
              <Table.Th>Target</Table.Th>
              <Table.Th>When</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((e) => (
              <Table.Tr key={e.id}>
                <Table.Td fw={500}>{auditActionLabels[e.action] ?? e.action}</Table.Td>
                <Table.Td>
                  {displayText(e.actorName)}
                  {actorKinds[e.actorKind] && (
                    <Text span size="xs" c="gray.7">
                      {' '}
                      ({actorKinds[e.actorKind]})
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  {displayText(e.targetName)}
                  {e.targetKind !== 'API_KEY' && (
                    <Text span size="xs" c="gray.7">
                      {' '}
                      ({targetKinds[e.targetKind]})
                    </Text>
                  )}
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  <Timestamp value={e.createdAt} relative />
                </Table.Td>
              </Table.Tr>
            ))}
            {fetching &&
              [0, 1, 2].map((i) => (
                <Table.Tr key={`loading-${i}`} aria-hidden>
                  {[0, 1, 2, 3].map((j) => (
                    <Table.Td key={j}>
                      <Skeleton height={12} radius="sm" />
                    </Table.Td>
                  ))}
                </Table.Tr>
              ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {failed}
      {hasNextPage && !error && (
        <Group justify="center">
          {/* Not disabled while loading, so keyboard focus stays on the button. */}
          <Button variant="default" onClick={() => !fetching && onLoadMore()} aria-busy={fetching}>
            {fetching ? 'Loading…' : 'Load more'}
          </Button>
        </Group>
      )}
    </Stack>
  );
}
