import { describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MantineProvider } from '@mantine/core';
import { MemoryRouter, useLocation } from 'react-router';
import { makeFragmentData } from '../../gql';
import { ApiKeysTable, ApiKeysTable_ApiKeyFragment, type ApiKeysTableProps } from './api-keys-table';

const erp = makeFragmentData(
  {
    id: 'key_1',
    name: 'ERP Sync Service',
    maskedKey: 'gak_…k3Zq',
    status: 'ACTIVE',
    createdAt: '2026-03-12T14:05:00Z',
    createdByName: 'Deleted user',
    createdByKind: 'USER',
    lastUsedAt: null,
    expiresAt: null,
    revokedAt: null,
    revokedByName: null,
    revokedByKind: null,
    revocationReason: null,
    allowedNetworks: [],
    serviceAccount: { id: 'sa_1', role: 'VIEWER' },
  },
  ApiKeysTable_ApiKeyFragment,
);
const dashboard = makeFragmentData(
  {
    id: 'key_2',
    name: 'Reporting Dashboard',
    maskedKey: 'gak_…Ab12',
    status: 'REVOKED',
    createdAt: '2026-03-10T09:00:00Z',
    createdByName: 'Provisioner',
    createdByKind: 'SERVICE_ACCOUNT',
    lastUsedAt: '2026-03-11T09:00:00Z',
    expiresAt: null,
    revokedAt: '2026-03-12T09:00:00Z',
    revokedByName: 'Ada Admin',
    revokedByKind: 'USER',
    revocationReason: 'MANUAL',
    allowedNetworks: [],
    serviceAccount: { id: 'sa_2', role: 'ADMIN' },
  },
  ApiKeysTable_ApiKeyFragment,
);

/** Shows the router's location, for the tests of what a click opens. */
function Location() {
  const { search } = useLocation();
  return <output aria-label="location">{search}</output>;
}

function renderTable(props: Partial<ApiKeysTableProps>) {
  const all: ApiKeysTableProps = { status: 'ACTIVE', fetching: false, onRetry: vi.fn(), search: '', ...props };
  render(
    <MantineProvider env="test">
      <MemoryRouter>
        <ApiKeysTable {...all} />
        <Location />
      </MemoryRouter>
    </MantineProvider>,
  );
  return all;
}

