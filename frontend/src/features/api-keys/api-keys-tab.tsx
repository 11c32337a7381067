import { useMemo, useState } from 'react';
import { useQuery } from 'urql';
import { graphql } from '../../gql';
import type { ApiKeysQuery } from '../../gql/graphql';
import { errorMessage } from '../../graphql/client';
import { ApiKeysTable, type KeyToRevoke } from './api-keys-table';

const ApiKeysQueryDocument = graphql(`
  query ApiKeys($status: APIKeyStatus!, $first: Int!, $after: Cursor, $where: APIKeyWhereInput) {
    apiKeys(status: $status, first: $first, after: $after, where: $where) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          ...ApiKeysTable_ApiKey
        }
      }
    }
  }
`);

const pageSize = 20;

// An empty page still depends on API keys: a created or revoked key must refresh it.
const context = { additionalTypenames: ['APIKey'] };

/** One tab of the API Keys page: a page of keys from the server, with Previous/Next. */
export function ApiKeysTab({
  status,
  search,
  onRevoke,
  onAdd,
}: {
  status: 'ACTIVE' | 'REVOKED';
  search: string;
  onRevoke?: (key: KeyToRevoke) => void;
  onAdd?: () => void;
}) {
  // The cursors of the pages before the current one, and the current one's (null: the first page).
  const [paging, setPaging] = useState({ search, cursors: [null] as (string | null)[] });
  if (paging.search !== search) setPaging({ search, cursors: [null] });
  const cursors = paging.search === search ? paging.cursors : [null];
  const after = cursors[cursors.length - 1];

  const variables = useMemo(
    () => ({
      status,
      first: pageSize,
      after,
      where: search ? { hasServiceAccountWith: [{ nameContainsFold: search }] } : undefined,
    }),
    [status, after, search],
  );
  const [{ data, fetching, error }, reexecute] = useQuery({ query: ApiKeysQueryDocument, variables, context: useMemo(() => context, []) });

  // Keep showing the last page while the next one loads, instead of flashing skeletons.
  const [shown, setShown] = useState<ApiKeysQuery['apiKeys'] | undefined>(undefined);
  if (data && data.apiKeys !== shown) setShown(data.apiKeys);
  const page = data?.apiKeys ?? shown;

  const keys = page?.edges?.flatMap((e) => (e?.node ? [e.node] : []));
  // Revoking the last key of a later page leaves it empty: step back a page, once each
  // time the page turns up empty.
  const emptyLaterPage = !fetching && !!data && keys?.length === 0 && cursors.length > 1;
  const [wasEmptyLaterPage, setWasEmptyLaterPage] = useState(false);
  if (emptyLaterPage !== wasEmptyLaterPage) {
    setWasEmptyLaterPage(emptyLaterPage);
    if (emptyLaterPage) setPaging((p) => ({ ...p, cursors: p.cursors.slice(0, -1) }));
  }

  return (
    <ApiKeysTable
      status={status}
      keys={keys}
      fetching={fetching}
      error={error ? errorMessage(error) : undefined}
      onRetry={() => reexecute({ requestPolicy: 'network-only' })}
      search={search}
      onRevoke={onRevoke}
      onAdd={onAdd}
      pagination={
        page
          ? {
              pageIndex: cursors.length - 1,
              pageSize,
              totalCount: page.totalCount,
              hasPrevious: cursors.length > 1,
              hasNext: page.pageInfo.hasNextPage,
              onPrevious: () => setPaging((p) => ({ ...p, cursors: p.cursors.slice(0, -1) })),
              onNext: () => {
                const next = page.pageInfo.endCursor;
                if (next) setPaging((p) => ({ ...p, cursors: [...p.cursors, next] }));
              },
            }
          : undefined
      }
    />
  );
}
