import { describe, expect, it, vi } from 'vitest';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MantineProvider } from '@mantine/core';
import { makeFragmentData } from '../../gql';
import { AuditEntryList, AuditEntryList_EntryFragment, type AuditEntryListProps } from './audit-entry-list';

/** An entry's place in the hash chain, and the address and user agent it came from (as an admin person sees them). */
const chained = (sequence: number, ip: string | null = '203.0.113.7', userAgent: string | null = 'Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0') => ({
  sequence,
  hash: sequence.toString(16).padStart(64, '3f2a9c1d'),
  ip,
  userAgent,
});

const revokedFields = {
  id: 'aud_2',
  ...chained(2),
  action: 'API_KEY_REVOKED',
  actorKind: 'USER',
  actorName: 'Ada Admin',
  actorDeleted: false,
  targetKind: 'API_KEY',
  targetName: 'ERP Sync Service',
  targetMaskedKey: 'gak_…ExxQ',
  metadata: {},
  createdAt: '2026-03-12T14:05:00Z',
} as const;
const revoked = makeFragmentData(revokedFields, AuditEntryList_EntryFragment);
const createdFields = {
  id: 'aud_1',
  ...chained(1),
  action: 'API_KEY_CREATED',
  actorKind: 'SERVICE_ACCOUNT',
  actorName: 'Provisioner',
  actorDeleted: false,
  targetKind: 'API_KEY',
  targetName: 'ERP Sync Service',
  targetMaskedKey: 'gak_…b7Rt',
  metadata: {},
  createdAt: '2026-03-12T14:00:00Z',
} as const;
const created = makeFragmentData(createdFields, AuditEntryList_EntryFragment);

/** A phone: every max-width query matches. */
function onAPhone() {
  return vi.spyOn(window, 'matchMedia').mockImplementation(
    (query) =>
      ({
        matches: query.includes('max-width'),
        media: query,
        onchange: null,
        addListener: () => {},
        removeListener: () => {},
        addEventListener: () => {},
        removeEventListener: () => {},
        dispatchEvent: () => false,
      }) as MediaQueryList,
  );
}

function renderList(props: Partial<AuditEntryListProps>) {
  const all: AuditEntryListProps = {
    label: 'API key events',
    entries: [],
    fetching: false,
    hasNextPage: false,
    onLoadMore: vi.fn(),
    onRetry: vi.fn(),
    emptyMessage: 'No API key events yet',
    ...props,
  };
  render(
    <MantineProvider env="test">
      <AuditEntryList {...all} />
    </MantineProvider>,
  );
  return all;
}

