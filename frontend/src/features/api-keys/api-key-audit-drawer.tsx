import { Anchor, Drawer, Stack, Text } from '@mantine/core';
import { Link } from 'react-router';
import { apiKeyActions } from '../audit/audit-actions';
import { AuditTrail } from '../audit/audit-trail';

const where = { actionIn: apiKeyActions };

/** The API Keys page's audit trail: key events only, fetched afresh each time it opens, and on each change to a key. */
export function ApiKeyAuditDrawer({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  return (
    <Drawer opened={opened} onClose={onClose} position="right" size="xl" title="API key audit trail">
      <Stack gap="md">
        <Text size="sm">
          Keys created, rotated, renamed, revoked and expired: who did it and when. Every other event of the company is on the{' '}
          <Anchor component={Link} to="/admin/audit-trail">
            Audit trail page
          </Anchor>
          .
        </Text>
        {/* The drawer's content unmounts when it closes, so each opening asks the server again. */}
        <AuditTrail where={where} label="API key events" emptyMessage="No API key events yet" live />
      </Stack>
    </Drawer>
  );
}
