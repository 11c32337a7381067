import { Select, Stack } from '@mantine/core';
import { useSearchParams } from 'react-router';
import { PageHeader } from '../../layout/page-header';
import { useDocumentTitle } from '../../layout/document-title';
import type { AuditEntryAction } from '../../gql/graphql';
import { auditActionLabels } from './audit-actions';
import { AuditTrail } from './audit-trail';

const all = 'ALL';
const actionOptions = [
  { value: all, label: 'All actions' },
  ...Object.entries(auditActionLabels).map(([value, label]) => ({ value, label })),
];

function isAction(value: string | null): value is AuditEntryAction {
  return !!value && value in auditActionLabels;
}

/** Administration > Audit trail: every recorded change and sign-in of the company. The filter lives in the URL (?action=…). */
export function AuditTrailPage() {
  useDocumentTitle('Audit trail', 'Administration');
  const [params, setParams] = useSearchParams();
  const wanted = params.get('action');
  const action = isAction(wanted) ? wanted : all;
  const where = action === all ? {} : { action };
  return (
    <>
      <PageHeader
        crumbs={[{ label: 'Administration' }, { label: 'Audit trail' }]}
        title="Audit trail"
        description="Who did what and when: API keys created, rotated, renamed, revoked and expired, the key policy, people added and deleted, sign-ins."
      />
      <Stack gap="md">
        <Select
          label="Action"
          data={actionOptions}
          value={action}
          onChange={(v) => setParams(v && v !== all ? { action: v } : {})}
          allowDeselect={false}
          maw={280}
        />
        <AuditTrail key={action} where={where} label="Audit entries" emptyMessage={action === all ? 'No events yet' : 'No events of this kind yet'} />
      </Stack>
    </>
  );
}
