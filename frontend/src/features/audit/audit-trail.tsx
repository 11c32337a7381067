import type { AuditEntryWhereInput } from '../../gql/graphql';
import { AuditEntryList } from './audit-entry-list';
import { useAuditTrail } from './use-audit-trail';

/** The audit entries matching where, loaded from the server. Key it by the filter to start over. */
export function AuditTrail({ where, label, emptyMessage }: { where: AuditEntryWhereInput; label: string; emptyMessage: string }) {
  const trail = useAuditTrail(where);
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
