import { Badge, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import type { ApiKeysTable_ApiKeyFragment as ApiKey, ServiceAccountRole, ViewerKind } from '../../gql/graphql';
import { TruncatedText } from '../../components/truncated-text';
import { displayText } from '../../lib/display-text';
import { Timestamp, useNow } from '../audit/timestamp';
import { expiryWarning } from './expiry';

// What the keys' table, cards and details drawer say about a key, the same way in each.

const nowrap = { whiteSpace: 'nowrap' } as const;

/** Who created or revoked a key; a service account says so (a person's name needs no note). */
export function Actor({ name, kind, inline = false }: { name: string; kind?: ViewerKind | null; inline?: boolean }) {
  const note = kind === 'SERVICE_ACCOUNT' ? '(service account)' : null;
  if (inline) {
    return (
      <>
        <span dir="auto">{displayText(name)}</span>
        {note && (
          <Text span size="xs" c="gray.7">
            {' '}
            {note}
          </Text>
        )}
      </>
    );
  }
  return (
    <>
      <TruncatedText size="sm">{displayText(name)}</TruncatedText>
      {note && (
        <Text size="xs" c="gray.7" style={nowrap}>
          {' '}
          {note}
        </Text>
      )}
    </>
  );
}

export function RoleBadge({ role }: { role: ServiceAccountRole }) {
  return (
    <Badge size="sm" variant="light" tt="none" color={role === 'ADMIN' ? 'indigo' : 'gray'} style={{ flexShrink: 0 }}>
      {role === 'ADMIN' ? 'Admin' : 'Viewer'}
    </Badge>
  );
}

/** When an active key expires: "Never", or the time, with a warning within soonDays. */
export function Expiry({ expiresAt, inline = false }: { expiresAt?: string | null; inline?: boolean }) {
  const now = useNow();
  if (!expiresAt) return <>Never</>;
  const warning = expiryWarning(expiresAt, now);
  const badge = warning && (
    <Badge
      component="span"
      size="sm"
      tt="none"
      variant="filled"
      color={warning === 'Expired' ? 'red.9' : 'yellow.4'}
      leftSection={<IconAlertTriangle size={12} aria-hidden />}
      style={{ flexShrink: 0 }}
    >
      {warning}
    </Badge>
  );
  if (inline) {
    return (
      <>
        <Timestamp value={expiresAt} /> {badge}
      </>
    );
  }
  return (
    <Stack gap={4} align="flex-start">
      <Timestamp value={expiresAt} />
      {badge}
    </Stack>
  );
}

export const reasonLabels = { EXPIRED: 'Expired', ROTATED: 'Rotated', LEAKED: 'Leaked — reported by a leak report' } as const;

/** Why a key ended: who revoked it, or that it expired, was rotated or leaked (and who said so, when a person did). */
export function Reason({ apiKey: k }: { apiKey: Pick<ApiKey, 'revocationReason' | 'revokedByName' | 'revokedByKind'> }) {
  const reason = k.revocationReason && k.revocationReason !== 'MANUAL' ? reasonLabels[k.revocationReason] : null;
  if (!reason) {
    return k.revokedByName ? <Actor name={`Revoked by ${k.revokedByName}`} kind={k.revokedByKind} /> : <>—</>;
  }
  return (
    <>
      <Text size="sm">{reason}</Text>
      {k.revokedByName && k.revokedByKind !== 'SYSTEM' && (
        <Text size="xs" c="gray.7" style={{ overflowWrap: 'anywhere' }}>
          by <Actor name={k.revokedByName} kind={k.revokedByKind} inline />
        </Text>
      )}
    </>
  );
}