describe('ApiKeysTable', () => {
  it('shows skeleton rows while the first page loads', () => {
    renderTable({ fetching: true });
    const table = screen.getByRole('table', { name: 'Active keys' });
    expect(table).toHaveAttribute('aria-busy', 'true');
    expect(within(table).getAllByTestId('skeleton-row')).toHaveLength(3);
  });

  it('invites to add the first key when there are none', async () => {
    const onAdd = vi.fn();
    renderTable({ keys: [], onAdd });
    expect(screen.getByText('No active API keys')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Add your first API key' }));
    expect(onAdd).toHaveBeenCalled();
  });

  it('has no call to action on an empty Revoked tab', () => {
    renderTable({ status: 'REVOKED', keys: [] });
    expect(screen.getByText('No revoked API keys')).toBeInTheDocument();
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
  });

  it('says when a search finds nothing', () => {
    renderTable({ keys: [], search: 'erp' });
    expect(screen.getByText('No keys match “erp”')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Add your first API key' })).not.toBeInTheDocument();
  });

  it('shows an error with Retry', async () => {
    const props = renderTable({ error: 'The server could not be reached. Check your connection and try again.' });
    expect(screen.getByRole('alert')).toHaveTextContent('The server could not be reached');
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(props.onRetry).toHaveBeenCalled();
  });

  it('lists active keys with their creator, "Never" used, and a labelled revoke action', async () => {
    const onRevoke = vi.fn();
    renderTable({
      keys: [erp],
      onRevoke,
      pagination: { pageIndex: 0, pageSize: 20, totalCount: 1, hasNext: false, hasPrevious: false, onNext: vi.fn(), onPrevious: vi.fn() },
    });
    const table = screen.getByRole('table', { name: 'Active keys' });
    expect(within(table).getAllByRole('columnheader').map((h) => h.textContent)).toEqual([
      'Name',
      'Key',
      'Created by',
      'Creation date',
      'Last used',
      'Expires',
      'Actions',
    ]);
    const row = within(table).getByRole('row', { name: /ERP Sync Service/ });
    expect(row).toHaveTextContent('gak_…k3Zq');
    expect(row).toHaveTextContent('Deleted user');
    expect(row).not.toHaveTextContent('service account');
    expect(within(within(row).getAllByRole('cell')[0]).getByText('Viewer')).toBeInTheDocument();
    expect(row).toHaveTextContent('Never');
    expect(within(row).getByText(/2026/).closest('time')).toHaveAttribute('dateTime', '2026-03-12T14:05:00Z');
    expect(screen.getByText('1–1 of 1')).toBeInTheDocument();
    await userEvent.click(within(row).getByRole('button', { name: 'Revoke API key ERP Sync Service' }));
    expect(onRevoke).toHaveBeenCalledWith({ id: 'key_1', name: 'ERP Sync Service', maskedKey: 'gak_…k3Zq' });
  });

  it('shows when and by whom revoked keys were revoked, without a revoke action', () => {
    renderTable({ status: 'REVOKED', keys: [dashboard] });
    const table = screen.getByRole('table', { name: 'Revoked keys' });
    expect(within(table).getAllByRole('columnheader').map((h) => h.textContent)).toEqual([
      'Name',
      'Key',
      'Created by',
      'Creation date',
      'Last used',
      'Revoked',
      'Reason',
    ]);
    const row = within(table).getByRole('row', { name: /Reporting Dashboard/ });
    expect(row).toHaveAttribute('data-revoked');
    expect(within(row).queryByRole('button')).not.toBeInTheDocument();
    const cells = within(row).getAllByRole('cell');
    expect(cells[0]).toHaveTextContent(/^Reporting DashboardAdmin$/);
    expect(cells[2]).toHaveTextContent(/^Provisioner \(service account\)$/);
    expect(cells[6]).toHaveTextContent(/^Revoked by Ada Admin$/);
  });

  it('pages with Previous and Next', async () => {
    const onNext = vi.fn();
    const onPrevious = vi.fn();
    renderTable({
      keys: [erp],
      pagination: { pageIndex: 1, pageSize: 20, totalCount: 21, hasNext: false, hasPrevious: true, onNext, onPrevious },
    });
    expect(screen.getByText('21–21 of 21')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Next' }));
    expect(onNext).not.toHaveBeenCalled();
    expect(screen.getByRole('button', { name: 'Next' })).toHaveAttribute('aria-disabled', 'true');
    await userEvent.click(screen.getByRole('button', { name: 'Previous' }));
    expect(onPrevious).toHaveBeenCalled();
  });

  it('shows names without their control and direction-override characters', () => {
    const spoof = makeFragmentData(
      {
        id: 'key_3',
        name: '\u202Egnp.exe',
        maskedKey: 'gak_…Zz99',
        status: 'REVOKED',
        createdAt: '2026-03-10T09:00:00Z',
        createdByName: 'Mal\u0007lory\u2066',
        createdByKind: 'USER',
        lastUsedAt: null,
        expiresAt: null,
        revokedAt: '2026-03-12T09:00:00Z',
        revokedByName: '\u202DAda\u009B Admin',
        revokedByKind: 'USER',
        revocationReason: 'MANUAL',
        allowedNetworks: [],
        serviceAccount: { id: 'sa_3', role: 'VIEWER' },
      },
      ApiKeysTable_ApiKeyFragment,
    );
    renderTable({ status: 'REVOKED', keys: [spoof] });
    const cells = within(screen.getByRole('table', { name: 'Revoked keys' })).getAllByRole('cell');
    expect(cells[0].querySelector('[dir="auto"]')).toHaveTextContent(/^gnp\.exe$/);
    expect(cells[2]).toHaveTextContent(/^Mallory$/);
    expect(cells[6]).toHaveTextContent(/^Revoked by Ada Admin$/);
  });

  it('names the revoke action without control characters', () => {
    const spoof = makeFragmentData(
      {
        id: 'key_4',
        name: '\u202Egnp.exe',
        maskedKey: 'gak_…Zz98',
        status: 'ACTIVE',
        createdAt: '2026-03-10T09:00:00Z',
        createdByName: 'Ada',
        createdByKind: 'USER',
        lastUsedAt: null,
        expiresAt: null,
        revokedAt: null,
        revokedByName: null,
        revokedByKind: null,
        revocationReason: null,
        allowedNetworks: [],
        serviceAccount: { id: 'sa_4', role: 'VIEWER' },
      },
      ApiKeysTable_ApiKeyFragment,
    );
    renderTable({ keys: [spoof], onRevoke: vi.fn() });
    expect(screen.getByRole('button', { name: 'Revoke API key gnp.exe' })).toBeInTheDocument();
  });

  it('sorts by a column header: aria-sort on the sorted column, the other direction on a second click', async () => {
    const onSort = vi.fn();
    renderTable({ status: 'REVOKED', keys: [dashboard], sort: { field: 'revoked', direction: 'desc' }, onSort });
    const table = screen.getByRole('table', { name: 'Revoked keys' });
    const header = (name: string) => within(table).getByRole('columnheader', { name });
    expect(header('Revoked')).toHaveAttribute('aria-sort', 'descending');
    for (const other of ['Name', 'Creation date', 'Last used']) expect(header(other)).not.toHaveAttribute('aria-sort');
    // Columns that do not sort have no button.
    for (const plain of ['Key', 'Created by', 'Reason']) expect(within(header(plain)).queryByRole('button')).not.toBeInTheDocument();

    await userEvent.click(within(header('Revoked')).getByRole('button', { name: 'Revoked' }));
    expect(onSort).toHaveBeenLastCalledWith({ field: 'revoked', direction: 'asc' });
    await userEvent.click(within(header('Name')).getByRole('button', { name: 'Name' }));
    expect(onSort).toHaveBeenLastCalledWith({ field: 'name', direction: 'asc' });
    await userEvent.click(within(header('Last used')).getByRole('button', { name: 'Last used' }));
    expect(onSort).toHaveBeenLastCalledWith({ field: 'last-used', direction: 'desc' });
  });

  it('marks an ascending sort and offers no Revoked column on the Active tab', () => {
    renderTable({ keys: [erp], sort: { field: 'name', direction: 'asc' }, onSort: vi.fn(), onRevoke: vi.fn() });
    const table = screen.getByRole('table', { name: 'Active keys' });
    expect(within(table).getByRole('columnheader', { name: 'Name' })).toHaveAttribute('aria-sort', 'ascending');
    expect(within(table).queryByRole('columnheader', { name: 'Revoked' })).not.toBeInTheDocument();
  });

  it('shows one card per key with its role, creator, times and a named Revoke button', async () => {
    const onRevoke = vi.fn();
    const provisioned = makeFragmentData(
      {
        id: 'key_5',
        name: 'Ørsted Vindkraft Integration',
        maskedKey: 'gak_…ExxQ',
        status: 'ACTIVE',
        createdAt: '2026-03-12T14:05:00Z',
        createdByName: 'Provisioner',
        createdByKind: 'SERVICE_ACCOUNT',
        lastUsedAt: null,
        expiresAt: null,
        revokedAt: null,
        revokedByName: null,
        revokedByKind: null,
        revocationReason: null,
        allowedNetworks: [],
        serviceAccount: { id: 'sa_5', role: 'ADMIN' },
      },
      ApiKeysTable_ApiKeyFragment,
    );
    renderTable({ keys: [erp, provisioned], layout: 'cards', onRevoke, sort: { field: 'created', direction: 'desc' }, onSort: vi.fn() });
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
    const cards = within(screen.getByRole('list', { name: 'Active keys' })).getAllByRole('listitem');
    expect(cards).toHaveLength(2);
    expect(cards[0]).toHaveTextContent('ERP Sync Service');
    expect(cards[0]).toHaveTextContent('Viewer');
    expect(cards[0]).toHaveTextContent('Last used: Never');
    expect(cards[0]).toHaveTextContent(/Created: .*2026.* by Deleted user/);
    expect(cards[1]).toHaveTextContent('Admin');
    expect(cards[1]).toHaveTextContent('gak_…ExxQ');
    expect(cards[1]).toHaveTextContent('by Provisioner (service account)');
    expect(cards[1].querySelector('time')).toHaveAttribute('dateTime', '2026-03-12T14:05:00Z');
    await userEvent.click(within(cards[1]).getByRole('button', { name: 'Revoke API key Ørsted Vindkraft Integration' }));
    expect(onRevoke).toHaveBeenCalledWith({ id: 'key_5', name: 'Ørsted Vindkraft Integration', maskedKey: 'gak_…ExxQ' });
  });

  it('sorts cards with a Sort by menu, as there are no column headers', async () => {
    const onSort = vi.fn();
    renderTable({ status: 'REVOKED', keys: [dashboard], layout: 'cards', sort: { field: 'revoked', direction: 'desc' }, onSort });
    const card = within(screen.getByRole('list', { name: 'Revoked keys' })).getByRole('listitem');
    expect(card).toHaveAttribute('data-revoked');
    expect(card).toHaveTextContent(/Revoked: .*2026.* by Ada Admin/);
    expect(within(card).queryByRole('button')).not.toBeInTheDocument();
    const select = screen.getByRole('combobox', { name: 'Sort by' });
    expect(select).toHaveValue('Most recently revoked first');
    await userEvent.click(select);
    await userEvent.click(await screen.findByRole('option', { name: 'Name, A to Z' }));
    expect(onSort).toHaveBeenCalledWith({ field: 'name', direction: 'asc' });
  });

  it('keeps skeleton cards while the first page loads on a phone', () => {
    renderTable({ fetching: true, layout: 'cards' });
    expect(screen.getByRole('list', { name: 'Active keys' })).toHaveAttribute('aria-busy', 'true');
    expect(screen.getAllByTestId('skeleton-row')).toHaveLength(3);
  });

  it('shows when active keys expire: never, a time, and a warning within 7 days', () => {
    const day = 24 * 60 * 60 * 1000;
    const key = (id: string, name: string, expiresAt: string | null) =>
      makeFragmentData(
        {
          id,
          name,
          maskedKey: `gak_…${id.slice(-4).padStart(4, '0')}`,
          status: 'ACTIVE',
          createdAt: '2026-03-12T14:05:00Z',
          createdByName: 'Ada Admin',
          createdByKind: 'USER',
          lastUsedAt: null,
          expiresAt,
          revokedAt: null,
          revokedByName: null,
          revokedByKind: null,
          revocationReason: null,
          allowedNetworks: [],
          serviceAccount: { id: `sa_${id}`, role: 'VIEWER' },
        },
        ApiKeysTable_ApiKeyFragment,
      );
    const later = new Date(Date.now() + 60 * day).toISOString();
    const soon = new Date(Date.now() + 3 * day).toISOString();
    renderTable({
      keys: [
        key('key_a', 'Forever', null),
        key('key_b', 'Quarterly', later),
        key('key_c', 'Soon', soon),
        key('key_d', 'Gone', new Date(Date.now() - 60_000).toISOString()),
      ],
    });
    const table = screen.getByRole('table', { name: 'Active keys' });
    const expires = (name: string) => within(within(table).getByRole('row', { name: new RegExp(name) })).getAllByRole('cell')[5];
    expect(expires('Forever')).toHaveTextContent(/^Never$/);
    expect(expires('Quarterly').querySelector('time')).toHaveAttribute('dateTime', later);
    expect(expires('Quarterly')).not.toHaveTextContent('Expires');
    expect(expires('Soon').querySelector('time')).toHaveAttribute('dateTime', soon);
    expect(expires('Soon')).toHaveTextContent('Expires in 3 days');
    expect(expires('Gone')).toHaveTextContent('Expired');
  });

  it('offers Rotate and Rename in a menu named after the key, beside Revoke', async () => {
    const onRotate = vi.fn();
    const onRename = vi.fn();
    renderTable({ keys: [erp], onRevoke: vi.fn(), onRotate, onRename });
    const row = within(screen.getByRole('table', { name: 'Active keys' })).getByRole('row', { name: /ERP Sync Service/ });
    const more = within(row).getByRole('button', { name: 'More actions for ERP Sync Service' });
    expect(more).toHaveAttribute('aria-haspopup', 'menu');
    await userEvent.click(more);
    const menu = await screen.findByRole('menu');
    expect(within(menu).getAllByRole('menuitem').map((i) => i.textContent)).toEqual(['Rotate', 'Rename']);
    await userEvent.click(within(menu).getByRole('menuitem', { name: 'Rotate' }));
    expect(onRotate).toHaveBeenCalledWith({ id: 'key_1', name: 'ERP Sync Service', maskedKey: 'gak_…k3Zq', expiresAt: null, allowedNetworks: [] });
    // By keyboard: Enter opens the menu on its first item, the arrow keys move, Enter chooses.
    more.focus();
    await userEvent.keyboard('{Enter}');
    await waitFor(() => expect(screen.getByRole('menuitem', { name: 'Rotate' })).toHaveFocus());
    await userEvent.keyboard('{ArrowDown}');
    expect(screen.getByRole('menuitem', { name: 'Rename' })).toHaveFocus();
    await userEvent.keyboard('{Enter}');
    expect(onRename).toHaveBeenCalledWith({ id: 'key_1', name: 'ERP Sync Service', maskedKey: 'gak_…k3Zq' });
  });

  it('says why each revoked key ended: revoked by someone, expired, rotated or leaked', () => {
    const ended = (id: string, name: string, revocationReason: 'EXPIRED' | 'ROTATED' | 'LEAKED', by: string, kind: 'USER' | 'SYSTEM') =>
      makeFragmentData(
        {
          id,
          name,
          maskedKey: 'gak_…Zz11',
          status: 'REVOKED',
          createdAt: '2026-03-10T09:00:00Z',
          createdByName: 'Ada Admin',
          createdByKind: 'USER',
          lastUsedAt: null,
          expiresAt: '2026-03-12T09:00:00Z',
          revokedAt: '2026-03-12T09:00:00Z',
          revokedByName: by,
          revokedByKind: kind,
          revocationReason,
          allowedNetworks: [],
          serviceAccount: { id: `sa_${id}`, role: 'VIEWER' },
        },
        ApiKeysTable_ApiKeyFragment,
      );
    const keys = [
      dashboard,
      ended('key_e', 'Expired One', 'EXPIRED', 'System', 'SYSTEM'),
      ended('key_r', 'Rotated One', 'ROTATED', 'Ada Admin', 'USER'),
      ended('key_o', 'Overlap Over', 'ROTATED', 'System', 'SYSTEM'),
      ended('key_l', 'Leaked One', 'LEAKED', 'Leak report', 'SYSTEM'),
    ];
    const { unmount } = render(
      <MantineProvider env="test">
        <ApiKeysTable status="REVOKED" keys={keys} fetching={false} onRetry={vi.fn()} search="" />
      </MantineProvider>,
    );
    const table = screen.getByRole('table', { name: 'Revoked keys' });
    const reason = (name: string) => within(within(table).getByRole('row', { name: new RegExp(name) })).getAllByRole('cell')[6];
    expect(reason('Reporting Dashboard')).toHaveTextContent(/^Revoked by Ada Admin$/);
    expect(reason('Expired One')).toHaveTextContent(/^Expired$/);
    expect(reason('Rotated One')).toHaveTextContent(/^Rotatedby Ada Admin$/);
    expect(reason('Overlap Over')).toHaveTextContent(/^Rotated$/);
    expect(reason('Leaked One')).toHaveTextContent(/^Leaked — reported by a leak report$/);
    unmount();

    renderTable({ status: 'REVOKED', keys, layout: 'cards' });
    const cards = within(screen.getByRole('list', { name: 'Revoked keys' })).getAllByRole('listitem');
    expect(cards[0]).toHaveTextContent(/Revoked: .*2026.* by Ada Admin/);
    expect(cards[0]).not.toHaveTextContent('Reason');
    expect(cards[1]).toHaveTextContent('Reason: Expired');
    expect(cards[1]).not.toHaveTextContent('System');
    expect(cards[2]).toHaveTextContent(/Revoked: .*2026.* by Ada Admin.*Reason: Rotated/);
    expect(cards[4]).toHaveTextContent('Reason: Leaked — reported by a leak report');
  });

  it('sorts active keys by expiry, soonest first, from the header or the cards’ menu', async () => {
    const onSort = vi.fn();
    const { unmount } = render(
      <MantineProvider env="test">
        <ApiKeysTable status="ACTIVE" keys={[erp]} fetching={false} onRetry={vi.fn()} search="" sort={{ field: 'created', direction: 'desc' }} onSort={onSort} />
      </MantineProvider>,
    );
    await userEvent.click(within(screen.getByRole('columnheader', { name: 'Expires' })).getByRole('button', { name: 'Expires' }));
    expect(onSort).toHaveBeenLastCalledWith({ field: 'expires', direction: 'asc' });
    unmount();

    renderTable({ keys: [erp], layout: 'cards', sort: { field: 'expires', direction: 'asc' }, onSort });
    expect(screen.getByRole('combobox', { name: 'Sort by' })).toHaveValue('Expiring soonest first');
  });

  it('shows each card’s expiry and a menu beside Revoke', async () => {
    const onRename = vi.fn();
    renderTable({ keys: [erp], layout: 'cards', onRevoke: vi.fn(), onRotate: vi.fn(), onRename });
    const card = within(screen.getByRole('list', { name: 'Active keys' })).getByRole('listitem');
    expect(card).toHaveTextContent('Expires: Never');
    expect(within(card).getByRole('button', { name: 'Revoke API key ERP Sync Service' })).toBeInTheDocument();
    await userEvent.click(within(card).getByRole('button', { name: 'More actions for ERP Sync Service' }));
    await userEvent.click(await screen.findByRole('menuitem', { name: 'Rename' }));
    expect(onRename).toHaveBeenCalledWith({ id: 'key_1', name: 'ERP Sync Service', maskedKey: 'gak_…k3Zq' });
  });

  it('says when no key expires soon while only those are listed', () => {
    renderTable({ keys: [], expiring: true, onAdd: vi.fn() });
    expect(screen.getByText('No active keys expire within 7 days')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Add your first API key' })).not.toBeInTheDocument();
  });

  it('makes each name a link to the key’s details, in the table and the cards, revoked keys too', () => {
    const detailsLink = (id: string) => ({ search: `?key=${id}` });
    renderTable({ keys: [erp], detailsLink });
    const row = within(screen.getByRole('table', { name: 'Active keys' })).getByRole('row', { name: /ERP Sync Service/ });
    expect(within(row).getByRole('link', { name: 'ERP Sync Service' })).toHaveAttribute('href', '/?key=key_1');
    cleanup();
    renderTable({ status: 'REVOKED', keys: [dashboard], layout: 'cards', detailsLink });
    const card = within(screen.getByRole('list', { name: 'Revoked keys' })).getByRole('listitem');
    expect(within(card).getByRole('link', { name: 'Reporting Dashboard' })).toHaveAttribute('href', '/?key=key_2');
    cleanup();
    // Without a place to go, names stay text.
    renderTable({ keys: [erp] });
    expect(screen.queryByRole('link')).not.toBeInTheDocument();
  });

  it('opens the key’s details from a click anywhere on its row, but not from the row’s own controls', async () => {
    const user = userEvent.setup();
    const onRevoke = vi.fn();
    renderTable({ keys: [erp], detailsLink: (id: string) => ({ search: `?key=${id}` }), onRevoke });
    const row = within(screen.getByRole('table', { name: 'Active keys' })).getByRole('row', { name: /ERP Sync Service/ });
    const location = screen.getByRole('status', { name: 'location' });
    await user.click(within(row).getByRole('button', { name: /^Revoke API key / }));
    expect(onRevoke).toHaveBeenCalled();
    expect(location).toHaveTextContent('');
    await user.click(within(row).getByText('gak_…k3Zq'));
    expect(location).toHaveTextContent('?key=key_1');
  });
});
