import { Fragment, useId, useState, type ReactNode } from 'react';
import { LoadError } from '../../components/load-error';
import { ActionIcon, Button, Center, DataList, Group, Paper, Skeleton, Stack, Table, Text } from '@mantine/core';
import { IconChevronDown, IconChevronRight } from '@tabler/icons-react';
import { graphql, useFragment, type FragmentType } from '../../gql';
import type { AuditEntryList_EntryFragment as AuditEntryList_EntryFragmentType } from '../../gql/graphql';
import { auditActionLabels } from './audit-actions';
import { auditDetail } from './audit-detail';
import { Timestamp } from './timestamp';
import { ChainHash } from './chain-hash';
import { displayText } from '../../lib/display-text';
import { TruncatedText } from '../../components/truncated-text';
import { useScreenBelow } from '../../layout/screen';

export const AuditEntryList_EntryFragment = graphql(`
  fragment AuditEntryList_Entry on AuditEntry {
    id
    action
    actorKind
    actorName
    actorDeleted
    targetKind
    targetName
    targetMaskedKey
    metadata
    createdAt
    sequence
    hash
    ip
    userAgent
  }
`);

// An anonymous actor (a failed sign-in) is named "Anonymous" already, the system "System".
const actorKinds = { USER: null, SERVICE_ACCOUNT: 'service account', SYSTEM: null, ANONYMOUS: null } as const;
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

/**
 * Audit entries, newest first, with "Load more"; shared by the drawer and the Audit trail
 * page. Each entry opens (its disclosure button) to show where it came from (address and
 * user agent, for admins) and its place in the hash chain.
 */
