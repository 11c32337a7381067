import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allowedExpiry,
  customDateError,
  customDateRange,
  defaultExpiry,
  expiryDate,
  expiryOptions,
  expiryWarning,
  lifetimeLimit,
  soonThreshold,
} from './expiry';

// Local dates and times below are Copenhagen's, which has a change to summer time on 29 Mar 2026.
let tz: string | undefined;
beforeAll(() => {
  tz = process.env.TZ;
  process.env.TZ = 'Europe/Copenhagen';
});
afterAll(() => {
  if (tz === undefined) delete process.env.TZ;
  else process.env.TZ = tz;
});

const values = (policy?: Parameters<typeof expiryOptions>[0]) => expiryOptions(policy).map((o) => o.value);
const now = new Date('2026-03-12T14:05:00Z'); // 15:05 in Copenhagen

describe('expiryOptions and defaultExpiry', () => {
  it('offers 7 to 90 days, a custom date and no expiration, 30 days by default', () => {
    expect(values()).toEqual(['7', '30', '60', '90', 'custom', 'never']);
    expect(defaultExpiry()).toBe('30');
    expect(lifetimeLimit()).toBe(1825);
  });

  it('leaves out No expiration when the policy requires an expiry', () => {
    expect(values({ maxLifetimeDays: null, requireExpiry: true })).toEqual(['7', '30', '60', '90', 'custom']);
  });

  it('offers nothing beyond a maximum lifetime, and the maximum itself', () => {
    expect(expiryOptions({ maxLifetimeDays: 45, requireExpiry: false })).toEqual([
      { value: '7', label: '7 days' },
      { value: '30', label: '30 days' },
      { value: '45', label: '45 days (the maximum)' },
      { value: 'custom', label: 'Custom date…' },
    ]);
    expect(values({ maxLifetimeDays: 365, requireExpiry: false })).toEqual(['7', '30', '60', '90', '365', 'custom']);
    expect(expiryOptions({ maxLifetimeDays: 1, requireExpiry: true })[0]).toEqual({ value: '1', label: '1 day (the maximum)' });
  });

  it('clamps the default to a shorter maximum, and replaces a choice the policy rules out', () => {
    expect(defaultExpiry({ maxLifetimeDays: 14, requireExpiry: false })).toBe('14');
    expect(defaultExpiry({ maxLifetimeDays: 60, requireExpiry: false })).toBe('30');
    expect(allowedExpiry('90', { maxLifetimeDays: 60, requireExpiry: false })).toBe('30');
    expect(allowedExpiry('never', { maxLifetimeDays: null, requireExpiry: true })).toBe('30');
    expect(allowedExpiry('custom', { maxLifetimeDays: 60, requireExpiry: true })).toBe('custom');
  });
});

describe('expiryDate', () => {
  it('counts days as 24 hours from now; never is null', () => {
    expect(expiryDate('30', '', null, now)?.toISOString()).toBe('2026-04-11T14:05:00.000Z');
    expect(expiryDate('never', '', null, now)).toBeNull();
  });

  it('keeps the time of day on a custom date, across the change to summer time', () => {
    // 15:05 in Copenhagen on 2 April is 13:05 UTC (summer time).
    expect(expiryDate('custom', '2026-04-02', null, now)?.toISOString()).toBe('2026-04-02T13:05:00.000Z');
    expect(expiryDate('custom', '', null, now)).toBeNull();
  });

  it('keeps a custom date within the maximum lifetime, across the change back to winter time', () => {
    const autumn = new Date('2026-10-10T13:05:00Z'); // 15:05 summer time; winter time from 25 October
    const policy = { maxLifetimeDays: 30, requireExpiry: true };
    // 15:05 on the last allowed day is an hour past 30 × 24 hours: the limit wins.
    expect(expiryDate('custom', '2026-11-09', policy, autumn)?.toISOString()).toBe('2026-11-09T13:05:00.000Z');
    expect(expiryDate('custom', '2026-11-08', policy, autumn)?.toISOString()).toBe('2026-11-08T14:05:00.000Z');
  });
});

describe('customDateRange and customDateError', () => {
  it('allows tomorrow up to the limit', () => {
    expect(customDateRange(null, now)).toEqual({ min: '2026-03-13', max: '2031-03-11' });
    expect(customDateRange({ maxLifetimeDays: 30, requireExpiry: false }, now)).toEqual({ min: '2026-03-13', max: '2026-04-11' });
  });

  it('says what is wrong with a date', () => {
    const policy = { maxLifetimeDays: 30, requireExpiry: false };
    expect(customDateError('', policy, now)).toBe('Choose a date');
    expect(customDateError('2026-03-12', policy, now)).toBe('Choose a date after today');
    expect(customDateError('2026-04-12', policy, now)).toMatch(/^Choose a date no later than .*2026/);
    expect(customDateError('2026-04-11', policy, now)).toBeNull();
    expect(customDateError('2026-03-13', policy, now)).toBeNull();
  });
});

describe('expiryWarning', () => {
  it('warns within 7 days, in whole calendar days, with today and one day said right', () => {
    expect(expiryWarning(null, now)).toBeNull();
    expect(expiryWarning('2026-03-19T14:06:00Z', now)).toBeNull();
    expect(expiryWarning('2026-03-19T14:05:00Z', now)).toBe('Expires in 7 days');
    expect(expiryWarning('2026-03-15T08:00:00Z', now)).toBe('Expires in 3 days');
    // Tomorrow morning is one day away, even if under 24 hours.
    expect(expiryWarning('2026-03-13T06:00:00Z', now)).toBe('Expires in 1 day');
    expect(expiryWarning('2026-03-12T15:05:00Z', now)).toBe('Expires today');
    expect(expiryWarning('2026-03-12T14:00:00Z', now)).toBe('Expired');
  });

  it('counts "soon" 7 days from now', () => {
    expect(soonThreshold(now)).toBe('2026-03-19T14:05:00.000Z');
  });
});
