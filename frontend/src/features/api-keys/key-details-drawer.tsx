import { useEffect, useId, useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { Badge, Button, Code, DataList, Drawer, Group, List, Skeleton, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPencil } from '@tabler/icons-react';
import { useMutation, useQuery } from 'urql';
import { ErrorAlert } from '../../components/error-alert';
import { SubmitButton } from '../../components/submit-button';
import { LoadError } from '../../components/load-error';
import { TruncatedText } from '../../components/truncated-text';
import { graphql, useFragment, type FragmentType } from '../../gql';
import type { KeyDetails_ApiKeyFragment as ApiKey } from '../../gql/graphql';
import { errorCode, errorMessage, fieldError, type FieldError } from '../../graphql/client';
import { useKeyEvents } from '../../graphql/key-events';
import { displayText } from '../../lib/display-text';
import { AuditTrail } from '../audit/audit-trail';
import { TimeAgo, Timestamp } from '../audit/timestamp';
import { AllowedNetworksField } from './allowed-networks-field';
import { formatNetworks, parseNetworks, sameNetworks } from './allowed-networks';
import { Actor, Expiry, Reason, RoleBadge } from './key-facts';

export const KeyDetails_ApiKeyFragment = graphql(`
  fragment KeyDetails_ApiKey on APIKey {
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
    recentClients {
      address
      userAgent
      lastSeenAt
    }
    serviceAccount {
      id
      role
    }
  }
`);

const KeyDetailsQuery = graphql(`
  query KeyDetails($id: ID!) {
    node(id: $id) {
      __typename
      id
      ... on APIKey {
        ...KeyDetails_ApiKey
      }
    }
  }
`);

const UpdateAllowedNetworksMutation = graphql(`
  mutation UpdateAllowedNetworks($input: UpdateAPIKeyInput!) {
    updateAPIKey(input: $input) {
      apiKey {
        id
        allowedNetworks
      }
    }
  }
`);

export type KeyDetailsDrawerProps = {
  /** The id of the key to show; none closes the drawer. */
  keyId?: string;
  onClose: () => void;
  /** Whether the viewer may change keys (an active key's allowed networks). */
  canManage: boolean;
};

/**
 * A key's details in a drawer: what the table says and more, its allowed networks (which
 * admins change in place), the addresses it was used from, and its audit events.
 */
export function KeyDetailsDrawer({ keyId, onClose, canManage }: KeyDetailsDrawerProps) {
  // Keep showing the key while the drawer slides out after keyId went.
  const [shown, setShown] = useState(keyId);
  if (keyId && keyId !== shown) setShown(keyId);
  return (
    <Drawer opened={!!keyId} onClose={onClose} position="right" size="xl" title="API key details">
      {/* Keyed by the key: another key starts from its own state (not editing, its events). */}
      {shown && <KeyDetails key={shown} id={shown} canManage={canManage} />}
    </Drawer>
  );
}

function KeyDetails({ id, canManage }: { id: string; canManage: boolean }) {
  const [{ data, fetching, error }, reexecute] = useQuery({ query: KeyDetailsQuery, variables: { id } });
  const [, update] = useMutation(UpdateAllowedNetworksMutation);
  const node = data?.node?.__typename === 'APIKey' ? data.node : null;
  // Someone else revoked, renamed or rotated it: show the key as it is now.
  useKeyEvents((event) => {
    if (!event || event.apiKey.id === id) reexecute({ requestPolicy: 'network-only' });
  });

  if (!data && fetching) return <DetailsSkeleton />;
  if (errorCode(error) === 'NOT_FOUND' || (data && !node)) {
    return <ErrorAlert title="API key not found">There is no key with this link in your company. It may have been mistyped.</ErrorAlert>;
  }
  if (error && !node) return <LoadError title="Could not load the API key" message={errorMessage(error)} onRetry={() => reexecute({ requestPolicy: 'network-only' })} />;
  if (!node) return null;

  const saveNetworks = async (key: ApiKey, allowedNetworks: string[]): Promise<FieldError | undefined> => {
    // The change is audited: the key's events show it at once.
    const result = await update({ input: { id: key.id, allowedNetworks } }, { additionalTypenames: ['AuditEntry'] });
    if (result.error || !result.data) return fieldError(result.error);
    notifications.show({
      position: 'bottom-right',
      color: 'green',
      message: (
        <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
          Saved the allowed networks of {displayText(key.name)} ({key.maskedKey})
        </Text>
      ),
    });
    return undefined;
  };
  return <KeyDetailsView apiKey={node} canManage={canManage} onSaveNetworks={saveNetworks} />;
}

type KeyDetailsViewProps = {
  apiKey: FragmentType<typeof KeyDetails_ApiKeyFragment>;
  canManage: boolean;
  /** Sets the key's networks; resolves to what went wrong, or undefined when it worked. */
  onSaveNetworks: (key: ApiKey, allowedNetworks: string[]) => Promise<FieldError | undefined>;
};

/** A loaded key: the facts, allowed networks, recent clients and events. */
function KeyDetailsView({ apiKey, canManage, onSaveNetworks }: KeyDetailsViewProps) {
  const k = useFragment(KeyDetails_ApiKeyFragment, apiKey);
  const active = k.status === 'ACTIVE';
  const where = useMemo(() => ({ targetID: k.id }), [k.id]);
  return (
    <Stack gap="lg">
      <Stack gap="xs">
        <Title order={3} size="h3">
          <TruncatedText lines={3} inherit>
            {displayText(k.name)}
          </TruncatedText>
        </Title>
        <Group gap="xs">
          <Code>{k.maskedKey}</Code>
          <RoleBadge role={k.serviceAccount.role} />
          <StatusBadge apiKey={k} />
        </Group>
      </Stack>

      <DataList labelWidth={110} styles={{ itemValue: { minWidth: 0, overflowWrap: 'anywhere' } }}>
        {!active && (
          <Fact label="Revoked">
            {k.revokedAt ? <Timestamp value={k.revokedAt} /> : '—'}
            <Reason apiKey={k} />
          </Fact>
        )}
        <Fact label="Created">
          <Timestamp value={k.createdAt} /> by <Actor name={k.createdByName} kind={k.createdByKind} inline />
        </Fact>
        <Fact label="Expires">{active ? <Expiry expiresAt={k.expiresAt} inline /> : k.expiresAt ? <Timestamp value={k.expiresAt} /> : 'Never'}</Fact>
        <Fact label="Last used">{k.lastUsedAt ? <Timestamp value={k.lastUsedAt} relative /> : 'Never used'}</Fact>
      </DataList>

      <AllowedNetworks apiKey={k} canEdit={canManage && active} readOnlyNote={canManage && !active} onSave={onSaveNetworks} />
      <RecentClients clients={k.recentClients} used={!!k.lastUsedAt} />

      <Section title="Events">
        <AuditTrail where={where} label="Events of this key" emptyMessage="No events yet" live />
      </Section>
    </Stack>
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

/** A part of the drawer, named by its heading. */
function Section({ title, action, children }: { title: string; action?: ReactNode; children: ReactNode }) {
  const id = useId();
  return (
    <Stack component="section" aria-labelledby={id} gap="xs">
      <Group justify="space-between" gap="xs" mih={30}>
        <Title order={4} size="h5" id={id}>
          {title}
        </Title>
        {action}
      </Group>
      {children}
    </Stack>
  );
}

/** Active, Revoked, or Expired (a key the server ended at its expiry). */
function StatusBadge({ apiKey: k }: { apiKey: ApiKey }) {
  const [label, color] = k.status === 'ACTIVE' ? ['Active', 'teal.9'] : k.revocationReason === 'EXPIRED' ? ['Expired', 'red.9'] : ['Revoked', 'gray.7'];
  return (
    <Badge size="sm" variant="filled" color={color} tt="none">
      {label}
    </Badge>
  );
}

/** The networks the key may be used from: a list, or "Any address"; admins edit an active key's in place. */
function AllowedNetworks({
  apiKey: k,
  canEdit,
  readOnlyNote,
  onSave,
}: {
  apiKey: ApiKey;
  canEdit: boolean;
  /** Say why an admin cannot change them (the key is revoked). */
  readOnlyNote: boolean;
  onSave: KeyDetailsViewProps['onSaveNetworks'];
}) {
  const [editing, setEditing] = useState(false);
  const editButton = useRef<HTMLButtonElement>(null);
  // Back from editing, focus returns to Edit (the form that had it is gone).
  const wasEditing = useRef(editing);
  useEffect(() => {
    if (wasEditing.current && !editing) editButton.current?.focus();
    wasEditing.current = editing;
  }, [editing]);

  const edit = canEdit && !editing && (
    <Button ref={editButton} size="xs" variant="default" leftSection={<IconPencil size={14} aria-hidden />} onClick={() => setEditing(true)}>
      Edit <VisuallyHidden>allowed networks</VisuallyHidden>
    </Button>
  );
  return (
    <Section title="Allowed networks" action={edit}>
      {editing ? (
        <NetworksForm apiKey={k} onSave={onSave} onDone={() => setEditing(false)} />
      ) : k.allowedNetworks.length === 0 ? (
        <Text size="sm">Any address</Text>
      ) : (
        <List size="sm" spacing={4} aria-label="Allowed networks">
          {k.allowedNetworks.map((n) => (
            <List.Item key={n}>
              <Code style={{ overflowWrap: 'anywhere' }}>{n}</Code>
            </List.Item>
          ))}
        </List>
      )}
      {!editing && (
        <Text size="xs" c="gray.7">
          {k.allowedNetworks.length === 0 ? 'The key works from anywhere.' : 'From any other address the key is refused.'}
          {readOnlyNote && ' A revoked key cannot be changed.'}
        </Text>
      )}
    </Section>
  );
}

function NetworksForm({ apiKey: k, onSave, onDone }: { apiKey: ApiKey; onSave: KeyDetailsViewProps['onSaveNetworks']; onDone: () => void }) {
  const [text, setText] = useState(() => formatNetworks(k.allowedNetworks));
  const [saving, setSaving] = useState(false);
  const [fieldErr, setFieldErr] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const field = useRef<HTMLTextAreaElement>(null);
  useEffect(() => field.current?.focus(), []);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (saving) return;
    const networks = parseNetworks(text);
    setFormError(null);
    // Nothing to change: no request, no audit entry.
    if (sameNetworks(networks, k.allowedNetworks)) {
      onDone();
      return;
    }
    setSaving(true);
    const result = await onSave(k, networks);
    setSaving(false);
    if (!result) {
      onDone();
      return;
    }
    if (result.field === 'allowedNetworks') setFieldErr(result.error);
    else setFormError(result.error);
    field.current?.focus();
  }

  return (
    <form onSubmit={(event) => void submit(event)} noValidate aria-busy={saving}>
      <Stack gap="sm">
        <AllowedNetworksField
          ref={field}
          // The section's heading says it already; screen readers still hear the field's name.
          label={<VisuallyHidden>Allowed networks</VisuallyHidden>}
          value={text}
          readOnly={saving}
          onChange={(value) => {
            setText(value);
            if (fieldErr) setFieldErr(null);
          }}
          // Escape gives up the edit, not the whole drawer (Mantine's drawer skips events from such a target).
          data-mantine-stop-propagation
          onKeyDown={(e) => {
            if (e.key === 'Escape' && !saving) onDone();
          }}
          error={fieldErr}
        />
        {formError && <ErrorAlert title="The networks were not saved">{formError}</ErrorAlert>}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onDone} disabled={saving}>
            Cancel
          </Button>
          <SubmitButton busy={saving} busyLabel="Saving…">
            Save
          </SubmitButton>
        </Group>
      </Stack>
    </form>
  );
}

const nowrap = { whiteSpace: 'nowrap' } as const;

/** The last addresses the key was used from, newest first. */
function RecentClients({ clients, used }: { clients: ApiKey['recentClients']; used: boolean }) {
  return (
    <Section title="Recent clients">
      {clients.length === 0 ? (
        // Keys used before addresses were recorded have a last use but no address.
        <Text size="sm">{used ? 'No address recorded yet' : 'Not used yet'}</Text>
      ) : (
        <Table aria-label="Recent clients" verticalSpacing="xs" layout="fixed">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w="34%">Address</Table.Th>
              <Table.Th>User agent</Table.Th>
              <Table.Th w={120}>Last seen</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {clients.map((c) => (
              <Table.Tr key={c.address}>
                <Table.Td>
                  <Text size="sm" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
                    {c.address}
                  </Text>
                </Table.Td>
                <Table.Td>
                  {c.userAgent ? (
                    <TruncatedText size="sm">{displayText(c.userAgent)}</TruncatedText>
                  ) : (
                    <Text size="sm" c="gray.7">
                      —
                    </Text>
                  )}
                </Table.Td>
                <Table.Td style={nowrap}>
                  <TimeAgo value={c.lastSeenAt} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Section>
  );
}

function DetailsSkeleton() {
  return (
    <Stack gap="sm" aria-busy>
      <VisuallyHidden>Loading the API key…</VisuallyHidden>
      <Skeleton height={24} width="70%" radius="sm" />
      <Skeleton height={16} width="40%" radius="sm" />
      <Skeleton height={14} radius="sm" />
      <Skeleton height={14} radius="sm" />
      <Skeleton height={14} width="60%" radius="sm" />
    </Stack>
  );
}
