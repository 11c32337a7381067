// How long a key lives: the Expiration choices of Add API Key as the company's key policy
// allows them, the moment a choice means, and how soon an active key ends. A key of "30
// days" expires 30 × 24 hours after it was made, as GitHub's tokens do; a chosen date
// means the same time of day on that date.

import { formatDate } from '../../lib/format';

/** The company's rules for new keys (Organization.keyPolicy). */
export type KeyPolicy = { maxLifetimeDays?: number | null; requireExpiry: boolean };

/** The longest a key may live whatever the policy says: 5 years, as the server allows. */
export const longestLifetimeDays = 1825;

/** Keys that end within this many days are called out on the page. */
export const soonDays = 7;

const dayMs = 24 * 60 * 60 * 1000;
const presetDays = [7, 30, 60, 90];
const defaultDays = 30;

/** A choice of the Expiration field: a number of days ("30"), a date of one's own, or never. */
export type ExpiryChoice = string;
export const customChoice = 'custom';
export const neverChoice = 'never';

export type ExpiryOption = { value: ExpiryChoice; label: string };

/** The longest lifetime a new key may have, in days. */
export function lifetimeLimit(policy?: KeyPolicy | null): number {
  return Math.min(policy?.maxLifetimeDays ?? longestLifetimeDays, longestLifetimeDays);
}

const days = (n: number) => (n === 1 ? '1 day' : `${n} days`);

/**
 * The Expiration choices: 7, 30, 60 and 90 days, a custom date and No expiration, less
 * what the policy rules out: lifetimes beyond its maximum (which is offered itself), and
 * No expiration when it requires an expiry or sets a maximum (never is beyond any).
 */
export function expiryOptions(policy?: KeyPolicy | null): ExpiryOption[] {
  const limit = policy?.maxLifetimeDays ?? null;
  const lengths = limit === null ? presetDays : [...presetDays.filter((d) => d < limit), limit];
  return [
    ...lengths.map((d) => ({ value: String(d), label: d === limit ? `${days(d)} (the maximum)` : days(d) })),
    { value: customChoice, label: 'Custom date…' },
    ...(policy?.requireExpiry || limit !== null ? [] : [{ value: neverChoice, label: 'No expiration' }]),
  ];
}

/** 30 days, or the policy's maximum when that is shorter. */
export function defaultExpiry(policy?: KeyPolicy | null): ExpiryChoice {
  return String(Math.min(defaultDays, lifetimeLimit(policy)));
}

/** The choice if the policy still offers it, else the default. */
export function allowedExpiry(choice: ExpiryChoice, policy?: KeyPolicy | null): ExpiryChoice {
  return expiryOptions(policy).some((o) => o.value === choice) ? choice : defaultExpiry(policy);
}

/** A date as a date field holds it (YYYY-MM-DD), in local time. */
export function dateValue(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The local date n days after date, at the same time of day. */
function addDays(date: Date, n: number): Date {
  const next = new Date(date);
  next.setDate(next.getDate() + n);
  return next;
}

/** The dates a custom expiry may take: from tomorrow to the policy's limit. */
export function customDateRange(policy: KeyPolicy | null | undefined, now: Date): { min: string; max: string } {
  return { min: dateValue(addDays(now, 1)), max: dateValue(addDays(now, lifetimeLimit(policy))) };
}

/** What is wrong with a custom date, or null. */
export function customDateError(value: string, policy: KeyPolicy | null | undefined, now: Date): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return 'Choose a date';
  const { min, max } = customDateRange(policy, now);
  // YYYY-MM-DD strings compare like the dates they are.
  if (value < min) return 'Choose a date after today';
  if (value > max) return `Choose a date no later than ${formatDate(addDays(now, lifetimeLimit(policy)).toISOString())}`;
  return null;
}

/**
 * When a key made now with this choice expires: null for never (and for a custom date
 * not chosen yet). A date keeps the time of day, within the policy's limit.
 */
export function expiryDate(choice: ExpiryChoice, customDate: string, policy: KeyPolicy | null | undefined, now: Date): Date | null {
  if (choice === neverChoice) return null;
  if (choice === customChoice) {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(customDate);
    if (!match) return null;
    const date = new Date(now);
    date.setFullYear(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
    // A change to summer time must not carry the last allowed day an hour past the limit.
    return new Date(Math.min(date.getTime(), now.getTime() + lifetimeLimit(policy) * dayMs));
  }
  return new Date(now.getTime() + Number(choice) * dayMs);
}

/** The instant soonDays from now: keys expiring until then are "expiring soon". */
export function soonThreshold(now: Date): string {
  return new Date(now.getTime() + soonDays * dayMs).toISOString();
}

/** Whole calendar days from now to the time, in local time (0: today). */
function calendarDaysUntil(iso: string, now: Date): number {
  const start = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  // Rounded: a day of a time change is 23 or 25 hours long.
  return Math.round((start(new Date(iso)) - start(now)) / dayMs);
}

/**
 * The warning an active key's expiry deserves: "Expired", "Expires today", "Expires in
 * 1 day", "Expires in 3 days" within soonDays; null for later (or never).
 */
export function expiryWarning(expiresAt: string | null | undefined, now: Date): string | null {
  if (!expiresAt) return null;
  const at = new Date(expiresAt).getTime();
  if (Number.isNaN(at) || at > now.getTime() + soonDays * dayMs) return null;
  if (at <= now.getTime()) return 'Expired';
  const n = calendarDaysUntil(expiresAt, now);
  return n <= 0 ? 'Expires today' : `Expires in ${days(n)}`;
}