export function AuditEntryList({ label, entries, fetching, error, hasNextPage, onLoadMore, onRetry, emptyMessage }: AuditEntryListProps) {
  const rows = useFragment(AuditEntryList_EntryFragment, entries);
  const phone = useScreenBelow('sm');
  const [open, setOpen] = useState<ReadonlySet<string>>(() => new Set());
  const baseId = useId();
  const failed = error ? <LoadError title="Could not load the audit trail" message={error} onRetry={onRetry} /> : null;

  if (rows.length === 0 && failed) return failed;
  if (rows.length === 0 && !fetching) {
    return (
      <Center py="xl">
        <Text c="gray.7">{emptyMessage}</Text>
      </Center>
    );
  }

  const toggle = (id: string) =>
    setOpen((was) => {
      const next = new Set(was);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  const detailsId = (e: Entry) => `${baseId}-details-${e.id}`;

  const list = phone ? (
    // On a phone the four columns do not fit: one small card per entry, the time on its first line.
    <Stack component="ul" aria-label={label} aria-busy={fetching} gap="xs" m={0} p={0} style={{ listStyle: 'none' }}>
      {rows.map((e) => {
        const expanded = open.has(e.id);
        return (
          <Paper component="li" key={e.id} withBorder p="xs">
            <Group justify="space-between" gap="xs" wrap="nowrap" align="flex-start">
              <Text size="sm" fw={500}>
                {auditActionLabels[e.action] ?? e.action}
              </Text>
              <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                <Timestamp value={e.createdAt} relative />
              </Text>
            </Group>
            <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
              <Actor entry={e} /> → <Target entry={e} />
            </Text>
            <Detail entry={e} />
            <Button
              variant="subtle"
              size="compact-xs"
              mt={4}
              leftSection={expanded ? <IconChevronDown size={14} aria-hidden /> : <IconChevronRight size={14} aria-hidden />}
              aria-label={`Details of entry ${e.sequence}`}
              aria-expanded={expanded}
              aria-controls={expanded ? detailsId(e) : undefined}
              onClick={() => toggle(e.id)}
            >
              Details
            </Button>
            {expanded && (
              <div id={detailsId(e)}>
                <EntryDetails entry={e} />
              </div>
            )}
          </Paper>
        );
      })}
      {fetching &&
        [0, 1, 2].map((i) => (
          <Paper component="li" key={`loading-${i}`} withBorder p="xs" aria-hidden>
            <Skeleton height={12} radius="sm" />
          </Paper>
        ))}
    </Stack>
  ) : (
    // The action and the time keep their width; who and what share the rest, cut with "…" (whole on hover and focus).
    <Table aria-label={label} aria-busy={fetching} verticalSpacing="xs">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Action</Table.Th>
          <Table.Th style={flexible}>By</Table.Th>
          <Table.Th style={flexible}>Target</Table.Th>
          <Table.Th>When</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((e) => {
          const expanded = open.has(e.id);
          return (
            <Fragment key={e.id}>
              <Table.Tr>
                <Table.Td fw={500} style={nowrap}>
                  <Group gap={4} wrap="nowrap">
                    <ActionIcon
                      variant="subtle"
                      color="gray.7"
                      size="sm"
                      aria-label={`Details of entry ${e.sequence}`}
                      aria-expanded={expanded}
                      aria-controls={expanded ? detailsId(e) : undefined}
                      onClick={() => toggle(e.id)}
                    >
                      {expanded ? <IconChevronDown size={16} aria-hidden /> : <IconChevronRight size={16} aria-hidden />}
                    </ActionIcon>
                    {auditActionLabels[e.action] ?? e.action}
                  </Group>
                </Table.Td>
                <Table.Td style={flexible}>
                  <Actor entry={e} cut />
                </Table.Td>
                <Table.Td style={flexible}>
                  <Target entry={e} cut />
                  <Detail entry={e} />
                </Table.Td>
                <Table.Td style={nowrap}>
                  <Timestamp value={e.createdAt} relative />
                </Table.Td>
              </Table.Tr>
              {expanded && (
                <Table.Tr id={detailsId(e)} bg="gray.0">
                  <Table.Td colSpan={4} pl={40}>
                    <EntryDetails entry={e} />
                  </Table.Td>
                </Table.Tr>
              )}
            </Fragment>
          );
        })}
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
  );

  return (
    <Stack gap="sm">
      {list}
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

type Entry = AuditEntryList_EntryFragmentType;

const flexible = { maxWidth: 0, width: '50%' };
const nowrap = { whiteSpace: 'nowrap' } as const;

/** Who did it, and what kind of actor when not a person; a person deleted since is marked so. */
function Actor({ entry, cut = false }: { entry: Entry; cut?: boolean }) {
  const note = entry.actorDeleted ? 'deleted user' : actorKinds[entry.actorKind];
  return <Named name={displayText(entry.actorName)} note={note} cut={cut} />;
}

/**
 * What it was done to, and what kind of thing when not an API key (the page is about keys).
 * A key also shows its masked form, which tells apart keys of one name.
 */
function Target({ entry, cut = false }: { entry: Entry; cut?: boolean }) {
  const note = entry.targetKind !== 'API_KEY' ? targetKinds[entry.targetKind] : null;
  return <Named name={displayText(entry.targetName)} note={note} maskedKey={entry.targetMaskedKey ?? null} cut={cut} />;
}

/** What the entry's metadata adds (a rename's old and new name, a policy's changes), on a line of its own. */
function Detail({ entry }: { entry: Entry }) {
  const detail = auditDetail(entry.action, entry.metadata);
  if (!detail) return null;
  return (
    <Text size="xs" c="gray.7" dir="auto" style={{ overflowWrap: 'anywhere' }}>
      {detail}
    </Text>
  );
}

function Named({ name, note, maskedKey = null, cut }: { name: string; note: string | null; maskedKey?: string | null; cut: boolean }) {
  const kind = note && (
    <Text span size="xs" c="gray.7" style={nowrap}>
      {' '}
      ({note})
    </Text>
  );
  const key = maskedKey && (
    <Text span size="xs" c="gray.7" ff="monospace" style={nowrap}>
      {' '}
      {maskedKey}
    </Text>
  );
  if (!cut) {
    return (
      <>
        <span dir="auto">{name}</span>
        {kind}
        {key}
      </>
    );
  }
  return (
    <Group gap={4} wrap="nowrap" miw={0}>
      <TruncatedText size="sm">{name}</TruncatedText>
      {kind}
      {key}
    </Group>
  );
}

/**
 * Where an entry came from and its place in the chain. Address and user agent are the
 * client's as the server saw them; the API gives them to admin people only (null
 * otherwise), and entries the server wrote itself have none.
 */
function EntryDetails({ entry }: { entry: Entry }) {
  const notRecorded = (
    <Text span size="sm" c="gray.7">
      Not recorded
    </Text>
  );
  const agent = entry.userAgent ? displayText(entry.userAgent) : '';
  return (
    <DataList size="sm" labelWidth={100} styles={{ itemValue: { minWidth: 0, overflowWrap: 'anywhere' } }}>
      <Fact label="Address">
        {entry.ip ? (
          <Text span size="sm" ff="monospace">
            {entry.ip}
          </Text>
        ) : (
          notRecorded
        )}
      </Fact>
      <Fact label="User agent">
        {agent ? (
          <Text span size="sm" dir="auto" style={{ whiteSpace: 'normal' }}>
            {agent}
          </Text>
        ) : (
          notRecorded
        )}
      </Fact>
      <Fact label="Sequence">{entry.sequence}</Fact>
      <Fact label="Hash">
        <ChainHash hash={entry.hash} label={`hash of entry ${entry.sequence}`} />
      </Fact>
    </DataList>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <DataList.Item>
      <DataList.ItemLabel>{label}</DataList.ItemLabel>
      <DataList.ItemValue>{children}</DataList.ItemValue>
    </DataList.Item>
  );
}
