import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { Kind } from 'graphql';
import { Client, Provider, cacheExchange, makeResult, type Exchange, type Operation } from 'urql';
import { filter, map, pipe } from 'wonka';
import { formatDateTime } from '../../lib/format';
import { KeyDetailsDrawer } from './key-details-drawer';

type FakeKey = {
  id: string;
  name: string;
  maskedKey: string;
  allowedNetworks: string[];
  recentClients?: { address: string; userAgent: string; lastSeenAt: string }[];
  lastUsedAt?: string | null;
  revoked?: 'MANUAL' | 'LEAKED' | 'EXPIRED';
};

const erp: FakeKey = {
  id: 'key_1',
  name: 'Ørsted Vindkraft Måledata — ERP Synchronisation for the Central Warehouse in Aarhus',
  maskedKey: 'gak_…k3Zq',
  allowedNetworks: ['203.0.113.0/24', '2001:db8::/32'],
  lastUsedAt: '2026-03-12T15:00:00Z',
  recentClients: [
    { address: '203.0.113.7', userAgent: 'ERP-Connector/4.2 (Linux; x86_64) Nordlys-Warehouse-Sync/2026.03 Mozilla/5.0 compatible', lastSeenAt: '2026-03-12T15:00:00Z' },
    { address: '2001:db8::42', userAgent: 'curl/8.5.0', lastSeenAt: '2026-03-12T14:30:00Z' },
  ],
};

const badNetwork = (entry: string) => `"${entry}" is not an IP address or a CIDR network (e.g. 203.0.113.0/24 or 2001:db8::/32)`;

/**
 * A tiny in-memory server: the keys given, their audit events, and updateAPIKey checking
 * networks roughly as the server does; operations named in failing get an internal error.
 */
function fakeServer(keys: FakeKey[], failing = new Set<string>()) {
  const asked: { name: string; variables: Record<string, unknown> }[] = [];
  const node = (k: FakeKey) => ({
    __typename: 'APIKey',
    id: k.id,
    name: k.name,
    maskedKey: k.maskedKey,
    status: k.revoked ? 'REVOKED' : 'ACTIVE',
    createdAt: '2026-03-12T14:05:00Z',
    createdByName: 'Ingrid Ørsted-Bækgaard',
    createdByKind: 'USER',
    lastUsedAt: k.lastUsedAt ?? null,
    expiresAt: null,
    revokedAt: k.revoked ? '2026-03-13T10:00:00Z' : null,
    revocationReason: k.revoked ?? null,
    revokedByName: k.revoked === 'LEAKED' ? 'Leak report' : k.revoked ? 'Ada Admin' : null,
    revokedByKind: k.revoked === 'LEAKED' || k.revoked === 'EXPIRED' ? 'SYSTEM' : k.revoked ? 'USER' : null,
    allowedNetworks: k.allowedNetworks,
    recentClients: (k.recentClients ?? []).map((c) => ({ __typename: 'KeyClient', ...c })),
    serviceAccount: { __typename: 'ServiceAccount', id: `sa_${k.id}`, role: 'VIEWER' },
  });
  const entry = (k: FakeKey) => ({
    __typename: 'AuditEntry',
    id: `aud_${k.id}`,
    action: 'API_KEY_CREATED',
    actorKind: 'USER',
    actorName: 'Ingrid Ørsted-Bækgaard',
    actorDeleted: false,
    targetKind: 'API_KEY',
    targetName: k.name,
    targetMaskedKey: k.maskedKey,
    metadata: { allowedNetworks: k.allowedNetworks },
    createdAt: '2026-03-12T14:05:00Z',
  });
  const answer = (op: Operation) => {
    const name = op.query.definitions.flatMap((d) => (d.kind === Kind.OPERATION_DEFINITION && d.name ? [d.name.value] : []))[0];
    const variables = (op.variables ?? {}) as Record<string, unknown>;
    asked.push({ name, variables });
    if (failing.has(name)) {
      return { data: null, errors: [{ message: 'internal error', extensions: { code: 'INTERNAL' } }] };
    }
    switch (name) {
      case 'KeyDetails': {
        const k = keys.find((key) => key.id === variables.id);
        if (!k) return { data: { node: null }, errors: [{ message: 'not found', extensions: { code: 'NOT_FOUND' } }] };
        return { data: { node: node(k) } };
      }
      case 'AuditTrail': {
        const k = keys.find((key) => key.id === (variables.where as { targetID?: string }).targetID);
        return {
          data: {
            auditEntries: {
              __typename: 'AuditEntryConnection',
              edges: k ? [{ __typename: 'AuditEntryEdge', node: entry(k) }] : [],
              pageInfo: { __typename: 'PageInfo', hasNextPage: false, endCursor: null },
            },
          },
        };
      }
      case 'UpdateAllowedNetworks': {
        const input = variables.input as { id: string; allowedNetworks: string[] };
        const bad = input.allowedNetworks.find((n) => !/^[0-9a-f:.]+(\/\d+)?$/i.test(n) || n.split('/')[0].split('.').some((octet) => Number(octet) > 255));
        if (bad) return { data: null, errors: [{ message: badNetwork(bad), extensions: { code: 'BAD_USER_INPUT', field: 'allowedNetworks' } }] };
        const k = keys.find((key) => key.id === input.id)!;
        k.allowedNetworks = input.allowedNetworks;
        return { data: { updateAPIKey: { __typename: 'UpdateAPIKeyPayload', apiKey: { __typename: 'APIKey', id: k.id, allowedNetworks: k.allowedNetworks } } } };
      }
      default:
        throw new Error(`unexpected operation ${name}`);
    }
  };
  const exchange: Exchange = () => (ops$) =>
    pipe(
      ops$,
      filter((op) => op.kind !== 'teardown'),
      map((op) => makeResult(op, answer(op))),
    );
  return { client: new Client({ url: '/graphql', exchanges: [cacheExchange, exchange] }), asked };
}

