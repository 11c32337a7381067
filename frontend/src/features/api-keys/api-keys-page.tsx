import { useCallback, useMemo, useRef, useState, type RefObject } from 'react';
import { Alert, Anchor, Badge, Button, Group, Stack, Tabs, Text, TextInput } from '@mantine/core';
import { useDebouncedCallback, useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconClockExclamation, IconHistory, IconPlayerPlay, IconPlus, IconSearch } from '@tabler/icons-react';
import { Link, useLocation } from 'react-router';
import { useClient, useQuery } from 'urql';
import { graphql } from '../../gql';
import { errorMessage, fieldError } from '../../graphql/client';
import { useKeyEvents, type KeyEvent } from '../../graphql/key-events';
import { companySettings, PageHeader } from '../../layout/page-header';
import { useDocumentTitle } from '../../layout/document-title';
import { desktopBreakpoint, useScreenBelow } from '../../layout/screen';
import { displayText } from '../../lib/display-text';
import { useViewer } from '../../session/session';
import { AddApiKeyDialog, type CreateKeyResult, type NewApiKey } from './add-api-key-dialog';
import { ApiKeyAuditDrawer } from './api-key-audit-drawer';
import { ApiKeysTab } from './api-keys-tab';
import type { KeyRef, KeyToRotate } from './api-keys-table';
import { soonDays, soonThreshold } from './expiry';
import { KeyDetailsDrawer } from './key-details-drawer';
import { KeyPolicySection, type KeyPolicyError } from './key-policy-section';
import { RenameApiKeyDialog, type RenameError } from './rename-api-key-dialog';
import { RevokeApiKeyDialog } from './revoke-api-key-dialog';
import { RotateApiKeyDialog, type RotateKeyResult } from './rotate-api-key-dialog';
import { firstPage, useApiKeysView, writeView, defaultSort, type KeysTab, type Paging, type Sort } from './api-keys-view';

const ApiKeyCountsQuery = graphql(`
  query ApiKeyCounts {
    apiKeyCounts {
      active
      revoked
    }
  }
`);

const CreateApiKeyMutation = graphql(`
  mutation CreateApiKey($input: CreateAPIKeyInput!) {
    createAPIKey(input: $input) {
      secret
      apiKey {
        id
      }
    }
  }
`);

const ExpiringApiKeyCountQuery = graphql(`
  query ExpiringApiKeyCount($by: Time!) {
    apiKeys(status: ACTIVE, where: { expiresAtLTE: $by }, first: 1) {
      totalCount
    }
  }
`);

const KeyPolicyQuery = graphql(`
  query KeyPolicy {
    viewer {
      id
      organization {
        id
        keyPolicy {
          maxLifetimeDays
          requireExpiry
        }
      }
    }
  }
`);

const UpdateKeyPolicyMutation = graphql(`
  mutation UpdateKeyPolicy($input: UpdateKeyPolicyInput!) {
    updateKeyPolicy(input: $input) {
      keyPolicy {
        maxLifetimeDays
        requireExpiry
      }
    }
  }
`);

const RotateApiKeyMutation = graphql(`
  mutation RotateApiKey($input: RotateAPIKeyInput!) {
    rotateAPIKey(input: $input) {
      secret
      apiKey {
        id
      }
      previousKey {
        id
        status
        expiresAt
      }
    }
  }
`);

const RenameApiKeyMutation = graphql(`
  mutation RenameApiKey($input: UpdateAPIKeyInput!) {
    updateAPIKey(input: $input) {
      apiKey {
        id
        name
      }
    }
  }
`);

const RevokeApiKeyMutation = graphql(`
  mutation RevokeApiKey($input: RevokeAPIKeyInput!) {
    revokeAPIKey(input: $input) {
      apiKey {
        id
        status
        revokedAt
        revokedByName
      }
    }
  }
`);

// The counters don't mention an APIKey: name it, so creating or revoking one refreshes them.
const countsContext = { additionalTypenames: ['APIKey'] };

