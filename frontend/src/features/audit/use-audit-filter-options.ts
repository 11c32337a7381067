import { useEffect, useState } from 'react';
import { useClient } from 'urql';
import { graphql } from '../../gql';
import { errorMessage } from '../../graphql/client';
import { displayText } from '../../lib/display-text';

const AuditFilterPeopleQuery = graphql(`
  query AuditFilterPeople($after: Cursor) {
    users(first: 100, after: $after) {
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          name
        }
      }
    }
  }
`);

const AuditFilterKeysQuery = graphql(`
  query AuditFilterKeys($after: Cursor) {
    apiKeys(first: 100, after: $after) {
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          name
          maskedKey
          status
          serviceAccount {
            id
            name
          }
        }
      }
    }
  }
`);

/** An actor to filter by: a person or a service account. */
export type ActorOption = { id: string; name: string; kind: 'person' | 'service account' };
/** An API key to filter by, active or revoked. */
export type KeyOption = { id: string; name: string; maskedKey: string; revoked: boolean };

export type AuditFilterOptions = {
  actors: ActorOption[];
  keys: KeyOption[];
  loading: boolean;
  error?: string;
  retry: () => void;
};

// 100 a page (the API's most): a company's few hundred keys take a few requests. The cap
// keeps a company of many thousands from loading them all; the list says so.
export const maxPages = 20;

type Page<T> = { nodes: T[]; next: string | null };

const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);

/**
 * Everyone who may have acted (the company's people and its keys' service accounts) and
 * every API key, active and revoked, for the Audit trail page's filters: all pages,
 * loaded once when the page opens, sorted by name.
 */
export function useAuditFilterOptions(): AuditFilterOptions & { capped: boolean } {
  const client = useClient();
  const [attempt, setAttempt] = useState(0);
  const [state, setState] = useState<{ actors: ActorOption[]; keys: KeyOption[]; loading: boolean; error?: string; capped: boolean }>({
    actors: [],
    keys: [],
    loading: true,
    capped: false,
  });

  useEffect(() => {
    let cancelled = false;
    async function all<T>(page: (after: string | null) => Promise<Page<T>>): Promise<{ nodes: T[]; capped: boolean }> {
      const nodes: T[] = [];
      let after: string | null = null;
      for (let i = 0; i < maxPages; i++) {
        const p: Page<T> = await page(after);
        nodes.push(...p.nodes);
        if (!p.next) return { nodes, capped: false };
        after = p.next;
      }
      return { nodes, capped: true };
    }
    const people = all(async (after) => {
      const r = await client.query(AuditFilterPeopleQuery, { after }, { requestPolicy: 'network-only' }).toPromise();
      if (r.error || !r.data) throw new Error(errorMessage(r.error));
      const c = r.data.users;
      return {
        nodes: (c.edges ?? []).flatMap((e) => (e?.node ? [e.node] : [])),
        next: c.pageInfo.hasNextPage ? (c.pageInfo.endCursor ?? null) : null,
      };
    });
    const keys = all(async (after) => {
      const r = await client.query(AuditFilterKeysQuery, { after }, { requestPolicy: 'network-only' }).toPromise();
      if (r.error || !r.data) throw new Error(errorMessage(r.error));
      const c = r.data.apiKeys;
      return {
        nodes: (c.edges ?? []).flatMap((e) => (e?.node ? [e.node] : [])),
        next: c.pageInfo.hasNextPage ? (c.pageInfo.endCursor ?? null) : null,
      };
    });
    Promise.all([people, keys]).then(
      ([p, k]) => {
        if (cancelled) return;
        // A rotated key's service account is its successor's too: one actor each.
        const accounts = new Map<string, ActorOption>();
        for (const key of k.nodes) {
          const sa = key.serviceAccount;
          if (!accounts.has(sa.id)) accounts.set(sa.id, { id: sa.id, name: displayText(sa.name), kind: 'service account' });
        }
        setState({
          actors: [
            ...p.nodes.map((u): ActorOption => ({ id: u.id, name: displayText(u.name), kind: 'person' })).sort(byName),
            ...[...accounts.values()].sort(byName),
          ],
          keys: k.nodes.map((key) => ({ id: key.id, name: displayText(key.name), maskedKey: key.maskedKey, revoked: key.status !== 'ACTIVE' })).sort(byName),
          loading: false,
          capped: p.capped || k.capped,
        });
      },
      (e: unknown) => {
        if (!cancelled) setState((s) => ({ ...s, loading: false, error: e instanceof Error ? e.message : String(e) }));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [client, attempt]);

  return {
    ...state,
    retry: () => {
      setState((s) => ({ ...s, loading: true, error: undefined }));
      setAttempt((a) => a + 1);
    },
  };
}