function renderDrawer({ keys = [{ ...erp }], keyId = 'key_1', canManage = true, server = fakeServer(keys) } = {}) {
  const onClose = vi.fn();
  render(
    <MantineProvider env="test">
      <Notifications />
      <Provider value={server.client}>
        <KeyDetailsDrawer keyId={keyId} onClose={onClose} canManage={canManage} />
      </Provider>
    </MantineProvider>,
  );
  return { server, onClose, drawer: screen.getByRole('dialog', { name: 'API key details' }) };
}

const section = (drawer: HTMLElement, name: string) => within(drawer).getByRole('region', { name });

describe('KeyDetailsDrawer', () => {
  it('shows the key as the table does and more: its networks, the addresses it was used from, and its events', async () => {
    const { drawer, server } = renderDrawer();
    expect(await within(drawer).findByRole('heading', { name: erp.name })).toBeInTheDocument();
    expect(drawer).toHaveTextContent('gak_…k3Zq');
    expect(drawer).toHaveTextContent('Viewer');
    expect(drawer).toHaveTextContent('Active');
    expect(within(drawer).getByText('Created').nextElementSibling).toHaveTextContent('by Ingrid Ørsted-Bækgaard');
    expect(within(drawer).getByText('Expires').nextElementSibling).toHaveTextContent('Never');
    expect(within(drawer).getByText('Last used').nextElementSibling?.querySelector('time')).toHaveAttribute('dateTime', erp.lastUsedAt);

    const networks = section(drawer, 'Allowed networks');
    expect(within(networks).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['203.0.113.0/24', '2001:db8::/32']);
    expect(networks).toHaveTextContent('From any other address the key is refused.');

    const clients = within(section(drawer, 'Recent clients')).getByRole('table', { name: 'Recent clients' });
    const rows = within(clients).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent('203.0.113.7');
    expect(rows[0]).toHaveTextContent('ERP-Connector/4.2');
    const seen = rows[0].querySelector('time')!;
    expect(seen).toHaveAttribute('dateTime', '2026-03-12T15:00:00Z');
    expect(seen).toHaveAttribute('title', formatDateTime('2026-03-12T15:00:00Z'));
    expect(seen.textContent).toMatch(/ago$/);
    expect(rows[1]).toHaveTextContent('2001:db8::42');

    const events = await within(section(drawer, 'Events')).findByRole('table', { name: 'Events of this key' });
    expect(within(events).getAllByRole('row')[1]).toHaveTextContent('Created API key');
    expect(within(events).getAllByRole('row')[1]).toHaveTextContent('Allowed networks: 203.0.113.0/24, 2001:db8::/32');
    expect(server.asked.find((o) => o.name === 'AuditTrail')?.variables.where).toEqual({ targetID: 'key_1' });
  });

  it('lets an admin edit the networks in place: the server’s complaint lands on the field, a valid list saves and says so', async () => {
    const { drawer, server } = renderDrawer();
    const networks = await within(drawer).findByRole('region', { name: 'Allowed networks' });
    await userEvent.click(within(networks).getByRole('button', { name: 'Edit allowed networks' }));
    const field = within(networks).getByRole('textbox', { name: 'Allowed networks' });
    expect(field).toHaveFocus();
    expect(field).toHaveValue('203.0.113.0/24\n2001:db8::/32');
    expect(field).toHaveAccessibleDescription(/One IP address or CIDR network per line.*Empty: any address/);

    await userEvent.clear(field);
    await userEvent.type(field, '10.0.0.0/8, 10.0.0.300{Enter} 198.51.100.7 ');
    await userEvent.click(within(networks).getByRole('button', { name: 'Save' }));
    expect(await within(networks).findByText(badNetwork('10.0.0.300'))).toBeInTheDocument();
    expect(field).toHaveAttribute('aria-invalid', 'true');
    expect(field).toHaveFocus();
    expect(within(drawer).queryByRole('alert')).not.toBeInTheDocument();
    expect(server.asked.filter((o) => o.name === 'UpdateAllowedNetworks').at(-1)?.variables.input).toEqual({
      id: 'key_1',
      allowedNetworks: ['10.0.0.0/8', '10.0.0.300', '198.51.100.7'],
    });

    await userEvent.clear(field);
    await userEvent.type(field, '10.0.0.0/8{Enter}198.51.100.7');
    expect(field).not.toHaveAttribute('aria-invalid', 'true');
    await userEvent.click(within(networks).getByRole('button', { name: 'Save' }));
    expect(await screen.findByText(`Saved the allowed networks of ${erp.name} (gak_…k3Zq)`)).toBeInTheDocument();
    await waitFor(() => expect(within(networks).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['10.0.0.0/8', '198.51.100.7']));
    expect(within(networks).queryByRole('textbox')).not.toBeInTheDocument();
    expect(within(networks).getByRole('button', { name: 'Edit allowed networks' })).toHaveFocus();
    expect(server.asked.filter((o) => o.name === 'UpdateAllowedNetworks').at(-1)?.variables.input).toEqual({ id: 'key_1', allowedNetworks: ['10.0.0.0/8', '198.51.100.7'] });
  });

  it('empties the list for any address, and sends nothing for Cancel, Escape or an unchanged list', async () => {
    const { drawer, server, onClose } = renderDrawer();
    const networks = await within(drawer).findByRole('region', { name: 'Allowed networks' });
    const edit = () => userEvent.click(within(networks).getByRole('button', { name: 'Edit allowed networks' }));

    await edit();
    await userEvent.type(within(networks).getByRole('textbox'), ' 192.0.2.1');
    await userEvent.click(within(networks).getByRole('button', { name: 'Cancel' }));
    expect(within(networks).getAllByRole('listitem')).toHaveLength(2);

    // Escape in the field gives up the edit, not the drawer.
    await edit();
    await userEvent.type(within(networks).getByRole('textbox'), ' 192.0.2.1{Escape}');
    expect(within(networks).queryByRole('textbox')).not.toBeInTheDocument();
    expect(onClose).not.toHaveBeenCalled();

    // The same networks, differently spaced.
    await edit();
    const field = within(networks).getByRole('textbox');
    await userEvent.clear(field);
    await userEvent.type(field, ' 203.0.113.0/24 ,, 2001:db8::/32 ');
    await userEvent.click(within(networks).getByRole('button', { name: 'Save' }));
    expect(within(networks).queryByRole('textbox')).not.toBeInTheDocument();
    expect(server.asked.some((o) => o.name === 'UpdateAllowedNetworks')).toBe(false);

    await edit();
    await userEvent.clear(within(networks).getByRole('textbox'));
    await userEvent.click(within(networks).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(networks).toHaveTextContent('Any address'));
    expect(networks).toHaveTextContent('The key works from anywhere.');
    expect(server.asked.find((o) => o.name === 'UpdateAllowedNetworks')?.variables.input).toEqual({ id: 'key_1', allowedNetworks: [] });
  });

  it('is read-only for a viewer who may not change keys', async () => {
    const { drawer } = renderDrawer({ canManage: false });
    const networks = await within(drawer).findByRole('region', { name: 'Allowed networks' });
    expect(within(networks).getAllByRole('listitem')).toHaveLength(2);
    expect(within(drawer).queryByRole('button', { name: /Edit/ })).not.toBeInTheDocument();
    expect(networks).not.toHaveTextContent('revoked');
  });

  it('shows a leaked key as revoked and read-only, never used, from any address', async () => {
    const leaked: FakeKey = { id: 'key_2', name: 'Москва Склад Синхронизация', maskedKey: 'gak_…Lk01', allowedNetworks: [], revoked: 'LEAKED' };
    const { drawer } = renderDrawer({ keys: [leaked], keyId: 'key_2' });
    expect(await within(drawer).findByRole('heading', { name: leaked.name })).toBeInTheDocument();
    expect(drawer).toHaveTextContent('Revoked');
    expect(within(drawer).getByText('Revoked', { selector: 'dt' }).nextElementSibling).toHaveTextContent('Leaked — reported by a leak report');
    expect(within(drawer).getByText('Last used').nextElementSibling).toHaveTextContent('Never used');
    const networks = section(drawer, 'Allowed networks');
    expect(networks).toHaveTextContent('Any address');
    expect(networks).toHaveTextContent('A revoked key cannot be changed.');
    expect(within(networks).queryByRole('button')).not.toBeInTheDocument();
    expect(section(drawer, 'Recent clients')).toHaveTextContent('Not used yet');
  });

  it('calls a key the server ended at its expiry Expired', async () => {
    const expired: FakeKey = { id: 'key_3', name: 'Quarterly Report', maskedKey: 'gak_…Qr03', allowedNetworks: [], revoked: 'EXPIRED' };
    const { drawer } = renderDrawer({ keys: [expired], keyId: 'key_3' });
    await within(drawer).findByRole('heading', { name: 'Quarterly Report' });
    expect(within(drawer).getByText('Expired', { selector: '.mantine-Badge-label' })).toBeInTheDocument();
  });

  it('says when a link names no key of the company', async () => {
    const { drawer } = renderDrawer({ keyId: 'key_404' });
    expect(await within(drawer).findByRole('alert')).toHaveTextContent('API key not found');
  });

  it('offers Retry when the key could not be loaded', async () => {
    const failing = new Set(['KeyDetails']);
    const { drawer } = renderDrawer({ server: fakeServer([{ ...erp }], failing) });
    const error = await within(drawer).findByRole('alert');
    expect(error).toHaveTextContent('Could not load the API key');
    expect(error).toHaveTextContent('internal error');
    failing.clear();
    await userEvent.click(within(error).getByRole('button', { name: 'Retry' }));
    expect(await within(drawer).findByRole('heading', { name: erp.name })).toBeInTheDocument();
  });
});
