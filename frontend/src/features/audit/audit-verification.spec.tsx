import { describe, expect, it } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MantineProvider } from '@mantine/core';
import { Client, Provider, makeErrorResult, makeResult, type Exchange, type Operation, type OperationResult } from 'urql';
import { filter, fromPromise, mergeMap, pipe } from 'wonka';
import type { VerifyAuditTrailQuery } from '../../gql/graphql';

type AuditVerification = Omit<VerifyAuditTrailQuery['verifyAuditTrail'], '__typename'>;
import { AuditVerificationBanner } from './audit-verification';

const head = '3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a19';

const sound: AuditVerification = {
  ok: true,
  entriesChecked: 12345,
  headSequence: 12345,
  headHash: head,
  firstBrokenSequence: null,
  problemKind: null,
  problem: null,
};

const altered: AuditVerification = {
  ok: false,
  entriesChecked: 16,
  headSequence: 16,
  headHash: head,
  firstBrokenSequence: 17,
  problemKind: 'ALTERED',
  problem: 'entry 17 was altered: its content does not give its hash',
};

type Answer = AuditVerification | Error;

/**
 * A server that answers verifyAuditTrail with its current answer (held until release
 * when asked to); it remembers the request policy of each request.
 */
function fakeServer(first: Answer) {
  const asked: string[] = [];
  const gates: (() => void)[] = [];
  let held = false;
  let current = first;
  const answer = (op: Operation): Promise<OperationResult> => {
    const next = current;
    asked.push(op.context.requestPolicy);
    const result = () =>
      next instanceof Error ? makeErrorResult(op, next) : makeResult(op, { data: { verifyAuditTrail: { __typename: 'AuditVerification', ...next } } });
    if (!held) return Promise.resolve(result());
    return new Promise((resolve) => gates.push(() => resolve(result())));
  };
  const exchange: Exchange = () => (ops$) =>
    pipe(
      ops$,
      filter((op) => op.kind !== 'teardown'),
      mergeMap((op) => fromPromise(answer(op))),
    );
  return {
    client: new Client({ url: '/graphql', exchanges: [exchange] }),
    asked,
    /** What the server finds from now on. */
    finds: (answer: Answer) => {
      current = answer;
    },
    /** Holds the answers until release. */
    hold: () => {
      held = true;
    },
    release: () => {
      held = false;
      gates.splice(0).forEach((open) => open());
    },
  };
}

function renderBanner(server: ReturnType<typeof fakeServer>) {
  render(
    <MantineProvider env="test">
      <Provider value={server.client}>
        <AuditVerificationBanner />
      </Provider>
    </MantineProvider>,
  );
}

/** The banner once the first check is done: a status when the trail verifies, an alert otherwise. */
async function outcome(role: 'status' | 'alert') {
  await waitFor(() => expect(screen.queryByText('Verifying the audit trail…')).not.toBeInTheDocument());
  return screen.getByRole(role);
}

describe('AuditVerificationBanner', () => {
  it('says the trail verifies, with the count and the head hash, shortened, whole on hover and copyable', async () => {
    const server = fakeServer(sound);
    renderBanner(server);
    expect(screen.getByText('Verifying the audit trail…')).toBeInTheDocument();
    const banner = await outcome('status');
    expect(banner).toHaveTextContent(`Verified: ${(12345).toLocaleString()} entries, head 3f2a9c1d…`);
    expect(within(banner).getByText('3f2a9c1d…')).toHaveAttribute('title', head);
    expect(within(banner).getByRole('button', { name: 'Copy head hash' })).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    // Fresh from the server, never from a cache.
    expect(server.asked.length).toBeGreaterThan(0);
    expect(new Set(server.asked)).toEqual(new Set(['network-only']));
  });

  it('says so loudly when an entry was altered: the problem and the first broken entry', async () => {
    renderBanner(fakeServer(altered));
    const alert = await outcome('alert');
    expect(alert).toHaveTextContent('The audit trail does not verify');
    expect(alert).toHaveTextContent('Entry 17 was altered: its content does not give its hash');
    expect(alert).toHaveTextContent('First broken entry: 17 (altered).');
    expect(alert).toHaveTextContent('The 16 entries before it verify, up to head 3f2a9c1d…');
    expect(screen.queryByText(/^Verified/)).not.toBeInTheDocument();
  });

  it('checks again from the server, busy meanwhile, focus kept on the button', async () => {
    const server = fakeServer(sound);
    renderBanner(server);
    const again = await screen.findByRole('button', { name: 'Check again' });
    const before = server.asked.length;
    server.finds(altered);
    server.hold();
    await userEvent.click(again);
    expect(again).toHaveTextContent('Checking…');
    expect(again).toHaveAttribute('aria-disabled', 'true');
    expect(server.asked.slice(before)).toEqual(['network-only']);
    // A second press while busy asks nothing more.
    await userEvent.click(again);
    expect(server.asked.slice(before)).toEqual(['network-only']);
    server.release();
    expect(await screen.findByRole('alert')).toHaveTextContent('Entry 17 was altered');
    expect(screen.getByRole('button', { name: 'Check again' })).toBe(again);
    expect(again).toHaveFocus();
  });

  it('shows an error with Retry, which tries again', async () => {
    const server = fakeServer(new Error('Failed to fetch'));
    renderBanner(server);
    const alert = await outcome('alert');
    server.finds(sound);
    expect(alert).toHaveTextContent('Could not verify the audit trail');
    expect(alert).toHaveTextContent('The server could not be reached');
    const retry = within(alert).getByRole('button', { name: 'Retry' });
    await userEvent.click(retry);
    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent('Verified'));
    expect(retry).toHaveFocus();
    expect(retry).toHaveAccessibleName('Check again');
  });

  it('says an empty trail verifies with no entries', async () => {
    renderBanner(fakeServer({ ...sound, entriesChecked: 0, headSequence: 0, headHash: null }));
    expect(await outcome('status')).toHaveTextContent('Verified: no entries yet');
  });
});
