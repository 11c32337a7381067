import type { CSSProperties, MouseEvent, ReactNode } from 'react';
import { LoadError } from '../../components/load-error';
import { ActionIcon, Button, Code, Group, Menu, Paper, Select, Skeleton, Stack, Table, Text, Tooltip, VisuallyHidden } from '@mantine/core';
import { IconBan, IconDots, IconKey, IconPencil, IconPlus, IconRefresh, IconSearch } from '@tabler/icons-react';
import type { To } from 'react-router';
import { graphql, useFragment, type FragmentType } from '../../gql';
import type { ApiKeysTable_ApiKeyFragment as ApiKey } from '../../gql/graphql';
import { Timestamp } from '../audit/timestamp';
import { formatRange } from '../../lib/format';
import { displayText } from '../../lib/display-text';
import { SortableHeader } from '../../components/sortable-header';
import { TruncatedText } from '../../components/truncated-text';
import { firstDirection, sortFields, type Sort, type SortField } from './api-keys-view';
import { soonDays } from './expiry';
import { Actor, Expiry, Reason, reasonLabels, RoleBadge } from './key-facts';

export const ApiKeysTable_ApiKeyFragment = graphql(`
  fragment ApiKeysTable_ApiKey on APIKey {
    id
    name
    maskedKey
    status
    createdAt
    createdByName
    createdByKind
    lastUsedAt
    expiresAt
    revokedAt
    revocationReason
    revokedByName
    revokedByKind
    allowedNetworks
    serviceAccount {
      id
      role
    }
  }
`);

/** What a dialog about one key (revoke, rename) needs to name it. */
export type KeyRef = Pick<ApiKey, 'id' | 'name' | 'maskedKey'>;

/**
 * What the rotate dialog needs: the key's own expiry bounds how long it may work on beside
 * the new one; its allowed networks are the new key's unless changed.
 */
export type KeyToRotate = KeyRef & { expiresAt?: string | null; allowedNetworks?: readonly string[] };

/** What can be done to an active key, each absent when the viewer may not. */
export type KeyActions = {
  onRevoke?: (key: KeyRef) => void;
  onRotate?: (key: KeyToRotate) => void;
  onRename?: (key: KeyRef) => void;
};

export type Pagination = {
  pageIndex: number;
  pageSize: number;
  totalCount: number;
  hasPrevious: boolean;
  hasNext: boolean;
  onPrevious: () => void;
  onNext: () => void;
};

export type ApiKeysTableProps = KeyActions & {
  status: 'ACTIVE' | 'REVOKED';
  /** Undefined until the first page arrives. */
  keys?: FragmentType<typeof ApiKeysTable_ApiKeyFragment>[];
  fetching: boolean;
  /** A message when loading failed. */
  error?: string;
  onRetry: () => void;
  /** The search the keys were filtered by, "" for none. */
  search: string;
  /** Whether only keys that expire soon are listed. */
  expiring?: boolean;
  pagination?: Pagination;
  /** Absent when the viewer may not create keys. */
  onAdd?: () => void;
  /** A table with a column each, or one card each where a table's columns do not fit (phones, tablets). */
  layout?: 'table' | 'cards';
  /** The order the keys are in; with onSort, the columns that sort are buttons. */
  sort?: Sort;
  onSort?: (sort: Sort) => void;
  /** Where a key's name leads: its details. Absent: names are plain text. */
  detailsLink?: (id: string) => To;
};

const skeletonRows = 3;

const columnLabels: Record<SortField, string> = { name: 'Name', created: 'Creation date', 'last-used': 'Last used', expires: 'Expires', revoked: 'Revoked' };

// The cards' sort menu says in words what a header's arrow says.
const orderLabels: Record<SortField, Record<Sort['direction'], string>> = {
  name: { asc: 'Name, A to Z', desc: 'Name, Z to A' },
  created: { desc: 'Newest first', asc: 'Oldest first' },
  'last-used': { desc: 'Most recently used first', asc: 'Least recently used first' },
  expires: { asc: 'Expiring soonest first', desc: 'Expiring latest first' },
  revoked: { desc: 'Most recently revoked first', asc: 'Earliest revoked first' },
};

