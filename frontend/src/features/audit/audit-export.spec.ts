import { afterEach, describe, expect, it, vi } from 'vitest';
import { downloadExport, entryCounter, exportUrl, filenameOf } from './audit-export';
import { noFilters } from './audit-filters';

const bytes = (s: string) => new TextEncoder().encode(s);

/** s cut into pieces of n bytes, as a network might deliver it (a character may be split). */
function pieces(s: string, n: number): Uint8Array[] {
  const all = bytes(s);
  const out: Uint8Array[] = [];
  for (let i = 0; i < all.length; i += n) out.push(all.slice(i, i + n));
  return out;
}

const ndjson = ['{"sequence":1,"actorName":"Åsa Ødegård"}', '{"sequence":2,"targetName":"Синхронизация склада"}', '{"sequence":3,"userAgent":"curl/8"}']
  .map((l) => `${l}\n`)
  .join('');
const csv =
  'sequence,time,action,actorName,metadata\r\n' +
  '1,2026-12-01T09:00:00.000000Z,API_KEY_CREATED,Ada,"{""name"":""ERP""}"\r\n' +
  // A line break inside a quoted cell belongs to the record.
  '2,2026-12-01T09:05:00.000000Z,API_KEY_UPDATED,"Ada\r\nLovelace","{}"\r\n';

describe('entryCounter', () => {
  it('counts NDJSON lines across chunks of any size', () => {
    for (const size of [1, 2, 7, 64, 10_000]) {
      const counter = entryCounter('ndjson');
      const seen: number[] = [];
      for (const p of pieces(ndjson, size)) {
        counter.push(p);
        seen.push(counter.count);
      }
      expect(counter.count, `chunks of ${size}`).toBe(3);
      expect(counter.end()).toBe(3);
      // Never more than the lines whole so far, never going back.
      expect(seen).toEqual([...seen].sort((a, b) => a - b));
    }
  });

  it('counts CSV records less the header, a quoted line break inside one', () => {
    for (const size of [1, 3, 10_000]) {
      const counter = entryCounter('csv');
      for (const p of pieces(csv, size)) counter.push(p);
      expect(counter.count, `chunks of ${size}`).toBe(2);
    }
    const header = entryCounter('csv');
    header.push(bytes('sequence,time\r\n'));
    expect(header.count).toBe(0);
    expect(entryCounter('csv').count).toBe(0);
  });

  it('counts a last line without a line break only at the end', () => {
    const counter = entryCounter('ndjson');
    counter.push(bytes('{"sequence":1}\n{"sequence":2}'));
    expect(counter.count).toBe(1);
    expect(counter.end()).toBe(2);
  });
});

describe('filenameOf', () => {
  it('reads the name the server gives', () => {
    expect(filenameOf('attachment; filename="audit-trail-2026-12-02.csv"')).toBe('audit-trail-2026-12-02.csv');
    expect(filenameOf('attachment; filename=audit-trail-2026-12-02.ndjson')).toBe('audit-trail-2026-12-02.ndjson');
    expect(filenameOf(`attachment; filename="x.csv"; filename*=UTF-8''revisionsspor-%C3%98rsted.csv`)).toBe('revisionsspor-Ørsted.csv');
    expect(filenameOf('attachment')).toBeNull();
    expect(filenameOf(null)).toBeNull();
  });
});

describe('exportUrl', () => {
  it('sends the page’s filters as they are in its URL', () => {
    expect(exportUrl('csv', { ...noFilters, actions: ['API_KEY_CREATED', 'API_KEY_REVOKED'], actor: 'usr_1', from: '2026-12-01', to: '2026-12-02' })).toBe(
      '/audit/export?action=API_KEY_CREATED&action=API_KEY_REVOKED&actor=usr_1&from=2026-12-01&to=2026-12-02&format=csv',
    );
    expect(exportUrl('ndjson', noFilters)).toBe('/audit/export?format=ndjson');
  });
});

/** A response whose body arrives in the given chunks (then fails, when failAfter is set). */
function streamed(chunks: Uint8Array[], headers: Record<string, string>, failAfter = false) {
  const queue = [...chunks];
  // Pulled a chunk at a time: an error would drop the chunks still queued.
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = queue.shift();
      if (next) controller.enqueue(next);
      else if (failAfter) controller.error(new TypeError('network error'));
      else controller.close();
    },
  });
  return new Response(body, { status: 200, headers });
}

describe('downloadExport', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('reports the entries as they arrive and saves the whole file under the server’s name', async () => {
    const fetch = vi.fn(() =>
      Promise.resolve(
        streamed(pieces(csv, 20), {
          'Content-Type': 'text/csv; charset=utf-8; header=present',
          'Content-Disposition': 'attachment; filename="audit-trail-2026-12-02.csv"',
        }),
      ),
    );
    vi.stubGlobal('fetch', fetch);
    const progress: number[] = [];
    const save = vi.fn<(blob: Blob, filename: string) => void>();
    const done = await downloadExport('csv', { ...noFilters, actions: ['API_KEY_CREATED'] }, (n) => progress.push(n), save);

    expect(fetch).toHaveBeenCalledWith('/audit/export?action=API_KEY_CREATED&format=csv', { credentials: 'same-origin' });
    expect(done).toEqual({ filename: 'audit-trail-2026-12-02.csv', entries: 2 });
    expect(progress.at(-1)).toBe(2);
    expect(progress.length).toBeGreaterThan(2);
    const [blob, name] = save.mock.calls[0];
    expect(name).toBe('audit-trail-2026-12-02.csv');
    expect(await blob.text()).toBe(csv);
  });

  it('shows the server’s own message when it refuses', async () => {
    vi.stubGlobal('fetch', () =>
      Promise.resolve(
        new Response(JSON.stringify({ errors: [{ message: 'to must be after from', extensions: { code: 'BAD_USER_INPUT', field: 'to' } }] }), {
          status: 400,
          headers: { 'Content-Type': 'application/json' },
        }),
      ),
    );
    const save = vi.fn();
    await expect(downloadExport('ndjson', { ...noFilters, from: '2026-12-03', to: '2026-12-01' }, () => {}, save)).rejects.toThrow('to must be after from');
    expect(save).not.toHaveBeenCalled();
  });

  it('says what a status means when the answer is not the server’s JSON', async () => {
    vi.stubGlobal('fetch', () => Promise.resolve(new Response('<html>Forbidden</html>', { status: 403 })));
    await expect(downloadExport('csv', noFilters, () => {}, vi.fn())).rejects.toThrow('Only admins may export the audit trail.');
    vi.stubGlobal('fetch', () => Promise.reject(new TypeError('Failed to fetch')));
    await expect(downloadExport('csv', noFilters, () => {}, vi.fn())).rejects.toThrow('The server could not be reached');
  });

  it('saves nothing when the transfer is cut off: a part of the trail must not pass for all of it', async () => {
    vi.stubGlobal('fetch', () => Promise.resolve(streamed(pieces(ndjson, 30).slice(0, 2), { 'Content-Disposition': 'attachment; filename="a.ndjson"' }, true)));
    const save = vi.fn();
    await expect(downloadExport('ndjson', noFilters, () => {}, save)).rejects.toThrow(/cut off after 1 entry, so no file was saved/);
    expect(save).not.toHaveBeenCalled();
  });
});
