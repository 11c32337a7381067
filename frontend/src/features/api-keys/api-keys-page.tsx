import { useCallback, useMemo, useRef, useState, type RefObject } from 'react';
import { Anchor, Badge, Button, Group, Stack, Tabs, Text, TextInput } from '@mantine/core';
import { useDebouncedCallback, useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconHistory, IconPlayerPlay, IconPlus, IconSearch } from '@tabler/icons-react';
import { Link, useLocation } from 'react-router';
import { useClient, useQuery } from 'urql';
import { graphql } from '../../gql';
import { errorMessage } from '../../graphql/client';
import { companySettings, PageHeader } from '../../layout/page-header';
import { useDocumentTitle } from '../../layout/document-title';
import { desktopBreakpoint, useScreenBelow } from '../../layout/screen';
import { displayText } from '../../lib/display-text';
import { useViewer } from '../../session/session';
import { AddApiKeyDialog, type CreateKeyResult } from './add-api-key-dialog';
import { ApiKeyAuditDrawer } from './api-key-audit-drawer';
import { ApiKeysTab } from './api-keys-tab';
import type { KeyToRevoke } from './api-keys-table';
import { RevokeApiKeyDialog } from './revoke-api-key-dialog';
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
  const client = useClient();
  const { pathname } = useLocation();
  const { view, change } = useApiKeysView();
  const { tab, search } = view;
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
  const [adding, addDialog] = useDisclosure(false);
  const [auditOpened, auditDrawer] = useDisclosure(false);
  const [revoking, setRevoking] = useState<KeyToRevoke | null>(null);
  const addButton = useRef<HTMLButtonElement>(null);
  const activeTab = useRef<HTMLButtonElement>(null);

  const [{ data: counts }] = useQuery({ query: ApiKeyCountsQuery, context: useMemo(() => countsContext, []) });

  // The mutations go through the client, not useMutation, so no hook state keeps the secret:
  // it is handed to the dialog, and forgotten with it.
  const createKey = useCallback(
    async (input: { name: string; role: 'VIEWER' | 'ADMIN' }): Promise<CreateKeyResult> => {
      const result = await client.mutation(CreateApiKeyMutation, { input }).toPromise();
      const secret = result.data?.createAPIKey.secret;
      if (secret) {
        // Show the new key where it lands: first on Active Keys, newest first, no search.
        change({ tab: 'active', search: '', sort: defaultSort('active'), paging: firstPage });
        return { secret };
      }
      const extensions = result.error?.graphQLErrors[0]?.extensions;
      const field = extensions?.code === 'BAD_USER_INPUT' && typeof extensions.field === 'string' ? extensions.field : undefined;
      return { error: errorMessage(result.error), field };
    },
    [client, change],
  );

  const revokeKey = useCallback(
    async (key: KeyToRevoke) => {
      const result = await client.mutation(RevokeApiKeyMutation, { input: { id: key.id } }).toPromise();
      if (result.error || !result.data) return errorMessage(result.error);
      // The row vanishes from Active Keys: say what happened, and where the key went.
      const id = `revoked-${key.id}`;
      const revokedTab = writeView({ tab: 'revoked', search: '', sort: defaultSort('revoked'), paging: firstPage });
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
    [client, pathname],
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

      {/* Only the open tab is mounted: the view's sort and page belong to it alone. */}
      <Tabs value={tab} onChange={(v) => v && change({ tab: v as KeysTab })} keepMounted={false}>
        <Group justify="space-between" align="flex-end" gap="md" mb="md" wrap="wrap">
          <Tabs.List>
            <Tabs.Tab value="active" ref={activeTab} rightSection={<CountBadge value={counts?.apiKeyCounts.active} active={tab === 'active'} />}>
              Active Keys
            </Tabs.Tab>
            <Tabs.Tab value="revoked" rightSection={<CountBadge value={counts?.apiKeyCounts.revoked} active={tab === 'revoked'} />}>
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
            sort={view.sort}
            onSort={onSort}
            paging={view.paging}
            onPage={onPage}
            layout={layout}
            onRevoke={canManage ? setRevoking : undefined}
            onAdd={canManage ? addDialog.open : undefined}
          />
        </Tabs.Panel>
        <Tabs.Panel value="revoked">
          <ApiKeysTab status="REVOKED" search={search} sort={view.sort} onSort={onSort} paging={view.paging} onPage={onPage} layout={layout} />
        </Tabs.Panel>
      </Tabs>

      <AddApiKeyDialog opened={adding} onClose={addDialog.close} onCreate={createKey} onClosed={() => keepFocus(addButton)} />
      <RevokeApiKeyDialog apiKey={revoking} onClose={() => setRevoking(null)} onConfirm={revokeKey} onClosed={() => keepFocus(activeTab)} />
      <ApiKeyAuditDrawer opened={auditOpened} onClose={auditDrawer.close} />
    </>
  );
}

// A dialog gives focus back to what opened it; when that is gone (the revoked row, the
// empty state's button), focus a sensible neighbour instead of the page's body.
function keepFocus(fallback: RefObject<HTMLElement | null>) {
  if (!document.activeElement || document.activeElement === document.body) fallback.current?.focus();
}

function CountBadge({ value, active }: { value?: number; active: boolean }) {
  return (
    <Badge size="sm" variant={active ? 'filled' : 'light'} circle={value !== undefined && value < 10}>
      {value ?? '–'}
    </Badge>
  );
}
