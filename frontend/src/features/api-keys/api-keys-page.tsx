import { useCallback, useMemo, useRef, useState, type RefObject } from 'react';
import { Badge, Button, Group, Tabs, TextInput } from '@mantine/core';
import { useDebouncedValue, useDisclosure } from '@mantine/hooks';
import { IconHistory, IconPlayerPlay, IconPlus, IconSearch } from '@tabler/icons-react';
import { Link } from 'react-router';
import { useClient, useQuery } from 'urql';
import { graphql } from '../../gql';
import { errorMessage } from '../../graphql/client';
import { companySettings, PageHeader } from '../../layout/page-header';
import { useViewer } from '../../session/session';
import { AddApiKeyDialog, type CreateKeyResult } from './add-api-key-dialog';
import { ApiKeyAuditDrawer } from './api-key-audit-drawer';
import { ApiKeysTab } from './api-keys-tab';
import type { KeyToRevoke } from './api-keys-table';
import { RevokeApiKeyDialog } from './revoke-api-key-dialog';

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

type Tab = 'active' | 'revoked';

/** Administration > Company Settings > API Keys. */
export function ApiKeysPage() {
  const viewer = useViewer();
  const canManage = viewer.canManageKeys;
  const client = useClient();
  const [tab, setTab] = useState<Tab>('active');
  const [searchInput, setSearchInput] = useState('');
  const [search] = useDebouncedValue(searchInput.trim(), 300);
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
        setTab('active');
        return { secret };
      }
      const extensions = result.error?.graphQLErrors[0]?.extensions;
      const field = extensions?.code === 'BAD_USER_INPUT' && typeof extensions.field === 'string' ? extensions.field : undefined;
      return { error: errorMessage(result.error), field };
    },
    [client],
  );

  const revokeKey = useCallback(
    async (key: KeyToRevoke) => {
      const result = await client.mutation(RevokeApiKeyMutation, { input: { id: key.id } }).toPromise();
      return result.error || !result.data ? errorMessage(result.error) : undefined;
    },
    [client],
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

      <Tabs value={tab} onChange={(v) => v && setTab(v as Tab)}>
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
            label="Search by name"
            placeholder="e.g. ERP"
            leftSection={<IconSearch size={16} aria-hidden />}
            value={searchInput}
            onChange={(e) => setSearchInput(e.currentTarget.value)}
            w={280}
          />
        </Group>
        <Tabs.Panel value="active">
          <ApiKeysTab status="ACTIVE" search={search} onRevoke={canManage ? setRevoking : undefined} onAdd={canManage ? addDialog.open : undefined} />
        </Tabs.Panel>
        <Tabs.Panel value="revoked">
          <ApiKeysTab status="REVOKED" search={search} />
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
