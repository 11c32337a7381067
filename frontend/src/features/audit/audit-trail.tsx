import type { AuditEntryWhereInput } from '../../gql/graphql';
import { useKeyEvents } from '../../graphql/key-events';
import { AuditEntryList } from './audit-entry-list';
import { useAuditTrail } from './use-audit-trail';

/**
 * The audit entries matching where, loaded from the server. Key it by the filter to start over.
 * Live (for key events only): each change to a key, by anyone, asks for the first page again.
 */
export function AuditTrail({ where, label, emptyMessage, live = false }: { where: AuditEntryWhereInput; label: string; emptyMessage: string; live?: boolean }) {
  const trail = useAuditTrail(where);
  useKeyEvents(trail.refresh, live);
  return (
    <AuditEntryList
      label={label}
      entries={trail.entries}
      fetching={trail.fetching}
      error={trail.error}
      hasNextPage={trail.hasNextPage}
      onLoadMore={trail.loadMore}
      onRetry={trail.retry}
      emptyMessage={emptyMessage}
    />
  );
}
