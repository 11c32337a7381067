import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MantineProvider } from '@mantine/core';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router';
import { Client, Provider, cacheExchange, makeResult, type Exchange, type Operation } from 'urql';
import { Kind } from 'graphql';
import { filter, map, pipe } from 'wonka';
import { AuditTrailPage } from './audit-trail-page';

const head = '3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a19';

const page = (nodes: object[], typename: string) => ({
  __typename: typename,
  pageInfo: { __typename: 'PageInfo', hasNextPage: false, endCursor: null },
  edges: nodes.map((node) => ({ __typename: `${typename.replace('Connection', '')}Edge`, node })),
});

const people = [
  { __typename: 'User', id: 'usr_1', name: 'Ada Lovelace' },
  { __typename: 'User', id: 'usr_2', name: 'Grace Hopper' },
];
const sa = (id: string, name: string) => ({ __typename: 'ServiceAccount', id, name });
const key = (id: string, name: string, maskedKey: string, status: 'ACTIVE' | 'REVOKED', account = sa(`sa_${id}`, name)) => ({
  __typename: 'APIKey',
  id,
  name,
  maskedKey,
  status,
  serviceAccount: account,
});
const keys = [
  key('key_1', 'Billing sync', 'gak_…b1LL', 'ACTIVE', sa('sa_billing', 'Billing sync')),
  // Rotated: the old key and its successor share a service account.
  key('key_2', 'Billing sync', 'gak_…0ld1', 'REVOKED', sa('sa_billing', 'Billing sync')),
  key('key_3', 'ERP Sync Service', 'gak_…ExxQ', 'REVOKED'),
  key('key_4', 'Синхронизация склада Орхус', 'gak_…Rx4u', 'ACTIVE'),
];

const entry = (n: number, action: string) => ({
  __typename: 'AuditEntry',
  id: `aud_${n}`,
  action,
  actorKind: 'USER',
  actorName: 'Ada Lovelace',
  actorDeleted: false,
  targetKind: 'API_KEY',
  targetName: 'Billing sync',
  targetMaskedKey: 'gak_…b1LL',
  metadata: {},
  createdAt: '2026-12-01T09:00:00Z',
  sequence: n,
  hash: head,
  ip: '203.0.113.7',
  userAgent: 'Mozilla/5.0',
});