describe('AuditEntryList', () => {
  it('says what happened, who did it, to what and when, in the given order', () => {
    renderList({ entries: [revoked, created] });
    const rows = within(screen.getByRole('table', { name: 'API key events' }))
      .getAllByRole('row')
      .slice(1);
    expect(rows[0]).toHaveTextContent('Revoked API key');
    expect(rows[0]).toHaveTextContent('Ada Admin');
    expect(rows[0]).toHaveTextContent('ERP Sync Service');
    expect(rows[0].querySelector('time')).toHaveAttribute('dateTime', '2026-03-12T14:05:00Z');
    expect(rows[1]).toHaveTextContent('Created API key');
    expect(rows[1]).toHaveTextContent('Provisioner (service account)');
  });

  it('tells apart keys of one name by their masked key, and marks deleted people', () => {
    const byDeleted = makeFragmentData(
      {
        id: 'aud_3',
        ...chained(3),
        action: 'API_KEY_CREATED',
        actorKind: 'USER',
        actorName: 'Jørgen Ødegård',
        actorDeleted: true,
        targetKind: 'API_KEY',
        targetName: 'ERP Sync Service',
        targetMaskedKey: 'gak_…Zq9w',
        metadata: {},
        createdAt: '2026-03-12T13:00:00Z',
      },
      AuditEntryList_EntryFragment,
    );
    renderList({ entries: [revoked, created, byDeleted] });
    const rows = within(screen.getByRole('table', { name: 'API key events' }))
      .getAllByRole('row')
      .slice(1);
    expect(rows[0]).toHaveTextContent('ERP Sync Service gak_…ExxQ');
    expect(rows[1]).toHaveTextContent('ERP Sync Service gak_…b7Rt');
    expect(rows[2]).toHaveTextContent('Jørgen Ødegård (deleted user)');
    expect(rows[0]).not.toHaveTextContent('deleted user');
  });

  it('loads more while there is a next page', async () => {
    const props = renderList({ entries: [revoked], hasNextPage: true });
    await userEvent.click(screen.getByRole('button', { name: 'Load more' }));
    expect(props.onLoadMore).toHaveBeenCalled();
  });

  it('shows the empty message', () => {
    renderList({});
    expect(screen.getByText('No API key events yet')).toBeInTheDocument();
  });

  it('shows skeletons while loading', () => {
    renderList({ fetching: true });
    expect(screen.getByRole('table', { name: 'API key events' })).toHaveAttribute('aria-busy', 'true');
    expect(screen.queryByText('No API key events yet')).not.toBeInTheDocument();
  });

  it('shows an error with Retry', async () => {
    const props = renderList({ error: 'internal error' });
    expect(screen.getByRole('alert')).toHaveTextContent('internal error');
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(props.onRetry).toHaveBeenCalled();
  });

  it('shows actor and target names without control and direction-override characters', () => {
    const spoof = makeFragmentData(
      {
        id: 'aud_3',
        ...chained(3),
        action: 'API_KEY_CREATED',
        actorKind: 'USER',
        actorName: 'Mal\u0000lory\u200F',
        actorDeleted: false,
        targetKind: 'API_KEY',
        targetName: '\u202Egnp.exe',
        targetMaskedKey: null,
        metadata: {},
        createdAt: '2026-03-12T14:00:00Z',
      },
      AuditEntryList_EntryFragment,
    );
    renderList({ entries: [spoof] });
    const [, by, target] = within(screen.getByRole('table', { name: 'API key events' })).getAllByRole('cell');
    expect(by).toHaveTextContent(/^Mallory$/);
    expect(target).toHaveTextContent(/^gnp\.exe$/);
  });

  it('opens an entry to show its address, whole user agent, sequence and hash, from the keyboard too', async () => {
    const agent = 'Nordlys-ERP-Connector/4.2.1 (Linux x86_64; warehouse-sync; +https://nordlys.example/integrations) node/20 undici/6';
    const fromBrowser = makeFragmentData({ ...revokedFields, ...chained(2, '2001:db8::7', agent) }, AuditEntryList_EntryFragment);
    renderList({ entries: [fromBrowser, created] });
    const table = screen.getByRole('table', { name: 'API key events' });
    expect(within(table).getAllByRole('row')).toHaveLength(3);
    const toggle = within(table).getByRole('button', { name: 'Details of entry 2' });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    toggle.focus();
    await userEvent.keyboard('{Enter}');
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    const details = document.getElementById(toggle.getAttribute('aria-controls')!)!;
    expect(details).toHaveTextContent('Address2001:db8::7');
    expect(details).toHaveTextContent(`User agent${agent}`);
    expect(details).toHaveTextContent('Sequence2');
    const hash = within(details).getByTitle(chained(2).hash);
    expect(hash).toHaveTextContent(/^3f2a9c1d…$/);
    expect(within(details).getByRole('button', { name: 'Copy hash of entry 2' })).toBeInTheDocument();
    // The other entry stays closed.
    expect(within(table).getByRole('button', { name: 'Details of entry 1' })).toHaveAttribute('aria-expanded', 'false');
    await userEvent.keyboard(' ');
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    expect(within(table).getAllByRole('row')).toHaveLength(3);
  });

  it('says "Not recorded" where the server gave no address or user agent (a viewer who is not an admin, the system)', async () => {
    const bySystem = makeFragmentData({ ...createdFields, ...chained(1, null, '') }, AuditEntryList_EntryFragment);
    renderList({ entries: [bySystem] });
    await userEvent.click(screen.getByRole('button', { name: 'Details of entry 1' }));
    const details = document.getElementById(screen.getByRole('button', { name: 'Details of entry 1' }).getAttribute('aria-controls')!)!;
    expect(details).toHaveTextContent('AddressNot recorded');
    expect(details).toHaveTextContent('User agentNot recorded');
  });

  it('shows one card per entry on a phone, where four columns do not fit', () => {
    const phone = onAPhone();
    try {
      renderList({ entries: [revoked, created] });
    } finally {
      phone.mockRestore();
    }
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
    const items = within(screen.getByRole('list', { name: 'API key events' })).getAllByRole('listitem');
    expect(items[0]).toHaveTextContent('Revoked API key');
    expect(items[0]).toHaveTextContent('Ada Admin → ERP Sync Service');
    expect(items[0].querySelector('time')).toHaveAttribute('dateTime', '2026-03-12T14:05:00Z');
    expect(items[1]).toHaveTextContent('Provisioner (service account) → ERP Sync Service');
  });

  it('opens a card on a phone to show where the entry came from', async () => {
    const phone = onAPhone();
    try {
      renderList({ entries: [revoked, created] });
      const items = within(screen.getByRole('list', { name: 'API key events' })).getAllByRole('listitem');
      const toggle = within(items[0]).getByRole('button', { name: 'Details of entry 2' });
      expect(toggle).toHaveTextContent('Details');
      await userEvent.click(toggle);
      expect(toggle).toHaveAttribute('aria-expanded', 'true');
      expect(items[0]).toHaveTextContent('Address203.0.113.7');
      expect(items[0]).toHaveTextContent('User agentMozilla/5.0 (X11; Linux x86_64) Chrome/131.0');
      expect(items[1]).not.toHaveTextContent('Address');
    } finally {
      phone.mockRestore();
    }
  });

  it('names the key lifecycle actions, with a line from their metadata where it helps', () => {
    const entry = (
      id: string,
      action: 'API_KEY_UPDATED' | 'API_KEY_EXPIRED' | 'API_KEY_ROTATED' | 'KEY_POLICY_UPDATED',
      metadata: object,
      actorKind: 'USER' | 'SYSTEM' = 'USER',
    ) =>
      makeFragmentData(
        {
          id,
          ...chained(Number(id.slice(4))),
          action,
          actorKind,
          actorName: actorKind === 'SYSTEM' ? 'System' : 'Ada Admin',
          actorDeleted: false,
          targetKind: action === 'KEY_POLICY_UPDATED' ? 'ORGANIZATION' : 'API_KEY',
          targetName: action === 'KEY_POLICY_UPDATED' ? 'Acme Robotics' : 'ERP Sync (Production)',
          targetMaskedKey: action === 'KEY_POLICY_UPDATED' ? null : 'gak_…ExxQ',
          metadata,
          createdAt: '2026-03-12T14:05:00Z',
        },
        AuditEntryList_EntryFragment,
      );
    renderList({
      entries: [
        entry('aud_4', 'API_KEY_UPDATED', { name: { old: 'ERP Sync Service', new: 'ERP Sync (Production)' } }),
        entry('aud_5', 'API_KEY_EXPIRED', { reason: 'ROTATED', expiresAt: '2026-03-12T14:05:00Z' }, 'SYSTEM'),
        entry('aud_6', 'API_KEY_ROTATED', { newKeyId: 'k7', newMaskedKey: 'gak_…Nw4x', previousKeyExpiresAt: null }),
        entry('aud_7', 'KEY_POLICY_UPDATED', { maxLifetimeDays: { old: null, new: 90 }, requireExpiry: { old: false, new: false } }),
      ],
    });
    const rows = within(screen.getByRole('table', { name: 'API key events' }))
      .getAllByRole('row')
      .slice(1);
    expect(rows[0]).toHaveTextContent('Updated API key');
    expect(rows[0]).toHaveTextContent('ERP Sync Service → ERP Sync (Production)');
    expect(rows[1]).toHaveTextContent('API key expired');
    expect(rows[1]).toHaveTextContent('System');
    expect(rows[1]).not.toHaveTextContent('(system)');
    expect(rows[1]).toHaveTextContent('(rotation overlap ended)');
    expect(rows[2]).toHaveTextContent('Rotated API key');
    expect(rows[2]).toHaveTextContent('New key gak_…Nw4x; the old key stopped at once');
    expect(rows[3]).toHaveTextContent('Updated key policy');
    expect(rows[3]).toHaveTextContent('Acme Robotics (company)');
    expect(rows[3]).toHaveTextContent('Maximum lifetime: no limit → 90 days');
    expect(rows[3]).not.toHaveTextContent('expiration required');
  });
});
