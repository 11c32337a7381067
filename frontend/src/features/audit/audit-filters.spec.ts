import { describe, expect, it } from 'vitest';
import {
  dayAfter,
  filtersFromParams,
  filtersToParams,
  filtersToWhere,
  hasFilters,
  isDay,
  noFilters,
  rangeIsReversed,
  type AuditFilters,
} from './audit-filters';

const all: AuditFilters = {
  actions: ['API_KEY_CREATED', 'API_KEY_REVOKED'],
  actor: 'usr_01JD3Q8Z7X5N2M4K6P8R0T2V4X',
  target: 'key_01JD3Q8ZAAAAAAAAAAAAAAAAAA',
  from: '2026-12-01',
  to: '2026-12-02',
};

describe('the Audit trail filters', () => {
  it('go into the URL and come back the same, in the export’s parameters', () => {
    const params = filtersToParams(all);
    expect(params.toString()).toBe(
      'action=API_KEY_CREATED&action=API_KEY_REVOKED&actor=usr_01JD3Q8Z7X5N2M4K6P8R0T2V4X&target=key_01JD3Q8ZAAAAAAAAAAAAAAAAAA&from=2026-12-01&to=2026-12-02',
    );
    expect(filtersFromParams(new URLSearchParams(params.toString()))).toEqual(all);
    expect(filtersToParams(noFilters).toString()).toBe('');
    expect(filtersFromParams(new URLSearchParams(''))).toEqual(noFilters);
  });

  it('read the single ?action= of older links, and a comma list as the export takes it', () => {
    expect(filtersFromParams(new URLSearchParams('action=API_KEY_REVOKED')).actions).toEqual(['API_KEY_REVOKED']);
    expect(filtersFromParams(new URLSearchParams('action=API_KEY_CREATED,%20API_KEY_REVOKED&action=API_KEY_CREATED')).actions).toEqual([
      'API_KEY_CREATED',
      'API_KEY_REVOKED',
    ]);
  });

  it('leave out what they cannot mean: unknown actions, days that do not exist', () => {
    const f = filtersFromParams(new URLSearchParams('action=NOPE&action=constructor&action=USER_SIGNED_IN&from=2026-02-30&to=yesterday'));
    expect(f).toEqual({ ...noFilters, actions: ['USER_SIGNED_IN'] });
    expect(isDay('2026-02-28')).toBe(true);
    expect(isDay('2028-02-29')).toBe(true);
    expect(isDay('2026-02-29')).toBe(false);
    expect(isDay('2026-2-28')).toBe(false);
  });

  it('ask the server for the days in UTC, the last one whole', () => {
    expect(filtersToWhere(all)).toEqual({
      actionIn: ['API_KEY_CREATED', 'API_KEY_REVOKED'],
      actorID: 'usr_01JD3Q8Z7X5N2M4K6P8R0T2V4X',
      targetID: 'key_01JD3Q8ZAAAAAAAAAAAAAAAAAA',
      createdAtGTE: '2026-12-01T00:00:00Z',
      createdAtLT: '2026-12-03T00:00:00Z',
    });
    expect(filtersToWhere(noFilters)).toEqual({});
    expect(filtersToWhere({ ...noFilters, to: '2026-12-31' })).toEqual({ createdAtLT: '2027-01-01T00:00:00Z' });
    expect(dayAfter('2028-02-28')).toBe('2028-02-29');
    expect(dayAfter('2026-02-28')).toBe('2026-03-01');
  });

  it('know when there are any, and when the range ends before it starts', () => {
    expect(hasFilters(noFilters)).toBe(false);
    expect(hasFilters({ ...noFilters, to: '2026-12-02' })).toBe(true);
    expect(rangeIsReversed(all)).toBe(false);
    expect(rangeIsReversed({ ...all, from: '2026-12-02' })).toBe(false);
    expect(rangeIsReversed({ ...all, from: '2026-12-03' })).toBe(true);
  });
});
