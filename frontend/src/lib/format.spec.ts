import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, formatRange, formatRelativeTime, maskKey } from './format';

describe('maskKey', () => {
  it('keeps the prefix and the last four characters, like the server', () => {
    expect(maskKey('gak_4pXabcdefghijklmnopqrstuvwxyz0123k3Zq')).toBe('gak_…k3Zq');
  });
  it('masks a key without a prefix', () => {
    expect(maskKey('abcdefgh')).toBe('…efgh');
  });
});

describe('formatDateTime', () => {
  it('gives the exact time to the second with the zone, in the given locale and time zone', () => {
    expect(formatDateTime('2026-12-02T01:15:37.257555709Z', 'en-GB', 'Europe/Copenhagen')).toBe('2 Dec 2026, 02:15:37 CET');
    expect(formatDateTime('2026-07-02T01:15:37Z', 'en-GB', 'Europe/Copenhagen')).toBe('2 Jul 2026, 03:15:37 CEST');
    expect(formatDateTime('2026-03-12T14:05:00Z', 'en-GB', 'UTC')).toBe('12 Mar 2026, 14:05:00 UTC');
    expect(formatDateTime('2026-03-12T14:05:00Z', 'en-US', 'America/New_York')).toBe('Mar 12, 2026, 10:05:00 AM EDT');
    expect(formatDateTime('2026-12-02T01:15:37Z', 'de-DE', 'Europe/Berlin')).toBe('2. Dez. 2026, 02:15:37 MEZ');
  });
  it('uses the reader’s time zone when none is given', () => {
    const tz = process.env.TZ;
    try {
      process.env.TZ = 'Asia/Kolkata';
      expect(formatDateTime('2026-12-02T01:15:37Z', 'en-GB')).toBe('2 Dec 2026, 06:45:37 GMT+5:30');
      process.env.TZ = 'Europe/Copenhagen';
      expect(formatDateTime('2026-12-02T01:15:37Z', 'en-GB')).toBe('2 Dec 2026, 02:15:37 CET');
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
  });
  it('returns what it cannot parse unchanged', () => {
    expect(formatDateTime('not a date')).toBe('not a date');
  });
});

describe('formatDate', () => {
  it('gives the day with its weekday, in the given locale and time zone', () => {
    expect(formatDate('2027-01-01T12:00:00Z', 'en-US', 'UTC')).toBe('Fri, Jan 1, 2027');
    expect(formatDate('2026-12-31T23:30:00Z', 'en-GB', 'Europe/Copenhagen')).toBe('Fri, 1 Jan 2027');
    expect(formatDate('not a date')).toBe('not a date');
  });
});

describe('formatRelativeTime', () => {
  const now = new Date('2026-03-12T12:00:00Z');
  it('says "just now" under a minute', () => {
    expect(formatRelativeTime('2026-03-12T11:59:30Z', now, 'en')).toBe('just now');
  });
  it('uses the largest whole unit', () => {
    expect(formatRelativeTime('2026-03-12T11:55:00Z', now, 'en')).toBe('5 minutes ago');
    expect(formatRelativeTime('2026-03-12T09:00:00Z', now, 'en')).toBe('3 hours ago');
    expect(formatRelativeTime('2026-03-11T12:00:00Z', now, 'en')).toBe('yesterday');
    expect(formatRelativeTime('2025-03-01T12:00:00Z', now, 'en')).toBe('last year');
  });
});

describe('formatRange', () => {
  it('numbers the rows of a page', () => {
    expect(formatRange(0, 20, 20, 45)).toBe('1–20 of 45');
    expect(formatRange(2, 20, 5, 45)).toBe('41–45 of 45');
  });
  it('reads 0 of total on an empty page', () => {
    expect(formatRange(0, 20, 0, 0)).toBe('0 of 0');
  });
});
