import type { AuditEntryAction } from '../../gql/graphql';
import { displayText } from '../../lib/display-text';
import { formatDateTime } from '../../lib/format';

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

const lifetime = (days: unknown) => (typeof days === 'number' ? (days === 1 ? '1 day' : `${days} days`) : 'no limit');
const yesNo = (value: unknown) => (value === true ? 'yes' : 'no');

/**
 * What an audit entry's metadata adds to its action, target and time, in a short line:
 * a rename's "old → new", changed allowed networks, a rotation's new key, why a key
 * expired, a policy's changes.
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
    default:
      return null;
  }
}