/** Administration > Company Settings > API Keys. */
export function ApiKeysPage() {
  const viewer = useViewer();
  const canManage = viewer.canManageKeys;
  // The key policy is the company's: people with the Admin role set it.
  const canSetPolicy = viewer.kind === 'USER' && viewer.role === 'ADMIN';
  const client = useClient();
  const { pathname } = useLocation();
  const { view, change } = useApiKeysView();
  const { tab, search, expiring } = view;
  useDocumentTitle(...(tab === 'revoked' ? ['Revoked Keys'] : []), 'API Keys', 'Administration');
  const layout = useScreenBelow(desktopBreakpoint) ? 'cards' : 'table';

  // The box shows what is typed at once; the URL (and the query) follow a moment later,
  // replacing their entry rather than adding one per keystroke.
  const [searchInput, setSearchInput] = useState(search);
  const [searchInUrl, setSearchInUrl] = useState(search);
  if (search !== searchInUrl) {
    // The URL changed by itself (back button, a link): show its search.
    setSearchInUrl(search);
    if (search !== searchInput.trim()) setSearchInput(search);
  }
  const searchLater = useDebouncedCallback((text: string) => change({ search: text.trim() }, { replace: true }), 300);
  const onSort = useCallback((sort: Sort) => change({ sort }), [change]);
  const onPage = useCallback((paging: Paging, options?: { replace?: boolean }) => change({ paging }, options), [change]);
  // A key's name leads to its details: the drawer over the same view, a link of its own.
  const detailsLink = useCallback((id: string) => ({ search: `?${writeView({ ...view, details: id }).toString()}` }), [view]);
  const closeDetails = useCallback(() => change({ details: undefined }), [change]);
  const [adding, addDialog] = useDisclosure(false);
  const [auditOpened, auditDrawer] = useDisclosure(false);
  const [revoking, setRevoking] = useState<KeyRef | null>(null);
  const [rotating, setRotating] = useState<KeyToRotate | null>(null);
  const [renaming, setRenaming] = useState<KeyRef | null>(null);
  const addButton = useRef<HTMLButtonElement>(null);
  const activeTab = useRef<HTMLButtonElement>(null);

  const [{ data: countsData }, reloadCounts] = useQuery({ query: ApiKeyCountsQuery, context: useMemo(() => countsContext, []) });
  // "Soon" is counted from when the page opened, and again after each change to the keys.
  const [soon, setSoon] = useState(() => soonThreshold(new Date()));
  const refreshSoon = useCallback(() => setSoon(soonThreshold(new Date())), []);
  const [{ data: expiringData }, reloadExpiring] = useQuery({
    query: ExpiringApiKeyCountQuery,
    variables: { by: soon },
    context: useMemo(() => countsContext, []),
  });
  const expiringCount = expiringData?.apiKeys.totalCount ?? 0;

  // A change by anyone (another admin, a key, the expiry sweeper, a leak report) brings the
  // counters with it; they hold until the counters are next fetched.
  const [liveCounts, setLiveCounts] = useState<KeyEvent['counts'] | null>(null);
  const [fetchedCounts, setFetchedCounts] = useState(countsData);
  if (countsData !== fetchedCounts) {
    setFetchedCounts(countsData);
    setLiveCounts(null);
  }
  const counts = liveCounts ?? countsData?.apiKeyCounts;
  useKeyEvents((event) => {
    if (event) setLiveCounts(event.counts);
    else reloadCounts({ requestPolicy: 'network-only' });
    reloadExpiring({ requestPolicy: 'network-only' });
  });
  const [{ data: policyData, error: policyError }, reloadPolicy] = useQuery({ query: KeyPolicyQuery });
  const policy = policyData?.viewer.organization.keyPolicy;

  // The mutations go through the client, not useMutation, so no hook state keeps the secret:
  // it is handed to the dialog, and forgotten with it.
  const createKey = useCallback(
    async (input: NewApiKey): Promise<CreateKeyResult> => {
      const result = await client.mutation(CreateApiKeyMutation, { input }).toPromise();
      const secret = result.data?.createAPIKey.secret;
      if (secret) {
        // Show the new key where it lands: first on Active Keys, newest first, no search.
        change({ tab: 'active', search: '', expiring: false, sort: defaultSort('active'), paging: firstPage });
        refreshSoon();
        return { secret };
      }
      return fieldError(result.error);
    },
    [client, change, refreshSoon],
  );

  const rotateKey = useCallback(
    async (key: KeyToRotate, previousKeyExpiresAt: string | null, allowedNetworks?: string[]): Promise<RotateKeyResult> => {
      const result = await client.mutation(RotateApiKeyMutation, { input: { id: key.id, previousKeyExpiresAt, allowedNetworks } }).toPromise();
      const rotated = result.data?.rotateAPIKey;
      if (rotated?.secret) {
        // The new key heads Active Keys, newest first; the old one works on beside it, or is gone.
        change({ tab: 'active', search: '', expiring: false, sort: defaultSort('active'), paging: firstPage });
        refreshSoon();
        const previous = rotated.previousKey;
        return { secret: rotated.secret, previousKeyWorksUntil: previous.status === 'ACTIVE' ? (previous.expiresAt ?? null) : null };
      }
      return fieldError(result.error);
    },
    [client, change, refreshSoon],
  );

  const renameKey = useCallback(
    async (key: KeyRef, name: string): Promise<RenameError | undefined> => {
      const result = await client.mutation(RenameApiKeyMutation, { input: { id: key.id, name } }).toPromise();
      if (result.error || !result.data) return fieldError(result.error);
      notifications.show({
        position: 'bottom-right',
        color: 'green',
        message: (
          <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
            Renamed {displayText(key.name)} ({key.maskedKey}) to {displayText(result.data.updateAPIKey.apiKey.name)}
          </Text>
        ),
      });
      return undefined;
    },
    [client],
  );

  const savePolicy = useCallback(
    async (input: { maxLifetimeDays: number | null; requireExpiry: boolean }): Promise<KeyPolicyError | undefined> => {
      const result = await client.mutation(UpdateKeyPolicyMutation, { input }).toPromise();
      if (result.error || !result.data) return fieldError(result.error);
      notifications.show({ position: 'bottom-right', color: 'green', message: 'Key policy saved. It applies to keys created or rotated from now on.' });
      return undefined;
    },
    [client],
  );

  const revokeKey = useCallback(
    async (key: KeyRef) => {
      const result = await client.mutation(RevokeApiKeyMutation, { input: { id: key.id } }).toPromise();
      if (result.error || !result.data) return errorMessage(result.error);
      refreshSoon();
      // The row vanishes from Active Keys: say what happened, and where the key went.
      const id = `revoked-${key.id}`;
      const revokedTab = writeView({ tab: 'revoked', search: '', expiring: false, sort: defaultSort('revoked'), paging: firstPage });
      notifications.show({
        id,
        position: 'bottom-right',
        color: 'green',
        // It carries a link: long enough to read and reach it (hovering pauses it).
        autoClose: 10_000,
        message: (
          <Stack gap={4} align="flex-start">
            <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
              Revoked {displayText(key.name)} ({key.maskedKey})
            </Text>
            <Anchor component={Link} to={{ pathname, search: revokedTab.toString() }} size="sm" onClick={() => notifications.hide(id)}>
              Show revoked keys
            </Anchor>
          </Stack>
        ),
      });
      return undefined;
    },
    [client, pathname, refreshSoon],
  );

  return (
    <>
      <PageHeader
        crumbs={[...companySettings, { label: 'API Keys' }]}
        title="API Keys"
        description="Create and manage API keys for programmatic access: each key belongs to a service account that external systems and scripts use to call the API."
        actions={
          <>
            <Button variant="default" leftSection={<IconHistory size={16} aria-hidden />} onClick={auditDrawer.open}>
              Audit trail
            </Button>
            <Button variant="default" component={Link} to="/playground" leftSection={<IconPlayerPlay size={16} aria-hidden />}>
              GraphQL Playground
            </Button>
            {canManage && (
              <Button ref={addButton} leftSection={<IconPlus size={16} aria-hidden />} onClick={addDialog.open}>
                Add API Key
              </Button>
            )}
          </>
        }
      />

      <ExpiringNotice
        count={expiringCount}
        filtering={expiring}
        onShow={() => {
          refreshSoon();
          change({ tab: 'active', expiring: true, sort: { field: 'expires', direction: 'asc' } });
        }}
        onClear={() => change({ expiring: false })}
      />

      {/* Only the open tab is mounted: the view's sort and page belong to it alone. */}
      <Tabs value={tab} onChange={(v) => v && change({ tab: v as KeysTab })} keepMounted={false}>
        <Group justify="space-between" align="flex-end" gap="md" mb="md" wrap="wrap">
          <Tabs.List>
            <Tabs.Tab value="active" ref={activeTab} rightSection={<CountBadge value={counts?.active} active={tab === 'active'} />}>
              Active Keys
            </Tabs.Tab>
            <Tabs.Tab value="revoked" rightSection={<CountBadge value={counts?.revoked} active={tab === 'revoked'} />}>
              Revoked Keys
            </Tabs.Tab>
          </Tabs.List>
          <TextInput
            type="search"
            label="Search"
            placeholder="Name or key ending, e.g. ERP or …ExxQ"
            leftSection={<IconSearch size={16} aria-hidden />}
            value={searchInput}
            onChange={(e) => {
              setSearchInput(e.currentTarget.value);
              searchLater(e.currentTarget.value);
            }}
            w={320}
            maw="100%"
          />
        </Group>
        <Tabs.Panel value="active">
          <ApiKeysTab
            status="ACTIVE"
            search={search}
            expiringBy={expiring ? soon : undefined}
            sort={view.sort}
            onSort={onSort}
            paging={view.paging}
            onPage={onPage}
            layout={layout}
            detailsLink={detailsLink}
            onRevoke={canManage ? setRevoking : undefined}
            onRotate={canManage ? setRotating : undefined}
            onRename={canManage ? setRenaming : undefined}
            onAdd={canManage ? addDialog.open : undefined}
          />
        </Tabs.Panel>
        <Tabs.Panel value="revoked">
          <ApiKeysTab
            status="REVOKED"
            search={search}
            sort={view.sort}
            onSort={onSort}
            paging={view.paging}
            onPage={onPage}
            layout={layout}
            detailsLink={detailsLink}
          />
        </Tabs.Panel>
      </Tabs>

      {canSetPolicy && (
        <Stack mt="xl">
          <KeyPolicySection
            policy={policy}
            error={policyError ? errorMessage(policyError) : undefined}
            onRetry={() => reloadPolicy({ requestPolicy: 'network-only' })}
            onSave={savePolicy}
          />
        </Stack>
      )}

      <AddApiKeyDialog opened={adding} onClose={addDialog.close} onCreate={createKey} onClosed={() => keepFocus(addButton)} policy={policy} />
      <RevokeApiKeyDialog apiKey={revoking} onClose={() => setRevoking(null)} onConfirm={revokeKey} onClosed={() => keepFocus(activeTab)} />
      <RotateApiKeyDialog apiKey={rotating} onClose={() => setRotating(null)} onRotate={rotateKey} onClosed={() => keepFocus(activeTab)} />
      <RenameApiKeyDialog apiKey={renaming} onClose={() => setRenaming(null)} onRename={renameKey} onClosed={() => keepFocus(activeTab)} />
      <ApiKeyAuditDrawer opened={auditOpened} onClose={auditDrawer.close} />
      <KeyDetailsDrawer keyId={view.details} onClose={closeDetails} canManage={canManage} />
    </>
  );
}