/** The server: every entry for no filter, none for any filter; it remembers what was asked. */
function fakeServer() {
  const asked: { name: string; variables: Record<string, unknown> }[] = [];
  const answer = (op: Operation): Record<string, unknown> => {
    const name = op.query.definitions.flatMap((d) => (d.kind === Kind.OPERATION_DEFINITION && d.name ? [d.name.value] : []))[0];
    const variables = (op.variables ?? {}) as Record<string, unknown>;
    asked.push({ name, variables });
    switch (name) {
      case 'VerifyAuditTrail':
        return {
          verifyAuditTrail: {
            __typename: 'AuditVerification',
            ok: true,
            entriesChecked: 2,
            headSequence: 2,
            headHash: head,
            firstBrokenSequence: null,
            problemKind: null,
            problem: null,
          },
        };
      case 'AuditFilterPeople':
        return { users: page(people, 'UserConnection') };
      case 'AuditFilterKeys':
        return { apiKeys: page(keys, 'APIKeyConnection') };
      case 'AuditTrail': {
        const filtered = Object.keys(variables.where as object).length > 0;
        return { auditEntries: page(filtered ? [] : [entry(2, 'API_KEY_REVOKED'), entry(1, 'API_KEY_CREATED')], 'AuditEntryConnection') };
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
  const trailWheres = () => asked.filter((a) => a.name === 'AuditTrail').map((a) => a.variables.where);
  // The app's request policy (graphql/client.ts): cached first, then the server's answer.
  const client = new Client({ url: '/graphql', exchanges: [cacheExchange, exchange], requestPolicy: 'cache-and-network' });
  return { client, asked, trailWheres };
}

function Url() {
  const { search } = useLocation();
  return <output aria-label="url">{decodeURIComponent(search)}</output>;
}
const url = () => screen.getByRole('status', { name: 'url' }).textContent;

function renderPage(query = '', server = fakeServer()) {
  render(
    <MantineProvider env="test">
      <MemoryRouter initialEntries={[`/admin/audit-trail${query}`]}>
        <Url />
        <Provider value={server.client}>
          <Routes>
            <Route path="/admin/audit-trail" element={<AuditTrailPage />} />
          </Routes>
        </Provider>
      </MemoryRouter>
    </MantineProvider>,
  );
  return server;
}

/** A filter's input, whichever role Mantine gives it. */
const field = (name: string) => screen.queryByRole('combobox', { name }) ?? screen.getByRole('textbox', { name });

async function choose(name: string, typed: string, option: string | RegExp) {
  await userEvent.click(field(name));
  if (typed) await userEvent.type(field(name), typed);
  await userEvent.click(await screen.findByRole('option', { name: option }));
}

describe('AuditTrailPage', () => {
  it('opens on the filters of a shared link, asks the server for just them, and says when none match', async () => {
    const server = renderPage('?action=API_KEY_CREATED,API_KEY_REVOKED&actor=usr_2&target=key_3&from=2026-12-01&to=2026-12-02');
    expect(await screen.findByText('No events match these filters')).toBeInTheDocument();
    expect(server.trailWheres().at(-1)).toEqual({
      actionIn: ['API_KEY_CREATED', 'API_KEY_REVOKED'],
      actorID: 'usr_2',
      targetID: 'key_3',
      createdAtGTE: '2026-12-01T00:00:00Z',
      createdAtLT: '2026-12-03T00:00:00Z',
    });
    const filters = screen.getByRole('search', { name: 'Filter the audit trail' });
    expect(filters).toHaveTextContent('Created API key');
    expect(filters).toHaveTextContent('Revoked API key');
    await waitFor(() => expect(field('Actor')).toHaveValue('Grace Hopper (person)'));
    expect(field('API key')).toHaveValue('ERP Sync Service gak_…ExxQ (revoked)');
    expect(screen.getByLabelText(/^From/)).toHaveValue('2026-12-01');
    expect(screen.getByLabelText(/^To/)).toHaveValue('2026-12-02');
    expect(screen.getByLabelText(/^To/)).toHaveAccessibleDescription(/UTC/);
    // Reading the link does not rewrite it.
    expect(url()).toBe('?action=API_KEY_CREATED,API_KEY_REVOKED&actor=usr_2&target=key_3&from=2026-12-01&to=2026-12-02');
  });

  it('puts each filter into the URL as it is chosen, and Clear filters empties them', async () => {
    const server = renderPage();
    const entries = await screen.findByRole('table', { name: 'Audit entries' });
    await waitFor(() => expect(within(entries).getAllByRole('row')).toHaveLength(3));
    expect(server.trailWheres().at(-1)).toEqual({});
    expect(screen.queryByRole('button', { name: 'Clear filters' })).not.toBeInTheDocument();

    await choose('Action', '', 'Revoked API key');
    await choose('Action', '', 'Created API key');
    await waitFor(() => expect(url()).toBe('?action=API_KEY_REVOKED&action=API_KEY_CREATED'));
    await userEvent.keyboard('{Escape}');

    // People first, then service accounts, each once (a rotated key shares its predecessor's).
    await userEvent.click(field('Actor'));
    const actors = (await screen.findAllByRole('option')).map((o) => o.textContent);
    expect(actors).toEqual([
      'Ada Lovelace (person)',
      'Grace Hopper (person)',
      'Billing sync (service account)',
      'ERP Sync Service (service account)',
      'Синхронизация склада Орхус (service account)',
    ]);
    await userEvent.type(field('Actor'), 'billing');
    await userEvent.click(screen.getByRole('option', { name: 'Billing sync (service account)' }));
    await waitFor(() => expect(url()).toContain('&actor=sa_billing'));

    // Keys active and revoked, told apart by their masked key; found in any alphabet, whatever the case.
    await choose('API key', 'СКЛАДА', 'Синхронизация склада Орхус gak_…Rx4u');
    await waitFor(() => expect(url()).toContain('&target=key_4'));
    await userEvent.click(field('API key'));
    await userEvent.clear(field('API key'));
    await userEvent.type(field('API key'), 'billing');
    expect(screen.getAllByRole('option').map((o) => o.textContent)).toEqual(['Billing sync gak_…b1LL', 'Billing sync gak_…0ld1 (revoked)']);
    await userEvent.keyboard('{Escape}');

    fireEvent.change(screen.getByLabelText(/^From/), { target: { value: '2026-12-01' } });
    fireEvent.change(screen.getByLabelText(/^To/), { target: { value: '2026-12-02' } });
    await waitFor(() => expect(url()).toBe('?action=API_KEY_REVOKED&action=API_KEY_CREATED&actor=sa_billing&target=key_4&from=2026-12-01&to=2026-12-02'));
    expect(server.trailWheres().at(-1)).toEqual({
      actionIn: ['API_KEY_REVOKED', 'API_KEY_CREATED'],
      actorID: 'sa_billing',
      targetID: 'key_4',
      createdAtGTE: '2026-12-01T00:00:00Z',
      createdAtLT: '2026-12-03T00:00:00Z',
    });
    expect(await screen.findByText('No events match these filters')).toBeInTheDocument();

    // A range that ends before it starts is named on the field.
    fireEvent.change(screen.getByLabelText(/^To/), { target: { value: '2026-11-30' } });
    expect(await screen.findByText(/The range ends before it starts/)).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(url()).toBe(''));
    await waitFor(() => expect(server.trailWheres().at(-1)).toEqual({}));
    expect(field('Action')).toHaveFocus();
    expect(screen.queryByRole('button', { name: 'Clear filters' })).not.toBeInTheDocument();
  });

  it('shows the verification above the filters', async () => {
    renderPage();
    await waitFor(() => expect(document.body).toHaveTextContent('Verified: 2 entries, head 3f2a9c1d…'));
    const banner = screen.getByText('3f2a9c1d…').closest('[role="status"]')!;
    const filters = screen.getByRole('search', { name: 'Filter the audit trail' });
    expect(banner.compareDocumentPosition(filters) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });
});

const csv = 'sequence,time,action\r\n1,2026-12-01T09:00:00.000000Z,API_KEY_CREATED\r\n2,2026-12-01T09:05:00.000000Z,API_KEY_REVOKED\r\n';

describe('AuditTrailPage export', () => {
  let saved: { href: string; download: string }[];
  beforeEach(() => {
    saved = [];
    // jsdom has no object URLs and does not download: note what would be saved.
    URL.createObjectURL = vi.fn(() => 'blob:audit');
    URL.revokeObjectURL = vi.fn();
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      saved.push({ href: this.href, download: this.download });
    });
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('exports the filtered entries: the count as they arrive, then the file under the server’s name; the list asks again', async () => {
    let release = () => {};
    const rest = new Promise<void>((resolve) => (release = resolve));
    const firstRow = csv.indexOf('\n', csv.indexOf('\n') + 1) + 1;
    const chunks = [csv.slice(0, firstRow), csv.slice(firstRow)].map((c) => new TextEncoder().encode(c));
    const fetch = vi.fn(() => {
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const next = chunks.shift();
          if (!next) return controller.close();
          // The second chunk waits: the export is seen under way.
          if (chunks.length === 0) await rest;
          controller.enqueue(next);
        },
      });
      return Promise.resolve(
        new Response(body, {
          headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename="audit-trail-2026-12-02.csv"' },
        }),
      );
    });
    vi.stubGlobal('fetch', fetch);
    const server = renderPage('?action=API_KEY_CREATED&action=API_KEY_REVOKED&from=2026-12-01');
    await screen.findByText('No events match these filters');
    const trails = server.trailWheres().length;

    const exportButton = screen.getByRole('button', { name: 'Export' });
    await userEvent.click(exportButton);
    await userEvent.click(screen.getByRole('menuitem', { name: 'CSV' }));
    expect(fetch).toHaveBeenCalledWith('/audit/export?action=API_KEY_CREATED&action=API_KEY_REVOKED&from=2026-12-01&format=csv', {
      credentials: 'same-origin',
    });
    const progress = screen.getByText(/^Exporting…/);
    expect(progress).toHaveAttribute('role', 'status');
    await waitFor(() => expect(progress).toHaveTextContent('Exporting… 1 entry'));
    // Busy: the menu does not open again meanwhile.
    expect(exportButton).toHaveAttribute('aria-disabled', 'true');
    await userEvent.click(exportButton);
    expect(screen.queryByRole('menuitem', { name: 'CSV' })).not.toBeInTheDocument();

    release();
    await waitFor(() => expect(progress).toHaveTextContent('Exported 2 entries to audit-trail-2026-12-02.csv'));
    expect(saved).toEqual([{ href: 'blob:audit', download: 'audit-trail-2026-12-02.csv' }]);
    expect(exportButton).not.toHaveAttribute('aria-disabled');
    // The export is itself an entry: the list asks the server again.
    await waitFor(() => expect(server.trailWheres().length).toBeGreaterThan(trails));
  });

  it('shows the server’s refusal in its own words, and saves nothing', async () => {
    vi.stubGlobal('fetch', () =>
      Promise.resolve(
        new Response(JSON.stringify({ errors: [{ message: 'to must be after from', extensions: { code: 'BAD_USER_INPUT', field: 'to' } }] }), {
          status: 400,
          headers: { 'Content-Type': 'application/json' },
        }),
      ),
    );
    renderPage('?from=2026-12-03&to=2026-12-01');
    await userEvent.click(await screen.findByRole('button', { name: 'Export' }));
    await userEvent.click(screen.getByRole('menuitem', { name: 'NDJSON' }));
    const alert = (await screen.findByText('The export failed')).closest('[role="alert"]');
    expect(alert).toHaveTextContent('to must be after from');
    expect(saved).toEqual([]);
  });
});
