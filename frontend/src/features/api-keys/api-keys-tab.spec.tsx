import { describe, expect, it } from 'vitest';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MantineProvider } from '@mantine/core';
import { Kind, parse } from 'graphql';
import { Client, Provider, cacheExchange, makeResult, type Exchange, type Operation } from 'urql';
import { filter, map, pipe } from 'wonka';
import { ApiKeysTab } from './api-keys-tab';

// A tiny in-memory server: 21 active keys, 20 to a page, the cursor being the offset.
function fakeServer() {
  let count = 21;
  const key = (i: number) => ({
    __typename: 'APIKey',
    id: `key_${i}`,
    name: `Key ${i + 1}`,
    maskedKey: `gak_…${String(i).padStart(4, '0')}`,
    status: 'ACTIVE',
    createdAt: '2026-03-12T14:05:00Z',
    createdByName: 'Ada Admin',
    lastUsedAt: null,
    revokedAt: null,
    revokedByName: null,
  });
  const answer = (op: Operation): Record<string, unknown> => {
    const name = op.query.definitions.flatMap((d) => (d.kind === Kind.OPERATION_DEFINITION && d.name ? [d.name.value] : []))[0];
    switch (name) {
      case 'ApiKeys': {
        const { first, after } = op.variables as { first: number; after?: string | null };
        const start = after ? Number(after) : 0;
        const end = Math.min(start + first, count);
        const nodes = Array.from({ length: Math.max(end - start, 0) }, (_, i) => key(start + i));
        return {
          apiKeys: {
            __typename: 'APIKeyConnection',
            totalCount: count,
            pageInfo: { __typename: 'PageInfo', hasNextPage: end < count, endCursor: nodes.length ? String(end) : null },
            edges: nodes.map((node) => ({ __typename: 'APIKeyEdge', node })),
          },
        };
      }
      case 'RevokeLast':
        count -= 1;
        return { revokeAPIKey: { __typename: 'RevokeAPIKeyPayload', apiKey: { ...key(count), status: 'REVOKED' } } };
      default:
        throw new Error(`unexpected operation ${name}`);
    }
  };
  const exchange: Exchange = () => (ops$) =>
    pipe(
      ops$,
      filter((op) => op.kind !== 'teardown'),
      map((op) => makeResult(op, { data: answer(op) })),
    );
  return new Client({ url: '/graphql', exchanges: [cacheExchange, exchange] });
}

// Written with parse, not graphql(): codegen keeps to the app's own operations.
const revokeLast = parse('mutation RevokeLast { revokeAPIKey { apiKey { id status } } }');

describe('ApiKeysTab', () => {
  it('steps back a page when the last key of a later page is revoked', async () => {
    const client = fakeServer();
    render(
      <MantineProvider env="test">
        <Provider value={client}>
          <ApiKeysTab status="ACTIVE" search="" />
        </Provider>
      </MantineProvider>,
    );
    expect(await screen.findByText('1–20 of 21')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Next' }));
    expect(await screen.findByText('21–21 of 21')).toBeInTheDocument();
    expect(within(screen.getByRole('table', { name: 'Active keys' })).getByRole('row', { name: /Key 21/ })).toBeInTheDocument();

    await client.mutation(revokeLast, {}).toPromise();

    expect(await screen.findByText('1–20 of 20')).toBeInTheDocument();
    const table = screen.getByRole('table', { name: 'Active keys' });
    expect(within(table).getByRole('row', { name: /Key 20/ })).toBeInTheDocument();
    expect(within(table).queryByRole('row', { name: /Key 21/ })).not.toBeInTheDocument();
  });
});
