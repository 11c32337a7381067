import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router';
import { Client, Provider, cacheExchange, makeResult, type Exchange, type Operation } from 'urql';
import { Kind } from 'graphql';
import { filter, map, pipe } from 'wonka';
import type { Sink } from 'graphql-ws';
import { LiveClientContext, type LiveClient } from '../../graphql/live-client';
import type { KeyEvent } from '../../graphql/key-events';
import { RequireSession } from '../../session/session';
import { ApiKeysPage } from './api-keys-page';

type FakeKey = {
  id: string;
  name: string;
  maskedKey: string;
  expiresAt: string | null;
  revoked?: 'MANUAL' | 'ROTATED';
};

const day = 24 * 60 * 60 * 1000;

/**
 * A tiny in-memory server: one active key (and any given), revoked, rotated and renamed as
 * asked; the key policy; a viewer of the given kind. It remembers the variables of each operation.
 */
function fakeServer({ keys = [], viewerKind = 'USER' }: { keys?: FakeKey[]; viewerKind?: 'USER' | 'SERVICE_ACCOUNT' } = {}) {
  const all: FakeKey[] = [{ id: 'key_1', name: 'ERP Sync Service', maskedKey: 'gak_…k3Zq', expiresAt: null }, ...keys];
  let policy = { __typename: 'KeyPolicy', maxLifetimeDays: null as number | null, requireExpiry: false };
  const asked: { name: string; variables: Record<string, unknown> }[] = [];
  const node = (k: FakeKey) => ({
    __typename: 'APIKey',
    id: k.id,
    name: k.name,
    maskedKey: k.maskedKey,
    createdAt: '2026-03-12T14:05:00Z',
    createdByName: 'Ada Admin',
    createdByKind: 'USER',
    lastUsedAt: null,
    expiresAt: k.expiresAt,
    status: k.revoked ? 'REVOKED' : 'ACTIVE',
    revokedAt: k.revoked ? '2026-03-13T10:00:00Z' : null,
    revokedByName: k.revoked ? 'Ada Admin' : null,
    revokedByKind: k.revoked ? 'USER' : null,
    revocationReason: k.revoked ?? null,
    allowedNetworks: [],
    serviceAccount: { __typename: 'ServiceAccount', id: `sa_${k.id}`, role: 'VIEWER' },
  });
  const connection = (nodes: object[]) => ({
    __typename: 'APIKeyConnection',
    totalCount: nodes.length,
    pageInfo: { __typename: 'PageInfo', hasNextPage: false, startCursor: null, endCursor: null },
    edges: nodes.map((n) => ({ __typename: 'APIKeyEdge', node: n })),
  });
  const active = () => all.filter((k) => !k.revoked);
  const expiringBy = (by: unknown) => active().filter((k) => k.expiresAt && typeof by === 'string' && k.expiresAt <= by);
  const find = (variables: Record<string, unknown>) => all.find((k) => k.id === (variables.input as { id: string }).id)!;
  const answer = (op: Operation): Record<string, unknown> => {
    const name = op.query.definitions.flatMap((d) => (d.kind === Kind.OPERATION_DEFINITION && d.name ? [d.name.value] : []))[0];
    const variables = (op.variables ?? {}) as Record<string, unknown>;
    asked.push({ name, variables });
    switch (name) {
      case 'Viewer':
        return {
          viewer: {
            __typename: 'Viewer',
            id: viewerKind === 'USER' ? 'vwr_usr_1' : 'vwr_sa_1',
            user: viewerKind === 'USER' ? { __typename: 'User', id: 'usr_1' } : null,
            kind: viewerKind,
            name: viewerKind === 'USER' ? 'Ada Admin' : 'Provisioning Bot',
            role: 'ADMIN',
            canManageKeys: true,
            organization: { __typename: 'Organization', id: 'org_1', name: 'Acme' },
          },
        };
      case 'ApiKeyCounts':
        return { apiKeyCounts: { __typename: 'APIKeyCounts', active: active().length, revoked: all.length - active().length } };
      case 'ExpiringApiKeyCount':
        return { apiKeys: { __typename: 'APIKeyConnection', totalCount: expiringBy(variables.by).length } };
      case 'ApiKeys': {
        const where = variables.where as { expiresAtLTE?: string } | undefined;
        const listed = variables.status === 'REVOKED' ? all.filter((k) => k.revoked) : where?.expiresAtLTE ? expiringBy(where.expiresAtLTE) : active();
        return { apiKeys: connection(listed.map(node)) };
      }
      case 'KeyPolicy':
        return { viewer: { __typename: 'Viewer', id: 'vwr_usr_1', organization: { __typename: 'Organization', id: 'org_1', keyPolicy: policy } } };
      case 'UpdateKeyPolicy':
        policy = { ...policy, ...(variables.input as typeof policy) };
        return { updateKeyPolicy: { __typename: 'UpdateKeyPolicyPayload', keyPolicy: policy } };
      case 'RevokeApiKey': {
        const k = find(variables);
        k.revoked = 'MANUAL';
        return { revokeAPIKey: { __typename: 'RevokeAPIKeyPayload', apiKey: node(k) } };
      }
      case 'RotateApiKey': {
        const k = find(variables);
        const until = (variables.input as { previousKeyExpiresAt: string | null }).previousKeyExpiresAt;
        if (until) k.expiresAt = until;
        else k.revoked = 'ROTATED';
        const made: FakeKey = { id: `key_${all.length + 1}`, name: k.name, maskedKey: 'gak_…Nw4x', expiresAt: null };
        all.push(made);
        return {
          rotateAPIKey: { __typename: 'RotateAPIKeyPayload', secret: rotatedSecret, apiKey: node(made), previousKey: node(k) },
        };
      }
      case 'KeyDetails': {
        const k = all.find((key) => key.id === variables.id)!;
        return { node: { ...node(k), allowedNetworks: ['203.0.113.0/24'], recentClients: [] } };
      }
      case 'AuditTrail':
        return { auditEntries: { __typename: 'AuditEntryConnection', edges: [], pageInfo: { __typename: 'PageInfo', hasNextPage: false, endCursor: null } } };
      case 'RenameApiKey': {
        const k = find(variables);
        k.name = (variables.input as { name: string }).name;
        return { updateAPIKey: { __typename: 'UpdateAPIKeyPayload', apiKey: node(k) } };
      }
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
  return { client: new Client({ url: '/graphql', exchanges: [cacheExchange, exchange] }), asked, keys: all };
}

const rotatedSecret = 'gak_9zYabcdefghijklmnopqrstuvwxyz0123Nw4x';

function Url() {
  const { search } = useLocation();
  return <output aria-label="url">{search}</output>;
}

/** The app's WebSocket client, reduced to what the page uses: the server sends events down its one subscription. */
function fakeLiveClient() {
  const sinks: Sink[] = [];
  const client = {
    subscribe: (_payload: unknown, sink: Sink) => {
      sinks.push(sink);
      return () => {};
    },
    on: () => () => {},
  } as unknown as LiveClient;
  return { client, subscriptions: () => sinks.length, send: (event: KeyEvent) => act(() => sinks[sinks.length - 1].next({ data: { apiKeyEvents: event } })) };
}

function renderPage(query = '', server = fakeServer(), live = fakeLiveClient()) {
  render(
    <MantineProvider env="test">
      <MemoryRouter initialEntries={[`/admin/company-settings/api-keys${query}`]}>
        <Notifications />
        <Url />
        <Provider value={server.client}>
          <LiveClientContext.Provider value={live.client}>
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
          </LiveClientContext.Provider>
        </Provider>
      </MemoryRouter>
    </MantineProvider>,
  );
}

// RequireSession asks GET /auth/session before the viewer.
beforeEach(() => vi.stubGlobal('fetch', vi.fn(() => Promise.resolve(new Response('{"signedIn": true}', { status: 200 })))));
afterEach(() => vi.unstubAllGlobals());

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

  it('says how many keys expire within 7 days and lists just them, soonest first, until asked for all', async () => {
    const server = fakeServer({
      keys: [
        { id: 'key_2', name: 'Nightly Backup', maskedKey: 'gak_…Bk01', expiresAt: new Date(Date.now() + 2 * day).toISOString() },
        { id: 'key_3', name: 'Label Printer', maskedKey: 'gak_…Lp02', expiresAt: new Date(Date.now() + 5 * day).toISOString() },
        { id: 'key_4', name: 'Quarterly Report', maskedKey: 'gak_…Qr03', expiresAt: new Date(Date.now() + 80 * day).toISOString() },
      ],
    });
    renderPage('', server);
    const url = () => screen.getByRole('status', { name: 'url' }).textContent;
    const notice = await screen.findByText('2 keys expire within 7 days');
    await userEvent.click(screen.getByRole('button', { name: 'Show expiring keys' }));
    expect(url()).toBe('?expiring=1&sort=expires&order=asc');
    const table = screen.getByRole('table', { name: 'Active keys' });
    await waitFor(() => expect(within(table).getAllByRole('row')).toHaveLength(3));
    expect(within(table).getByRole('row', { name: /Nightly Backup/ })).toHaveTextContent('Expires in 2 days');
    expect(within(table).queryByRole('row', { name: /Quarterly Report/ })).not.toBeInTheDocument();
    expect(within(table).getByRole('columnheader', { name: 'Expires' })).toHaveAttribute('aria-sort', 'ascending');
    const asked = server.asked.filter((o) => o.name === 'ApiKeys').at(-1)!.variables;
    expect(asked.orderBy).toEqual({ field: 'EXPIRES_AT', direction: 'ASC' });
    expect(Date.parse((asked.where as { expiresAtLTE: string }).expiresAtLTE) - Date.now()).toBeGreaterThan(7 * day - 60_000);
    expect(notice).toHaveTextContent('Showing the active keys that expire within 7 days');
    expect(screen.getByText('Showing the active keys that expire within 7 days')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Show all keys' }));
    expect(url()).toBe('?sort=expires&order=asc');
    await waitFor(() => expect(within(screen.getByRole('table', { name: 'Active keys' })).getAllByRole('row')).toHaveLength(5));
    expect(screen.getByText('2 keys expire within 7 days')).toBeInTheDocument();
  });

  it('says nothing about expiry when no key expires soon, and one key in the singular', async () => {
    renderPage('', fakeServer({ keys: [{ id: 'key_2', name: 'Nightly Backup', maskedKey: 'gak_…Bk01', expiresAt: new Date(Date.now() + day).toISOString() }] }));
    expect(await screen.findByText('1 key expires within 7 days')).toBeInTheDocument();
    cleanup();
    renderPage();
    await screen.findByRole('table', { name: 'Active keys' });
    await waitFor(() => expect(screen.getByRole('tab', { name: /Active Keys/ })).toHaveTextContent('Active Keys1'));
    expect(screen.queryByText(/within 7 days/)).not.toBeInTheDocument();
  });

  it('rotates a key from its menu: the new key is shown once, and the old one works on for the chosen time', async () => {
    const server = fakeServer();
    renderPage('', server);
    const table = await screen.findByRole('table', { name: 'Active keys' });
    await userEvent.click(await within(table).findByRole('button', { name: 'More actions for ERP Sync Service' }));
    await userEvent.click(await screen.findByRole('menuitem', { name: 'Rotate' }));
    const dialog = screen.getByRole('dialog', { name: 'Rotate API key' });
    await userEvent.click(within(dialog).getByRole('radio', { name: 'In 1 hour' }));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Rotate key' }));
    const rotated = await screen.findByRole('dialog', { name: 'API key rotated' });
    expect(within(rotated).getByRole('textbox', { name: 'API key' })).toHaveValue(rotatedSecret);
    expect(rotated).toHaveTextContent('The previous key gak_…k3Zq keeps working until');
    const input = server.asked.find((o) => o.name === 'RotateApiKey')!.variables.input as { id: string; previousKeyExpiresAt: string };
    expect(input.id).toBe('key_1');
    expect(Math.abs(Date.parse(input.previousKeyExpiresAt) - (Date.now() + 60 * 60 * 1000))).toBeLessThan(60_000);
    // Both keys are active; the old one now expires today, which the page calls out.
    await waitFor(() => expect(screen.getByRole('tab', { name: /Active Keys/ })).toHaveTextContent('Active Keys2'));
    expect(await screen.findByText('1 key expires within 7 days')).toBeInTheDocument();
  });

  it('follows changes made by others: the counters from the event, the page asked for again, and a key shown once stays shown', async () => {
    const server = fakeServer();
    const live = fakeLiveClient();
    renderPage('', server, live);
    const table = await screen.findByRole('table', { name: 'Active keys' });
    await waitFor(() => expect(screen.getByRole('tab', { name: /Active Keys/ })).toHaveTextContent('Active Keys1'));
    // The page, its tab and its counters share one subscription.
    expect(live.subscriptions()).toBe(1);

    // Someone else adds a key: the counters say so at once, and the page is fetched again.
    server.keys.push({ id: 'key_2', name: 'Синхронизация склада — 倉庫同期 (nightly)', maskedKey: 'gak_…Wh7p', expiresAt: null });
    const pages = () => server.asked.filter((o) => o.name === 'ApiKeys').length;
    const before = pages();
    live.send({ kind: 'CREATED', apiKey: { id: 'key_2', name: server.keys[1].name, maskedKey: 'gak_…Wh7p', status: 'ACTIVE' }, counts: { active: 2, revoked: 0 } });
    expect(screen.getByRole('tab', { name: /Active Keys/ })).toHaveTextContent('Active Keys2');
    await waitFor(() => expect(pages()).toBe(before + 1));
    expect(await within(table).findByRole('row', { name: /Синхронизация склада/ })).toBeInTheDocument();

    // With a new key's secret on screen, another change neither closes the dialog nor loses the key.
    await userEvent.click(within(table).getByRole('button', { name: 'More actions for ERP Sync Service' }));
    await userEvent.click(await screen.findByRole('menuitem', { name: 'Rotate' }));
    await userEvent.click(within(screen.getByRole('dialog', { name: 'Rotate API key' })).getByRole('button', { name: 'Rotate key' }));
    const rotated = await screen.findByRole('dialog', { name: 'API key rotated' });
    const secret = within(rotated).getByRole('textbox', { name: 'API key' });
    server.keys[1].revoked = 'MANUAL';
    live.send({ kind: 'REVOKED', apiKey: { id: 'key_2', name: server.keys[1].name, maskedKey: 'gak_…Wh7p', status: 'REVOKED' }, counts: { active: 2, revoked: 2 } });
    expect(screen.getByRole('tab', { name: /Revoked Keys/ })).toHaveTextContent('Revoked Keys2');
    await waitFor(() => expect(within(table).queryByRole('row', { name: /Синхронизация склада/ })).not.toBeInTheDocument());
    expect(screen.getByRole('dialog', { name: 'API key rotated' })).toBe(rotated);
    expect(secret).toHaveValue(rotatedSecret);
    expect(rotated).toContainElement(document.activeElement as HTMLElement);
  });

  it('renames a key from its menu and says so', async () => {
    const server = fakeServer();
    renderPage('', server);
    const table = await screen.findByRole('table', { name: 'Active keys' });
    await userEvent.click(await within(table).findByRole('button', { name: 'More actions for ERP Sync Service' }));
    await userEvent.click(await screen.findByRole('menuitem', { name: 'Rename' }));
    const dialog = screen.getByRole('dialog', { name: 'Rename API key' });
    const field = within(dialog).getByRole('textbox', { name: /Name/ });
    await userEvent.clear(field);
    await userEvent.type(field, 'ERP Sync (Production){Enter}');
    expect(await screen.findByRole('alert')).toHaveTextContent('Renamed ERP Sync Service (gak_…k3Zq) to ERP Sync (Production)');
    expect(await within(table).findByRole('row', { name: /ERP Sync \(Production\)/ })).toBeInTheDocument();
    expect(server.asked.find((o) => o.name === 'RenameApiKey')?.variables).toEqual({ input: { id: 'key_1', name: 'ERP Sync (Production)' } });
  });

  it('lets an admin set the key policy, which the Add API Key dialog then keeps to', async () => {
    const server = fakeServer();
    renderPage('', server);
    const section = await screen.findByRole('region', { name: 'Key policy' });
    const days = await within(section).findByRole('textbox', { name: 'Maximum lifetime (days)' });
    await userEvent.type(days, '60');
    await userEvent.click(within(section).getByRole('switch', { name: /^Require an expiration date/ }));
    await userEvent.click(within(section).getByRole('button', { name: 'Save key policy' }));
    expect(await screen.findByText(/^Key policy saved/)).toBeInTheDocument();
    expect(server.asked.find((o) => o.name === 'UpdateKeyPolicy')?.variables).toEqual({ input: { maxLifetimeDays: 60, requireExpiry: true } });

    await userEvent.click(screen.getByRole('button', { name: 'Add API Key' }));
    const add = screen.getByRole('dialog', { name: 'Add API Key' });
    const expiration = within(add).getByRole('combobox', { name: 'Expiration' });
    await waitFor(() => expect(within(expiration).getAllByRole('option').map((o) => o.textContent)).toEqual(['7 days', '30 days', '60 days (the maximum)', 'Custom date…']));
  });

  it('shows the key policy to people with the Admin role only', async () => {
    renderPage('', fakeServer({ viewerKind: 'SERVICE_ACCOUNT' }));
    await screen.findByRole('table', { name: 'Active keys' });
    expect(screen.queryByRole('region', { name: 'Key policy' })).not.toBeInTheDocument();
  });

  it('opens a key’s details from its name: the URL names the key, so a link or a reload opens it again; closing forgets it', async () => {
    renderPage('?sort=name&order=asc');
    const url = () => screen.getByRole('status', { name: 'url' }).textContent;
    const table = await screen.findByRole('table', { name: 'Active keys' });
    const name = await within(table).findByRole('link', { name: 'ERP Sync Service' });
    expect(name).toHaveAttribute('href', '/admin/company-settings/api-keys?sort=name&order=asc&key=key_1');
    await userEvent.click(name);
    expect(url()).toBe('?sort=name&order=asc&key=key_1');
    const drawer = screen.getByRole('dialog', { name: 'API key details' });
    expect(await within(drawer).findByRole('heading', { name: 'ERP Sync Service' })).toBeInTheDocument();
    expect(within(drawer).getByRole('region', { name: 'Allowed networks' })).toHaveTextContent('203.0.113.0/24');
    await userEvent.keyboard('{Escape}');
    expect(url()).toBe('?sort=name&order=asc');
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());

    cleanup();
    renderPage('?key=key_1');
    expect(await within(await screen.findByRole('dialog', { name: 'API key details' })).findByRole('heading', { name: 'ERP Sync Service' })).toBeInTheDocument();
    // The app's theme names the drawer's × "Close"; this test's default theme does not.
    await userEvent.click(screen.getByRole('dialog', { name: 'API key details' }).querySelector('.mantine-Drawer-close')!);
    expect(url()).toBe('');
  });
});
