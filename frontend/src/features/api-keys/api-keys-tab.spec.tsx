import { describe, expect, it } from 'vitest';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MantineProvider } from '@mantine/core';
import { Kind, parse } from 'graphql';
import { MemoryRouter, useLocation } from 'react-router';
import { Client, Provider, cacheExchange, makeResult, type Exchange, type Operation } from 'urql';
import { filter, map, pipe } from 'wonka';
import { ApiKeysTab } from './api-keys-tab';
import { useApiKeysView } from './api-keys-view';

type Variables = { where?: { expiresAtLTE?: string }; first?: number; after?: string; last?: number; before?: string; search?: string; orderBy?: { field: string; direction: string } };

// A tiny in-memory server: 41 active keys, the cursor being the position; it remembers what it was asked.
function fakeServer() {
  let count = 41;
  const asked: Variables[] = [];
  const key = (i: number) => ({
    __typename: 'APIKey',
    id: `key_${i}`,
    name: `Key ${i + 1}`,
    maskedKey: `gak_…${String(i).padStart(4, '0')}`,
    status: 'ACTIVE',
    createdAt: '2026-03-12T14:05:00Z',
    createdByName: 'Ada Admin',
    createdByKind: 'USER',
    lastUsedAt: null,
    expiresAt: null,
    revokedAt: null,
    revokedByName: null,
    revokedByKind: null,
    revocationReason: null,
    serviceAccount: { __typename: 'ServiceAccount', id: `sa_${i}`, role: 'VIEWER' },
  });
  const answer = (op: Operation): Record<string, unknown> => {
    const name = op.query.definitions.flatMap((d) => (d.kind === Kind.OPERATION_DEFINITION && d.name ? [d.name.value] : []))[0];
    switch (name) {
      case 'ApiKeys': {
        const v = op.variables as Variables;
        asked.push(v);
        // Forwards: the keys after the cursor; backwards: the keys before it.
        const end = v.before !== undefined ? Math.min(Number(v.before), count) : Math.min((v.after ? Number(v.after) + 1 : 0) + (v.first ?? 0), count);
        const start = v.before !== undefined ? Math.max(end - (v.last ?? 0), 0) : v.after ? Number(v.after) + 1 : 0;
        const nodes = Array.from({ length: Math.max(end - start, 0) }, (_, i) => key(start + i));
        return {
          apiKeys: {
            __typename: 'APIKeyConnection',
            totalCount: count,
            pageInfo: {
              __typename: 'PageInfo',
              hasNextPage: end < count,
              startCursor: nodes.length ? String(start) : null,
              endCursor: nodes.length ? String(end - 1) : null,
            },
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
  return { client: new Client({ url: '/graphql', exchanges: [cacheExchange, exchange] }), asked };
}

// Written with parse, not graphql(): codegen keeps to the app's own operations.
const revokeLast = parse('mutation RevokeLast { revokeAPIKey { apiKey { id status } } }');

const soon = '2026-03-19T14:05:00.000Z';

// The page's part: the view from the URL, handed to the tab.
function Harness() {
  const { view, change } = useApiKeysView();
  const { search } = useLocation();
  return (
    <>
      <output aria-label="url">{search}</output>
      <ApiKeysTab
        status="ACTIVE"
        search={view.search}
        expiringBy={view.expiring ? soon : undefined}
        sort={view.sort}
        onSort={(sort) => change({ sort })}
        paging={view.paging}
        onPage={(paging, options) => change({ paging }, options)}
      />
    </>
  );
}

function renderTab(client: Client, url = '') {
  render(
    <MantineProvider env="test">
      <MemoryRouter initialEntries={[`/admin/company-settings/api-keys${url}`]}>
        <Provider value={client}>
          <Harness />
        </Provider>
      </MemoryRouter>
    </MantineProvider>,
  );
  return () => screen.getByRole('status', { name: 'url' }).textContent;
}

const rows = () => within(screen.getByRole('table', { name: 'Active keys' })).getAllByRole('row').slice(1);

describe('ApiKeysTab', () => {
  it('pages forwards and back through the URL', async () => {
    const { client, asked } = fakeServer();
    const url = renderTab(client);
    expect(await screen.findByText('1–20 of 41')).toBeInTheDocument();
    expect(asked.at(-1)).toMatchObject({ first: 20, orderBy: { field: 'CREATED_AT', direction: 'DESC' } });
    await userEvent.click(screen.getByRole('button', { name: 'Next' }));
    expect(await screen.findByText('21–40 of 41')).toBeInTheDocument();
    expect(url()).toBe('?page=2&after=19');
    await userEvent.click(screen.getByRole('button', { name: 'Next' }));
    expect(await screen.findByText('41–41 of 41')).toBeInTheDocument();
    expect(url()).toBe('?page=3&after=39');
    // Back from page 3: the 20 keys before its first one.
    await userEvent.click(screen.getByRole('button', { name: 'Previous' }));
    expect(await screen.findByText('21–40 of 41')).toBeInTheDocument();
    expect(url()).toBe('?page=2&before=40');
    expect(asked.at(-1)).toMatchObject({ last: 20, before: '40' });
    expect(rows()[0]).toHaveTextContent('Key 21');
    expect(screen.getByRole('button', { name: 'Next' })).not.toHaveAttribute('aria-disabled');
    await userEvent.click(screen.getByRole('button', { name: 'Previous' }));
    expect(await screen.findByText('1–20 of 41')).toBeInTheDocument();
    expect(url()).toBe('');
  });

  it('opens on the page, search and order the URL names', async () => {
    const { client, asked } = fakeServer();
    renderTab(client, '?q=%C3%B8rsted&sort=name&order=asc&page=2&after=19');
    expect(await screen.findByText('21–40 of 41')).toBeInTheDocument();
    expect(asked.at(-1)).toMatchObject({ search: 'ørsted', first: 20, after: '19', orderBy: { field: 'NAME', direction: 'ASC' } });
    expect(screen.getByRole('columnheader', { name: 'Name' })).toHaveAttribute('aria-sort', 'ascending');
  });

  it('sorts from a header, starting again at the first page', async () => {
    const { client, asked } = fakeServer();
    const url = renderTab(client, '?page=2&after=19');
    expect(await screen.findByText('21–40 of 41')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Last used' }));
    expect(await screen.findByText('1–20 of 41')).toBeInTheDocument();
    expect(url()).toBe('?sort=last-used&order=desc');
    expect(asked.at(-1)).toMatchObject({ orderBy: { field: 'LAST_USED_AT', direction: 'DESC' } });
    expect(asked.at(-1)?.after).toBeUndefined();
  });

  it('goes back to the first page when the last key of a later page is revoked', async () => {
    const { client } = fakeServer();
    const url = renderTab(client, '?page=3&after=39');
    expect(await screen.findByText('41–41 of 41')).toBeInTheDocument();
    expect(rows()[0]).toHaveTextContent('Key 41');

    await client.mutation(revokeLast, {}).toPromise();

    expect(await screen.findByText('1–20 of 40')).toBeInTheDocument();
    expect(url()).toBe('');
    expect(rows()[0]).toHaveTextContent('Key 1');
  });

  it('asks for the keys that expire soon, soonest first, when the URL says so', async () => {
    const { client, asked } = fakeServer();
    renderTab(client, '?expiring=1&sort=expires&order=asc');
    expect(await screen.findByText('1–20 of 41')).toBeInTheDocument();
    expect(asked.at(-1)).toMatchObject({ where: { expiresAtLTE: soon }, orderBy: { field: 'EXPIRES_AT', direction: 'ASC' } });
    expect(screen.getByRole('columnheader', { name: 'Expires' })).toHaveAttribute('aria-sort', 'ascending');
  });
});
