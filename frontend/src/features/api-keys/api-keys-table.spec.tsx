import { describe, expect, it, vi } from 'vitest';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MantineProvider } from '@mantine/core';
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
    lastUsedAt: null,
    revokedAt: null,
    revokedByName: null,
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
    createdByName: 'Ada Admin',
    lastUsedAt: '2026-03-11T09:00:00Z',
    revokedAt: '2026-03-12T09:00:00Z',
    revokedByName: 'Ada Admin',
  },
  ApiKeysTable_ApiKeyFragment,
);

function renderTable(props: Partial<ApiKeysTableProps>) {
  const all: ApiKeysTableProps = { status: 'ACTIVE', fetching: false, onRetry: vi.fn(), search: '', ...props };
  render(
    <MantineProvider env="test">
      <ApiKeysTable {...all} />
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
      'Actions',
    ]);
    const row = within(table).getByRole('row', { name: /ERP Sync Service/ });
    expect(row).toHaveTextContent('gak_…k3Zq');
    expect(row).toHaveTextContent('Deleted user');
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
      'Revoked by',
    ]);
    const row = within(table).getByRole('row', { name: /Reporting Dashboard/ });
    expect(row).toHaveAttribute('data-revoked');
    expect(within(row).queryByRole('button')).not.toBeInTheDocument();
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
        lastUsedAt: null,
        revokedAt: '2026-03-12T09:00:00Z',
        revokedByName: '\u202DAda\u009B Admin',
      },
      ApiKeysTable_ApiKeyFragment,
    );
    renderTable({ status: 'REVOKED', keys: [spoof] });
    const cells = within(screen.getByRole('table', { name: 'Revoked keys' })).getAllByRole('cell');
    expect(cells[0]).toHaveTextContent(/^gnp\.exe$/);
    expect(cells[2]).toHaveTextContent(/^Mallory$/);
    expect(cells[6]).toHaveTextContent(/^Ada Admin$/);
  });

  it('names the revoke action without control characters', () => {
    const spoof = makeFragmentData(
      { id: 'key_4', name: '\u202Egnp.exe', maskedKey: 'gak_…Zz98', status: 'ACTIVE', createdAt: '2026-03-10T09:00:00Z', createdByName: 'Ada', lastUsedAt: null, revokedAt: null, revokedByName: null },
      ApiKeysTable_ApiKeyFragment,
    );
    renderTable({ keys: [spoof], onRevoke: vi.fn() });
    expect(screen.getByRole('button', { name: 'Revoke API key gnp.exe' })).toBeInTheDocument();
  });
});
