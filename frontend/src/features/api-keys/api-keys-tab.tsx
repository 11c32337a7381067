import { useEffect, useMemo, useState } from 'react';
import { useQuery } from 'urql';
import { graphql } from '../../gql';
import type { ApiKeysQuery } from '../../gql/graphql';
import { errorMessage } from '../../graphql/client';
import { useKeyEvents } from '../../graphql/key-events';
import { ApiKeysTable, type ApiKeysTableProps, type KeyActions } from './api-keys-table';
import { firstPage, orderBy, type Paging, type Sort } from './api-keys-view';

const ApiKeysQueryDocument = graphql(`
  query ApiKeys(
    $status: APIKeyStatus!
    $search: String
    $where: APIKeyWhereInput
    $orderBy: APIKeyOrder
    $first: Int
    $after: Cursor
    $last: Int
    $before: Cursor
  ) {
    apiKeys(status: $status, search: $search, where: $where, orderBy: $orderBy, first: $first, after: $after, last: $last, before: $before) {
      totalCount
      pageInfo {
        hasNextPage
        startCursor
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

export const pageSize = 20;

// An empty page still depends on API keys: a created or revoked key must refresh it.
const context = { additionalTypenames: ['APIKey'] };

export type ApiKeysTabProps = KeyActions & {
  status: 'ACTIVE' | 'REVOKED';
  /** The server-side search (names in every alphabet, key endings), "" for none. */
  search: string;
  /** Only keys that expire by this time (ISO), e.g. within 7 days; none for all. */
  expiringBy?: string;
  sort: Sort;
  onSort: (sort: Sort) => void;
  paging: Paging;
  /** Turns the page; replace when the change is a correction rather than a step to go back from. */
  onPage: (paging: Paging, options?: { replace?: boolean }) => void;
  onAdd?: () => void;
  layout?: 'table' | 'cards';
  detailsLink?: ApiKeysTableProps['detailsLink'];
};

/** One tab of the API Keys page: a page of keys from the server, with Previous/Next. */
export function ApiKeysTab({ status, search, expiringBy, sort, onSort, paging, onPage, onRevoke, onRotate, onRename, onAdd, layout, detailsLink }: ApiKeysTabProps) {
  // Forwards from the last page's end, or backwards from the next page's start.
  const variables = useMemo(
    () => ({
      status,
      search: search || undefined,
      where: expiringBy ? { expiresAtLTE: expiringBy } : undefined,
      orderBy: orderBy(sort),
      ...(paging.before ? { last: pageSize, before: paging.before } : { first: pageSize, after: paging.after }),
    }),
    [status, search, expiringBy, sort, paging.after, paging.before],
  );
  const [{ data, fetching, error }, reexecute] = useQuery({ query: ApiKeysQueryDocument, variables, context: useMemo(() => context, []) });
  // A key changed (anyone's doing): ask for this page again rather than place the key in a
  // sorted, searched, paged list ourselves. The rows stay shown meanwhile.
  useKeyEvents(() => reexecute({ requestPolicy: 'network-only' }));

  // Keep showing the last page while the next one loads, instead of flashing skeletons.
  const [shown, setShown] = useState<ApiKeysQuery['apiKeys'] | undefined>(undefined);
  if (data && data.apiKeys !== shown) setShown(data.apiKeys);
  const page = data?.apiKeys ?? shown;

  const keys = page?.edges?.flatMap((e) => (e?.node ? [e.node] : []));
  // Revoking the last key of a later page leaves it empty: go back to the first page (an
  // empty page has no cursor to step back from).
  const emptyLaterPage = !fetching && !!data && keys?.length === 0 && paging.page > 1;
  useEffect(() => {
    if (emptyLaterPage) onPage(firstPage, { replace: true });
  }, [emptyLaterPage, onPage]);

  return (
    <ApiKeysTable
      status={status}
      keys={keys}
      fetching={fetching}
      error={error ? errorMessage(error) : undefined}
      onRetry={() => reexecute({ requestPolicy: 'network-only' })}
      search={search}
      expiring={!!expiringBy}
      onRevoke={onRevoke}
      onRotate={onRotate}
      onRename={onRename}
      onAdd={onAdd}
      layout={layout}
      detailsLink={detailsLink}
      sort={sort}
      onSort={onSort}
      pagination={
        page
          ? {
              pageIndex: paging.page - 1,
              pageSize,
              totalCount: page.totalCount,
              hasPrevious: paging.page > 1,
              // Coming back from a later page, there is always one after this.
              hasNext: page.pageInfo.hasNextPage,
              onPrevious: () => {
                const start = page.pageInfo.startCursor;
                onPage(paging.page <= 2 || !start ? firstPage : { page: paging.page - 1, before: start });
              },
              onNext: () => {
                const end = page.pageInfo.endCursor;
                if (end) onPage({ page: paging.page + 1, after: end });
              },
            }
          : undefined
      }
    />
  );
}
