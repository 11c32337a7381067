import type { AuditEntryAction } from '../../gql/graphql';
import { displayText } from '../../lib/display-text';
import { formatDateTime } from '../../lib/format';
import { auditActionLabels } from './audit-actions';

// An entry's metadata is a JSON object whose keys depend on its action (see
// AuditEntry.metadata in graph/apikeys.graphqls). It is read defensively: an entry
// written before a key existed, or by a newer server, simply has no detail line.

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** metadata[key] as {old, new}, or null. */
function change(metadata: Json, key: string): { old: unknown; new: unknown } | null {
  const value = metadata[key];
  return isObject(value) && ('old' in value || 'new' in value) ? { old: value.old, new: value.new } : null;
}

const text = (value: unknown) => (typeof value === 'string' ? value : null);

/** A list of allowed networks in words: "any address" when empty. */
function networks(value: unknown): string | null {
  if (!Array.isArray(value) || !value.every((n) => typeof n === 'string')) return null;
  return value.length ? value.join(', ') : 'any address';
}

/** A moment of an export's filter: the day alone when it is a day's start in UTC (as the page's filters send it). */
function moment(value: unknown, end: boolean): string | null {
  const at = text(value);
  if (!at) return null;
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return null;
  if (date.getUTCHours() || date.getUTCMinutes() || date.getUTCSeconds() || date.getUTCMilliseconds()) {
    return `${end ? 'before' : 'from'} ${formatDateTime(at)}`;
  }
  // An end is the start of the day after the last one included.
  if (end) date.setUTCDate(date.getUTCDate() - 1);
  return `${end ? 'to' : 'from'} ${date.toISOString().slice(0, 10)}`;
}

/** What an export held: its format and filter ({format, filter?: {action, actor, target, from, to}}). */
function exported(metadata: Json): string | null {
  const format = text(metadata.format);
  if (!format) return null;
  const name = displayText(format).toUpperCase();
  const filter = isObject(metadata.filter) ? metadata.filter : {};
  const parts: string[] = [];
  const actions = Array.isArray(filter.action) ? filter.action.filter((a): a is string => typeof a === 'string') : [];
  if (actions.length)
    parts.push(`action: ${actions.map((a) => (Object.hasOwn(auditActionLabels, a) ? auditActionLabels[a as AuditEntryAction] : displayText(a))).join(', ')}`);
  const actor = text(filter.actor);
  if (actor) parts.push(`actor ${displayText(actor)}`);
  const target = text(filter.target);
  if (target) parts.push(`target ${displayText(target)}`);
  for (const [key, end] of [
    ['from', false],
    ['to', true],
  ] as const) {
    const when = moment(filter[key], end);
    if (when) parts.push(when);
  }
  return parts.length ? `${name} export, filtered by ${parts.join('; ')}` : `${name} export of the whole trail`;
}

const lifetime = (days: unknown) => (typeof days === 'number' ? (days === 1 ? '1 day' : `${days} days`) : 'no limit');
const yesNo = (value: unknown) => (value === true ? 'yes' : 'no');

/**
 * What an audit entry's metadata adds to its action, target and time, in a short line:
 * a rename's "old → new", changed allowed networks, a rotation's new key, why a key
 * expired, a policy's changes, what an export held.
 * Null when there is nothing worth a line.
 */
export function auditDetail(action: AuditEntryAction, metadata: unknown): string | null {
  if (!isObject(metadata)) return null;
  switch (action) {
    case 'API_KEY_CREATED': {
      const parts: string[] = [];
      const expiresAt = text(metadata.expiresAt);
      if (expiresAt) parts.push(`Expires ${formatDateTime(expiresAt)}`);
      const allowed = metadata.allowedNetworks === undefined ? null : networks(metadata.allowedNetworks);
      if (allowed) parts.push(`Allowed networks: ${allowed}`);
      return parts.length ? parts.join('; ') : null;
    }
    case 'API_KEY_UPDATED': {
      const parts: string[] = [];
      const name = change(metadata, 'name');
      const [from, to] = [text(name?.old), text(name?.new)];
      if (from !== null && to !== null) parts.push(`${displayText(from)} → ${displayText(to)}`);
      const allowed = change(metadata, 'allowedNetworks');
      const [before, after] = [networks(allowed?.old), networks(allowed?.new)];
      if (before !== null && after !== null) parts.push(`Allowed networks: ${before} → ${after}`);
      return parts.length ? parts.join('; ') : null;
    }
    case 'API_KEY_ROTATED': {
      const newKey = text(metadata.newMaskedKey);
      const until = text(metadata.previousKeyExpiresAt);
      const previous = until ? `the old key works until ${formatDateTime(until)}` : 'the old key stopped at once';
      return newKey ? `New key ${newKey}; ${previous}` : null;
    }
    case 'API_KEY_EXPIRED':
      return metadata.reason === 'ROTATED' ? '(rotation overlap ended)' : null;
    case 'KEY_POLICY_UPDATED': {
      const parts: string[] = [];
      const limit = change(metadata, 'maxLifetimeDays');
      if (limit && limit.old !== limit.new) parts.push(`Maximum lifetime: ${lifetime(limit.old)} → ${lifetime(limit.new)}`);
      const required = change(metadata, 'requireExpiry');
      if (required && required.old !== required.new) parts.push(`expiration required: ${yesNo(required.old)} → ${yesNo(required.new)}`);
      if (!parts.length) return null;
      const line = parts.join('; ');
      return line.charAt(0).toUpperCase() + line.slice(1);
    }
    case 'AUDIT_EXPORTED':
      return exported(metadata);
    default:
      return null;
  }
}
