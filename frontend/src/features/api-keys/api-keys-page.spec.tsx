import { describe, expect, it } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router';
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
    createdByKind: 'USER',
    lastUsedAt: null,
    serviceAccount: { __typename: 'ServiceAccount', id: 'sa_1', role: 'VIEWER' },
  };
  const key = () => ({
    ...erp,
    status: revoked ? 'REVOKED' : 'ACTIVE',
    revokedAt: revoked ? '2026-03-13T10:00:00Z' : null,
    revokedByName: revoked ? 'Ada Admin' : null,
    revokedByKind: revoked ? 'USER' : null,
  });
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

function Url() {
  const { search } = useLocation();
  return <output aria-label="url">{search}</output>;
}

function renderPage(query = '') {
  render(
    <MantineProvider env="test">
      <MemoryRouter initialEntries={[`/admin/company-settings/api-keys${query}`]}>
        <Notifications />
        <Url />
        <Provider value={fakeServer()}>
          <Routes>
            <Route
              path="/admin/company-settings/api-keys"
              element={
                <RequireSession>
                  <ApiKeysPage />
                </RequireSession>
              }
            />
          </Routes>
        </Provider>
      </MemoryRouter>
    </MantineProvider>,
  );
}

describe('ApiKeysPage', () => {
  it('revokes a key: it moves to Revoked Keys, the counters follow, and a notification leads there', async () => {
    renderPage();
    const url = () => screen.getByRole('status', { name: 'url' }).textContent;
    expect(await screen.findByRole('heading', { name: 'API Keys' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Audit trail' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'GraphQL Playground' })).toHaveAttribute('href', '/playground');
    expect(screen.getByRole('searchbox', { name: 'Search' })).toHaveAttribute('placeholder', expect.stringMatching(/name or key ending/i) as string);
    expect(document.title).toBe('API Keys · Administration');
    await waitFor(() => expect(screen.getByRole('tab', { name: /Active Keys/ })).toHaveTextContent('Active Keys1'));
    expect(screen.getByRole('tab', { name: /Revoked Keys/ })).toHaveTextContent('Revoked Keys0');

    const active = screen.getByRole('table', { name: 'Active keys' });
    await userEvent.click(within(active).getByRole('button', { name: 'Revoke API key ERP Sync Service' }));
    const dialog = screen.getByRole('dialog', { name: 'Revoke API key' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Revoke key' }));

    await waitFor(() => expect(screen.getByRole('tab', { name: /Active Keys/ })).toHaveTextContent('Active Keys0'));
    expect(screen.getByRole('tab', { name: /Revoked Keys/ })).toHaveTextContent('Revoked Keys1');
    expect(await screen.findByText('No active API keys')).toBeInTheDocument();
    const notice = await screen.findByRole('alert');
    expect(notice).toHaveTextContent('Revoked ERP Sync Service (gak_…k3Zq)');
    await userEvent.click(within(notice).getByRole('link', { name: 'Show revoked keys' }));
    expect(url()).toBe('?tab=revoked');
    expect(screen.getByRole('tab', { name: /Revoked Keys/ })).toHaveAttribute('aria-selected', 'true');
    expect(document.title).toBe('Revoked Keys · API Keys · Administration');
    const revokedTable = await screen.findByRole('table', { name: 'Revoked keys' });
    expect(within(revokedTable).getByRole('row', { name: /ERP Sync Service/ })).toHaveTextContent('Ada Admin');
    await waitFor(() => expect(screen.queryByRole('alert')).not.toBeInTheDocument());
  });

  it('opens on the tab and search of its URL, and writes what is typed into it', async () => {
    renderPage('?tab=revoked&q=erp');
    const search = await screen.findByRole('searchbox', { name: 'Search' });
    expect(search).toHaveValue('erp');
    expect(screen.getByRole('tab', { name: /Revoked Keys/ })).toHaveAttribute('aria-selected', 'true');
    const url = () => screen.getByRole('status', { name: 'url' }).textContent;
    await userEvent.clear(search);
    await userEvent.type(search, 'Ørsted');
    await waitFor(() => expect(url()).toBe('?tab=revoked&q=%C3%98rsted'));
  });
});
