import { useState } from 'react';
import { Alert, Button, Group, Loader, Stack, Text } from '@mantine/core';
import { IconAlertTriangle, IconRefresh, IconShieldCheck } from '@tabler/icons-react';
import { useQuery, type CombinedError } from 'urql';
import { graphql } from '../../gql';
import type { AuditProblem, VerifyAuditTrailQuery as VerifyAuditTrailResult } from '../../gql/graphql';
import { errorMessage } from '../../graphql/client';
import { formatDateTime } from '../../lib/format';
import { ChainHash } from './chain-hash';

const VerifyAuditTrailQuery = graphql(`
  query VerifyAuditTrail {
    verifyAuditTrail {
      ok
      entriesChecked
      headSequence
      headHash
      firstBrokenSequence
      problemKind
      problem
    }
  }
`);

type Verification = VerifyAuditTrailResult['verifyAuditTrail'];

const problemKinds: Record<AuditProblem, string> = { ALTERED: 'altered', MISSING: 'missing', OUT_OF_ORDER: 'out of order' };

const count = (n: number) => n.toLocaleString();
const capitalized = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * The top of the Audit trail page: the server checks the company's hash chain
 * (verifyAuditTrail) when the page opens and on "Check again": calm when every entry
 * verifies, loud (role="alert") when one was altered, removed or moved.
 */
export function AuditVerificationBanner() {
  // Never from the cache: a verification is worth only as much as its freshness.
  const [{ data, fetching, error }, reexecute] = useQuery({ query: VerifyAuditTrailQuery, requestPolicy: 'network-only' });
  // The last outcome, kept while a new check runs (urql forgets an error meanwhile), and
  // when it came: a check that finds the same again still says it checked.
  const [last, setLast] = useState<{ result?: Verification; error?: CombinedError; at: Date } | null>(null);
  const found = data?.verifyAuditTrail;
  const failure = found ? undefined : error;
  if (!fetching && (found || failure) && (found !== last?.result || failure !== last?.error)) {
    setLast({ result: found, error: failure, at: new Date() });
  }

  if (!last) {
    return (
      <Alert key="verifying" role="status" color="gray" icon={<Loader size={16} aria-hidden />} title="Verifying the audit trail…" aria-busy>
        <Text size="sm">The server is checking every entry against its hash chain.</Text>
      </Alert>
    );
  }

  const { result } = last;
  const recheck = () => {
    if (!fetching) reexecute({ requestPolicy: 'network-only' });
  };
  let title;
  let body;
  let color = 'red';
  if (!result) {
    title = 'Could not verify the audit trail';
    body = <Text size="sm">{errorMessage(last.error)}</Text>;
  } else if (result.ok) {
    color = 'teal';
    title = result.headHash ? (
      <>
        Verified: {count(result.entriesChecked)} {result.entriesChecked === 1 ? 'entry' : 'entries'}, head{' '}
        <ChainHash hash={result.headHash} label="head hash" />
      </>
    ) : (
      'Verified: no entries yet'
    );
    body = <Text size="sm">Every entry is there, unaltered and in order: its content gives its hash, which the next entry holds.</Text>;
  } else {
    title = 'The audit trail does not verify';
    body = (
      <>
        <Text size="sm" fw={500}>
          {capitalized(result.problem ?? 'an entry is wrong')}
        </Text>
        <Text size="sm">
          First broken entry: {result.firstBrokenSequence ?? '?'}
          {result.problemKind && ` (${problemKinds[result.problemKind]})`}.{' '}
          {result.headHash ? (
            <>
              The {count(result.entriesChecked)} {result.entriesChecked === 1 ? 'entry' : 'entries'} before it verify, up to head{' '}
              <ChainHash hash={result.headHash} label="head hash" />.
            </>
          ) : (
            'No entry before it verifies.'
          )}
        </Text>
      </>
    );
  }

  return (
    <Alert
      // Inserted anew after "Verifying…" (so that screen readers hear it), then kept across checks.
      key="outcome"
      // Only a problem interrupts; a sound trail is announced politely.
      role={color === 'red' ? 'alert' : 'status'}
      color={color}
      variant="light"
      icon={color === 'red' ? <IconAlertTriangle size={18} aria-hidden /> : <IconShieldCheck size={18} aria-hidden />}
      title={title}
      styles={{ title: { overflowWrap: 'anywhere' } }}
    >
      <Stack gap="xs">
        {body}
        {/* One button in every state, so that keyboard focus stays on it across checks. */}
        <Group gap="sm" wrap="wrap">
          <Button
            size="xs"
            variant="default"
            aria-disabled={fetching || undefined}
            leftSection={fetching ? <Loader size={12} aria-hidden /> : <IconRefresh size={14} aria-hidden />}
            onClick={recheck}
          >
            {fetching ? 'Checking…' : result ? 'Check again' : 'Retry'}
          </Button>
          {result && (
            <Text size="xs" c="gray.7">
              Checked {formatDateTime(last.at.toISOString())}
            </Text>
          )}
        </Group>
      </Stack>
    </Alert>
  );
}