/** One tab's keys: a table (or cards), or its loading, empty, no-match or error state. */
export function ApiKeysTable({
  status,
  keys: refs,
  fetching,
  error,
  onRetry,
  search,
  expiring = false,
  pagination,
  onRevoke,
  onRotate,
  onRename,
  onAdd,
  layout = 'table',
  sort,
  onSort,
  detailsLink,
}: ApiKeysTableProps) {
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
          <Text fw={500} ta="center" style={{ overflowWrap: 'anywhere' }}>
            No keys match “{search}”
          </Text>
          <Text size="sm" c="gray.7" ta="center">
            Check the spelling, or search for another name or the last characters of a key.
          </Text>
        </Stack>
      );
    }
    if (expiring) {
      return (
        <Stack align="center" gap={4} py="xl">
          <IconKey size={32} aria-hidden color="var(--mantine-color-gray-6)" />
          <Text fw={500} ta="center">
            No active keys expire within {soonDays} days
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

  const loading = fetching && !keys;
  // Only active keys can be revoked, rotated or renamed.
  const actions: KeyActions = active ? { onRevoke, onRotate, onRename } : {};
  const list =
    layout === 'cards' ? (
      <KeyCards label={label} keys={keys} loading={loading} fetching={fetching} actions={actions} detailsLink={detailsLink} />
    ) : (
      <KeyTable
        label={label}
        active={active}
        keys={keys}
        loading={loading}
        fetching={fetching}
        actions={actions}
        detailsLink={detailsLink}
        sort={sort}
        onSort={onSort}
      />
    );

  return (
    <Stack gap="sm">
      {layout === 'cards' && sort && onSort && <SortSelect tab={active ? 'active' : 'revoked'} sort={sort} onSort={onSort} />}
      {list}
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

type ListProps = {
  label: string;
  keys?: ApiKey[] | null;
  /** The first page is on its way: nothing to show yet. */
  loading: boolean;
  /** A page is on its way: the shown one is dimmed. */
  fetching: boolean;
  actions: KeyActions;
  detailsLink?: (id: string) => To;
};

const hasActions = ({ onRevoke, onRotate, onRename }: KeyActions) => !!(onRevoke || onRotate || onRename);

// Name and people take the width that is left (cut with "…"); keys, times and the action keep theirs.
const flexible = (share: string) => ({ maxWidth: 0, width: share });
const nowrap = { whiteSpace: 'nowrap' } as const;

function KeyTable({ label, active, keys, loading, fetching, actions, detailsLink, sort, onSort }: ListProps & { active: boolean; sort?: Sort; onSort?: (sort: Sort) => void }) {
  const header = (field: SortField, style?: CSSProperties) =>
    sort && onSort ? (
      <SortableHeader
        key={field}
        label={columnLabels[field]}
        sorted={sort.field === field ? sort.direction : undefined}
        onSort={() => onSort(nextSort(sort, field))}
        style={style}
      />
    ) : (
      <Table.Th key={field} style={style}>
        {columnLabels[field]}
      </Table.Th>
    );
  const withActions = hasActions(actions);
  const columnCount = (active ? 6 : 7) + (withActions ? 1 : 0);
  // A click anywhere on a row opens the key's details: it follows the row's link (the
  // name, which the keyboard reaches); not a click on a control of the row, nor one that
  // selects text.
  const openRow = (e: MouseEvent<HTMLTableRowElement>) => {
    if ((e.target as Element).closest('a, button, input, [role="menu"], [role="menuitem"]')) return;
    if (window.getSelection()?.toString()) return;
    e.currentTarget.querySelector<HTMLAnchorElement>('a[href]')?.click();
  };

  return (
    <Table aria-label={label} aria-busy={fetching} verticalSpacing="sm" highlightOnHover>
      <Table.Thead>
        <Table.Tr>
          {header('name', flexible(active ? '60%' : '45%'))}
          <Table.Th>Key</Table.Th>
          <Table.Th style={flexible(active ? '40%' : '20%')}>Created by</Table.Th>
          {header('created')}
          {header('last-used')}
          {active && header('expires')}
          {!active && (
            <>
              {header('revoked')}
              <Table.Th style={flexible('35%')}>Reason</Table.Th>
            </>
          )}
          {withActions && (
            <Table.Th w={1}>
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
          )}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody style={fetching && !loading ? { opacity: 0.6 } : undefined}>
        {loading
          ? Array.from({ length: skeletonRows }, (_, i) => (
              <Table.Tr key={i} data-testid="skeleton-row">
                {Array.from({ length: columnCount }, (_, j) => (
                  <Table.Td key={j}>
                    <Skeleton height={14} radius="sm" />
                  </Table.Td>
                ))}
              </Table.Tr>
            ))
          : keys?.map((k) => (
              <Table.Tr
                key={k.id}
                data-revoked={!active || undefined}
                style={{ ...(active ? undefined : revokedStyle), cursor: detailsLink ? 'pointer' : undefined }}
                onClick={detailsLink ? openRow : undefined}
              >
                <Table.Td style={flexible(active ? '60%' : '45%')}>
                  <Group gap="xs" wrap="nowrap" miw={0}>
                    <TruncatedText fw={500} size="sm" to={detailsLink?.(k.id)}>
                      {displayText(k.name)}
                    </TruncatedText>
                    <RoleBadge role={k.serviceAccount.role} />
                  </Group>
                </Table.Td>
                <Table.Td style={nowrap}>
                  <Code style={nowrap}>{k.maskedKey}</Code>
                </Table.Td>
                <Table.Td style={flexible(active ? '40%' : '20%')}>
                  <Actor name={k.createdByName} kind={k.createdByKind} />
                </Table.Td>
                <Table.Td style={nowrap}>
                  <Timestamp value={k.createdAt} />
                </Table.Td>
                <Table.Td style={nowrap}>{k.lastUsedAt ? <Timestamp value={k.lastUsedAt} relative /> : 'Never'}</Table.Td>
                {active && (
                  <Table.Td style={nowrap}>
                    <Expiry expiresAt={k.expiresAt} />
                  </Table.Td>
                )}
                {!active && (
                  <>
                    <Table.Td style={nowrap}>{k.revokedAt ? <Timestamp value={k.revokedAt} /> : '—'}</Table.Td>
                    <Table.Td style={flexible('35%')}>
                      <Reason apiKey={k} />
                    </Table.Td>
                  </>
                )}
                {withActions && (
                  <Table.Td ta="right" style={nowrap}>
                    <Group gap={4} wrap="nowrap" justify="flex-end">
                      {actions.onRevoke && <RevokeIcon apiKey={k} onRevoke={actions.onRevoke} />}
                      <MoreActions apiKey={k} actions={actions} />
                    </Group>
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
      </Table.Tbody>
    </Table>
  );
}

const revokedStyle = { color: 'var(--mantine-color-gray-7)', background: 'var(--mantine-color-gray-0)' };

/** One card per key, its actions in its top corner: for screens too narrow for the table's columns. */
function KeyCards({ label, keys, loading, fetching, actions, detailsLink }: ListProps) {
  return (
    <Stack component="ul" aria-label={label} aria-busy={fetching} gap="sm" m={0} p={0} style={{ listStyle: 'none', opacity: fetching && !loading ? 0.6 : undefined }}>
      {loading
        ? Array.from({ length: skeletonRows }, (_, i) => (
            <Paper component="li" withBorder p="sm" key={i} data-testid="skeleton-row">
              <Skeleton height={14} radius="sm" mb="xs" width="60%" />
              <Skeleton height={12} radius="sm" width="80%" />
            </Paper>
          ))
        : keys?.map((k) => {
            const revoked = k.status === 'REVOKED';
            return (
              <Paper component="li" withBorder p="sm" key={k.id} data-revoked={revoked || undefined} style={revoked ? revokedStyle : undefined}>
                <Group justify="space-between" align="flex-start" wrap="nowrap" gap="xs">
                  <Stack gap={4} miw={0} style={{ flex: 1 }}>
                    <Group gap="xs" wrap="nowrap" miw={0} align="flex-start">
                      <TruncatedText fw={500} lines={2} to={detailsLink?.(k.id)}>
                        {displayText(k.name)}
                      </TruncatedText>
                      <RoleBadge role={k.serviceAccount.role} />
                    </Group>
                    <Code style={{ ...nowrap, alignSelf: 'flex-start' }}>{k.maskedKey}</Code>
                  </Stack>
                  {!revoked && hasActions(actions) && (
                    <Group gap={6} wrap="nowrap" style={{ flexShrink: 0 }}>
                      {actions.onRevoke && (
                        <Button
                          variant="default"
                          size="xs"
                          leftSection={<IconBan size={16} aria-hidden color="var(--mantine-color-red-8)" />}
                          aria-label={`Revoke API key ${displayText(k.name)}`}
                          onClick={() => actions.onRevoke?.(toRef(k))}
                        >
                          Revoke
                        </Button>
                      )}
                      <MoreActions apiKey={k} actions={actions} card />
                    </Group>
                  )}
                </Group>
                <Stack gap={2} mt="xs">
                  <Fact label="Created">
                    <Timestamp value={k.createdAt} /> by <Actor name={k.createdByName} kind={k.createdByKind} inline />
                  </Fact>
                  <Fact label="Last used">{k.lastUsedAt ? <Timestamp value={k.lastUsedAt} relative /> : 'Never'}</Fact>
                  {!revoked && (
                    <Fact label="Expires">
                      <Expiry expiresAt={k.expiresAt} inline />
                    </Fact>
                  )}
                  {revoked && (
                    <Fact label="Revoked">
                      {k.revokedAt ? <Timestamp value={k.revokedAt} /> : '—'}
                      {k.revokedByName && k.revokedByKind !== 'SYSTEM' && (
                        <>
                          {' '}
                          by <Actor name={k.revokedByName} kind={k.revokedByKind} inline />
                        </>
                      )}
                    </Fact>
                  )}
                  {revoked && k.revocationReason && k.revocationReason !== 'MANUAL' && <Fact label="Reason">{reasonLabels[k.revocationReason]}</Fact>}
                </Stack>
              </Paper>
            );
          })}
    </Stack>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
      <Text span size="sm" c="gray.7">
        {label}:
      </Text>{' '}
      {children}
    </Text>
  );
}

/** The sort menu of the cards, which have no column headers. */
function SortSelect({ tab, sort, onSort }: { tab: 'active' | 'revoked'; sort: Sort; onSort: (sort: Sort) => void }) {
  const data = sortFields(tab).flatMap((field) =>
    (['desc', 'asc'] as const).map((direction) => ({ value: `${field}:${direction}`, label: orderLabels[field][direction] })),
  );
  return (
    <Select
      label="Sort by"
      data={data}
      value={`${sort.field}:${sort.direction}`}
      onChange={(value) => {
        if (!value) return;
        const [field, direction] = value.split(':') as [SortField, Sort['direction']];
        onSort({ field, direction });
      }}
      allowDeselect={false}
      // All eight orders at once: a dropdown that scrolls is a region a keyboard cannot reach (axe).
      maxDropdownHeight={400}
      w={260}
      maw="100%"
    />
  );
}

/** A header's click: the other direction on the sorted column, a column's first direction on another. */
function nextSort(sort: Sort, field: SortField): Sort {
  if (sort.field === field) return { field, direction: sort.direction === 'asc' ? 'desc' : 'asc' };
  return { field, direction: firstDirection(field) };
}

function toRef(k: ApiKey): KeyRef {
  return { id: k.id, name: k.name, maskedKey: k.maskedKey };
}

function RevokeIcon({ apiKey, onRevoke }: { apiKey: ApiKey; onRevoke: (key: KeyRef) => void }) {
  return (
    <Tooltip label="Revoke" withArrow>
      <ActionIcon variant="subtle" color="red" aria-label={`Revoke API key ${displayText(apiKey.name)}`} onClick={() => onRevoke(toRef(apiKey))}>
        <IconBan size={18} aria-hidden />
      </ActionIcon>
    </Tooltip>
  );
}

/** The row's menu beside Revoke: Rotate and Rename. */
function MoreActions({ apiKey, actions, card = false }: { apiKey: ApiKey; actions: KeyActions; card?: boolean }) {
  const { onRotate, onRename } = actions;
  if (!onRotate && !onRename) return null;
  return (
    // No focus placeholder: a menu may hold only its items (axe: aria-required-children).
    <Menu position="bottom-end" withinPortal withInitialFocusPlaceholder={false}>
      <Menu.Target>
        <ActionIcon variant={card ? 'default' : 'subtle'} color={card ? undefined : 'gray.8'} size={card ? 30 : undefined} aria-label={`More actions for ${displayText(apiKey.name)}`}>
          <IconDots size={18} aria-hidden />
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>
        {onRotate && (
          <Menu.Item leftSection={<IconRefresh size={16} aria-hidden />} onClick={() => onRotate({ ...toRef(apiKey), expiresAt: apiKey.expiresAt, allowedNetworks: apiKey.allowedNetworks })}>
            Rotate
          </Menu.Item>
        )}
        {onRename && (
          <Menu.Item leftSection={<IconPencil size={16} aria-hidden />} onClick={() => onRename(toRef(apiKey))}>
            Rename
          </Menu.Item>
        )}
      </Menu.Dropdown>
    </Menu>
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
