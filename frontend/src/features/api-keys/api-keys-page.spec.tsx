import { describe, expect, it } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MantineProvider } from '@mantine/core';
import { MemoryRouter } from 'react-router';
import { Client, Provider, cacheExchange, makeResult, type Exchange, type Operation } from 'urql';
import { Kind } from 'graphql';
import { filter, map, pipe } from 'wonka';
import { RequireSession } from '../../session/session';
import { ApiKeysPage } from './api-keys-page';

// A tiny in-memory server: one active key until it is revoked.
function fakeServer() {
  let revoked = false;
  const erp = {
    __typename: 'APIKey',
    id: 'key_1',
    name: 'ERP Sync Service',
    maskedKey: 'gak_…k3Zq',
    createdAt: '2026-03-12T14:05:00Z',
    createdByName: 'Ada Admin',
    lastUsedAt: null,
    revokedByName: null as string | null,
  };
  const key = () => ({ ...erp, status: revoked ? 'REVOKED' : 'ACTIVE', revokedAt: revoked ? '2026-03-13T10:00:00Z' : null, revokedByName: revoked ? 'Ada Admin' : null });
  const connection = (nodes: object[]) => ({
    __typename: 'APIKeyConnection',
    totalCount: nodes.length,
    pageInfo: { __typename: 'PageInfo', hasNextPage: false, endCursor: null },
    edges: nodes.map((node) => ({ __typename: 'APIKeyEdge', node })),
  });
  const answer = (op: Operation): Record<string, unknown> => {
    const name = op.query.definitions.flatMap((d) => (d.kind === Kind.OPERATION_DEFINITION && d.name ? [d.name.value] : []))[0];
    switch (name) {
      case 'Viewer':
        return {
          viewer: {
            __typename: 'Viewer',
            id: 'usr_1',
            kind: 'USER',
            name: 'Ada Admin',
            role: 'ADMIN',
            canManageKeys: true,
            organization: { __typename: 'Organization', id: 'org_1', name: 'Acme' },
          },
        };
      case 'ApiKeyCounts':
        return { apiKeyCounts: { __typename: 'APIKeyCounts', active: revoked ? 0 : 1, revoked: revoked ? 1 : 0 } };
      case 'ApiKeys': {
        const wanted = op.variables?.status === 'REVOKED';
        return { apiKeys: connection(revoked === wanted ? [key()] : []) };
      }
      case 'RevokeApiKey':
        revoked = true;
        return { revokeAPIKey: { __typename: 'RevokeAPIKeyPayload', apiKey: key() } };
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

describe('ApiKeysPage', () => {
  it('revokes a key: it moves to Revoked Keys and the counters follow', async () => {
    render(
      <MantineProvider env="test">
        <MemoryRouter>
          <Provider value={fakeServer()}>
            <RequireSession>
              <ApiKeysPage />
            </RequireSession>
          </Provider>
        </MemoryRouter>
      </MantineProvider>,
    );
    expect(await screen.findByRole('heading', { name: 'API Keys' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Audit trail' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'GraphQL Playground' })).toHaveAttribute('href', '/playground');
    expect(screen.getByRole('textbox', { name: 'Search by name' })).toBeInTheDocument();
    await waitFor(() => expect(screen.getByRole('tab', { name: /Active Keys/ })).toHaveTextContent('Active Keys1'));
    expect(screen.getByRole('tab', { name: /Revoked Keys/ })).toHaveTextContent('Revoked Keys0');

    const active = screen.getByRole('table', { name: 'Active keys' });
    await userEvent.click(within(active).getByRole('button', { name: 'Revoke API key ERP Sync Service' }));
    const dialog = screen.getByRole('dialog', { name: 'Revoke API key' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Revoke key' }));

    await waitFor(() => expect(screen.getByRole('tab', { name: /Active Keys/ })).toHaveTextContent('Active Keys0'));
    expect(screen.getByRole('tab', { name: /Revoked Keys/ })).toHaveTextContent('Revoked Keys1');
    expect(await screen.findByText('No active API keys')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('tab', { name: /Revoked Keys/ }));
    const revokedTable = await screen.findByRole('table', { name: 'Revoked keys' });
    expect(within(revokedTable).getByRole('row', { name: /ERP Sync Service/ })).toHaveTextContent('Ada Admin');
  });
});
