import { filtersToParams, type AuditFilters } from './audit-filters';

// GET /audit/export streams the trail as a file: NDJSON (one entry a line) or CSV (a
// header row, then one record an entry, CRLF). The app reads it as it arrives, counting
// entries for the progress line, and saves it only once it is whole: a transfer the server
// cuts (a failure mid-way) must not pass for the whole trail.

export type ExportFormat = 'csv' | 'ndjson';

const newline = 0x0a;
const quote = 0x22;

/**
 * Counts the entries of an export from its bytes, chunk by chunk (a line may be split
 * across chunks): NDJSON lines, or CSV records less the header (a line break inside a
 * quoted CSV cell does not end a record). Only whole records count until end().
 */
export function entryCounter(format: ExportFormat) {
  let records = 0;
  let quoted = false;
  let partial = false;
  const csv = format === 'csv';
  const entries = (n: number) => (csv ? Math.max(0, n - 1) : n);
  return {
    push(chunk: Uint8Array) {
      for (let i = 0; i < chunk.length; i++) {
        const b = chunk[i];
        // UTF-8 never puts these bytes inside a multi-byte character: scanning bytes is safe.
        if (csv && b === quote) quoted = !quoted;
        if (b === newline && !quoted) {
          records++;
          partial = false;
        } else {
          partial = true;
        }
      }
    },
    /** The entries whole so far. */
    get count() {
      return entries(records);
    },
    /** All entries, a last one without a line break included. */
    end() {
      return entries(records + (partial ? 1 : 0));
    },
  };
}

/** The file name of a Content-Disposition header (filename*=UTF-8''… or filename="…"), or null. */
export function filenameOf(disposition: string | null): string | null {
  if (!disposition) return null;
  const extended = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(disposition);
  if (extended) {
    try {
      return decodeURIComponent(extended[1].trim());
    } catch {
      // Malformed: fall back to the plain name.
    }
  }
  const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/i.exec(disposition);
  if (!plain) return null;
  return plain[1] !== undefined ? plain[1].replace(/\\(.)/g, '$1') : plain[2];
}

/** The URL of the export of the filtered trail, with the filters as the page's URL has them. */
export function exportUrl(format: ExportFormat, filters: AuditFilters): string {
  const params = filtersToParams(filters);
  params.set('format', format);
  return `/audit/export?${params.toString()}`;
}

/** A count of entries in words: "1 entry", "12,345 entries". */
export const entriesText = (n: number) => `${n.toLocaleString()} ${n === 1 ? 'entry' : 'entries'}`;

/** A failed export, with what to tell the person. */
export class ExportError extends Error {}

/** The message of the server's JSON error ({"errors": [{"message"}]}), or a general one by status. */
async function serverError(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { errors?: { message?: string }[] };
    const messages = (body.errors ?? []).flatMap((e) => (e.message ? [e.message] : []));
    if (messages.length) return messages.join('; ');
  } catch {
    // Not JSON (a proxy's page): say what the status means.
  }
  if (res.status === 401) return 'Your session has ended. Sign in again to export.';
  if (res.status === 403) return 'Only admins may export the audit trail.';
  return `The server answered ${res.status}. Try again.`;
}

export type Downloaded = { filename: string; entries: number };

/**
 * Fetches the export, reporting the entries counted so far, and saves it as a file named
 * as the server says. Throws ExportError with a message fit to show.
 */
export async function downloadExport(
  format: ExportFormat,
  filters: AuditFilters,
  onProgress: (entries: number) => void,
  save: (blob: Blob, filename: string) => void = saveFile,
): Promise<Downloaded> {
  let res: Response;
  try {
    res = await fetch(exportUrl(format, filters), { credentials: 'same-origin' });
  } catch {
    throw new ExportError('The server could not be reached. Check your connection and try again.');
  }
  if (!res.ok) throw new ExportError(await serverError(res));
  const counter = entryCounter(format);
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  if (res.body) {
    const reader = res.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        counter.push(value);
        onProgress(counter.count);
      }
    } catch {
      throw new ExportError(`The transfer was cut off after ${entriesText(counter.count)}, so no file was saved. Try again.`);
    }
  } else {
    // No stream to read (an old browser): the whole body at once.
    const whole = new Uint8Array(await res.arrayBuffer());
    chunks.push(whole);
    counter.push(whole);
  }
  const entries = counter.end();
  onProgress(entries);
  const filename = filenameOf(res.headers.get('Content-Disposition')) ?? `audit-trail.${format}`;
  save(new Blob(chunks, { type: res.headers.get('Content-Type') ?? 'application/octet-stream' }), filename);
  return { filename, entries };
}

/** Saves a blob as a download, through a temporary link. */
function saveFile(blob: Blob, filename: string) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked a little later: some browsers read the URL after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