// A dialog gives focus back to what opened it; when that is gone (the revoked row, the
// empty state's button), focus a sensible neighbour instead of the page's body.
function keepFocus(fallback: RefObject<HTMLElement | null>) {
  if (!document.activeElement || document.activeElement === document.body) fallback.current?.focus();
}

/**
 * Says how many active keys expire within soonDays, with a way to list just them; while
 * they are listed, a way back to all keys.
 */
function ExpiringNotice({ count, filtering, onShow, onClear }: { count: number; filtering: boolean; onShow: () => void; onClear: () => void }) {
  if (!filtering && count === 0) return null;
  const keys = count === 1 ? '1 key expires' : `${count} keys expire`;
  return (
    // A note, not an alarm: role="status" rather than Mantine's role="alert".
    <Alert role="status" color="yellow" icon={<IconClockExclamation size={18} aria-hidden />} mb="md" p="sm">
      <Group justify="space-between" gap="xs" wrap="wrap">
        <Text size="sm" fw={500}>
          {filtering ? `Showing the active keys that expire within ${soonDays} days` : `${keys} within ${soonDays} days`}
        </Text>
        {filtering ? (
          <Button size="xs" variant="default" onClick={onClear}>
            Show all keys
          </Button>
        ) : (
          <Button size="xs" variant="default" onClick={onShow}>
            Show expiring keys
          </Button>
        )}
      </Group>
    </Alert>
  );
}

function CountBadge({ value, active }: { value?: number; active: boolean }) {
  return (
    <Badge size="sm" variant={active ? 'filled' : 'light'} circle={value !== undefined && value < 10}>
      {value ?? '–'}
    </Badge>
  );
}
