// How keys and times read in the admin app. Times use the reader's own locale and time
// zone (Intl), always to the second and with the zone named, so that an investigator can
// line them up with a log; how long ago sits beside or on hover.

/** The masked form of a full key, as the server shows it: gak_…k3Zq. */
export function maskKey(secret: string): string {
  const underscore = secret.indexOf('_');
  const prefix = underscore >= 0 ? secret.slice(0, underscore + 1) : '';
  return `${prefix}…${secret.slice(-4)}`;
}

const exact: Intl.DateTimeFormatOptions = {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  timeZoneName: 'short',
};

/**
 * A point in time to the second, with its zone, in the reader's locale and time zone
 * (or the ones given), e.g. "2 Dec 2026, 02:15:37 CET". The one format of the whole app.
 */
export function formatDateTime(iso: string, locale?: string, timeZone?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { ...exact, timeZone }).format(date);
}

const day: Intl.DateTimeFormatOptions = { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' };

/**
 * A day with its weekday, in the reader's locale and time zone (or the ones given), e.g.
 * "Tue, Jan 1, 2027": when a key will expire, as a person plans it.
 */
export function formatDate(iso: string, locale?: string, timeZone?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { ...day, timeZone }).format(date);
}

const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/** How long ago (or ahead) a time is, e.g. "5 minutes ago"; under a minute reads "just now". */
export function formatRelativeTime(iso: string, now: Date = new Date(), locale?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const seconds = Math.round((date.getTime() - now.getTime()) / 1000);
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return rtf.format(Math.trunc(seconds / size), unit);
  }
  return 'just now';
}

/** The "x–y of total" line of a paginated table; pageIndex starts at 0. */
export function formatRange(pageIndex: number, pageSize: number, shown: number, total: number): string {
  if (shown === 0) return `0 of ${total}`;
  const first = pageIndex * pageSize + 1;
  return `${first}–${first + shown - 1} of ${total}`;
}
