import { useMemo, useState } from 'react';
import { Stack } from '@mantine/core';
import { useSearchParams } from 'react-router';
import { PageHeader } from '../../layout/page-header';
import { useDocumentTitle } from '../../layout/document-title';
import { AuditExportError, AuditExportMenu, AuditExportProgress, useAuditExport } from './audit-export-menu';
import { AuditFilterForm } from './audit-filter-form';
import { filtersFromParams, filtersToParams, filtersToWhere, hasFilters, type AuditFilters } from './audit-filters';
import { AuditTrail } from './audit-trail';
import { AuditVerificationBanner } from './audit-verification';

/**
 * Administration > Audit trail: every recorded change and sign-in of the company, whether
 * its hash chain verifies, filters that live in the URL (?action=…&actor=…&target=…&from=…&to=…),
 * and the filtered trail as a CSV or NDJSON file.
 */
export function AuditTrailPage() {
  useDocumentTitle('Audit trail', 'Administration');
  const [params, setParams] = useSearchParams();
  // The fields follow a change at once; the URL (a navigation, which React may render
  // later) follows them. A second choice made before it caught up must not undo the first.
  const [filters, setFilters] = useState(() => filtersFromParams(params));
  const [read, setRead] = useState(params);
  if (params !== read) {
    // The URL changed: back, forward, a link, or catching up with the fields.
    setRead(params);
    setFilters(filtersFromParams(params));
  }
  const change = (next: AuditFilters) => {
    setFilters(next);
    setParams(filtersToParams(next));
  };
  const where = useMemo(() => filtersToWhere(filters), [filters]);
  // Bumped after an export, which the trail then holds: the list asks again.
  const [exports, setExports] = useState(0);
  const exporter = useAuditExport(filters, () => setExports((n) => n + 1));

  return (
    <>
      <PageHeader
        crumbs={[{ label: 'Administration' }, { label: 'Audit trail' }]}
        title="Audit trail"
        description="Who did what and when: API keys created, rotated, renamed, revoked and expired, the key policy, people added and deleted, sign-ins, exports of this trail."
        actions={
          // The progress line under the menu, so that the menu does not move when it appears.
          <Stack gap={4} align="flex-end">
            <AuditExportMenu exporting={exporter.state.phase === 'exporting'} onExport={(format) => void exporter.start(format)} />
            <AuditExportProgress state={exporter.state} />
          </Stack>
        }
      />
      <Stack gap="md">
        <AuditExportError state={exporter.state} />
        <AuditVerificationBanner />
        <AuditFilterForm filters={filters} onChange={change} />
        <AuditTrail
          key={`${JSON.stringify(where)} ${exports}`}
          where={where}
          label="Audit entries"
          emptyMessage={hasFilters(filters) ? 'No events match these filters' : 'No events yet'}
        />
      </Stack>
    </>
  );
}
