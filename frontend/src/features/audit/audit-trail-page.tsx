import { useState } from 'react';
import { Select, Stack } from '@mantine/core';
import { PageHeader } from '../../layout/page-header';
import type { AuditEntryAction } from '../../gql/graphql';
import { auditActionLabels } from './audit-actions';
import { AuditTrail } from './audit-trail';

const all = 'ALL';
const actionOptions = [
  { value: all, label: 'All actions' },
  ...Object.entries(auditActionLabels).map(([value, label]) => ({ value, label })),
];

/** Administration > Audit trail: every recorded change and sign-in of the company. */
export function AuditTrailPage() {
  const [action, setAction] = useState<string>(all);
  const where = action === all ? {} : { action: action as AuditEntryAction };
  return (
    <>
      <PageHeader
        crumbs={[{ label: 'Administration' }, { label: 'Audit trail' }]}
        title="Audit trail"
        description="Who did what and when: API keys created and revoked, people added and deleted, sign-ins."
      />
      <Stack gap="md">
        <Select
          label="Action"
          data={actionOptions}
          value={action}
          onChange={(v) => setAction(v ?? all)}
          allowDeselect={false}
          maw={280}
        />
        <AuditTrail key={action} where={where} label="Audit entries" emptyMessage={action === all ? 'No events yet' : 'No events of this kind yet'} />
      </Stack>
    </>
  );
}
