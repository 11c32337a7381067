import { useMemo, useState } from 'react';
import { useQuery } from 'urql';
import { graphql, type FragmentType } from '../../gql';
import type { AuditEntryWhereInput } from '../../gql/graphql';
import { errorMessage } from '../../graphql/client';
import type { AuditEntryList_EntryFragment } from './audit-entry-list';

const AuditTrailQuery = graphql(`
  query AuditTrail($first: Int!, $after: Cursor, $where: AuditEntryWhereInput) {
    auditEntries(first: $first, after: $after, where: $where) {
      edges {
        node {
          id
          ...AuditEntryList_Entry
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

const pageSize = 20;

type Entry = FragmentType<typeof AuditEntryList_EntryFragment>;

/**
 * The audit trail matching where, newest first, a page at a time: "Load more" keeps
 * the pages already shown and asks for the next. Remount (key) to start over.
 */
export function useAuditTrail(where: AuditEntryWhereInput) {
  const [after, setAfter] = useState<string | null>(null);
  const [earlier, setEarlier] = useState<Entry[]>([]);
  const context = useMemo(() => ({ additionalTypenames: ['AuditEntry'] }), []);
  const [{ data, fetching, error }, reexecute] = useQuery({
    query: AuditTrailQuery,
    variables: { first: pageSize, after, where },
    context,
  });
  const page = data?.auditEntries;
  const current = (page?.edges ?? []).flatMap((e) => (e?.node ? [e.node] : []));
  // While the next page loads, keep offering it (the button keeps its focus).
  const hasNextPage = page ? page.pageInfo.hasNextPage : earlier.length > 0;

  return {
    entries: [...earlier, ...current],
    fetching,
    error: error ? errorMessage(error) : undefined,
    hasNextPage,
    loadMore: () => {
      if (!page?.pageInfo.endCursor) return;
      setEarlier([...earlier, ...current]);
      setAfter(page.pageInfo.endCursor);
    },
    retry: () => {
      reexecute({ requestPolicy: 'network-only' });
    },
    /** Asks the server again when only the first page is shown: new entries come first. */
    refresh: () => {
      if (after === null) reexecute({ requestPolicy: 'network-only' });
    },
  };
}
