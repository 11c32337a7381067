import type { AuditEntryAction, AuditEntryWhereInput } from '../../gql/graphql';
import { auditActionLabels } from './audit-actions';

// The Audit trail page's filters live in its URL, so that a filtered view can be shared
// and survives a reload: ?action=A&action=B&actor=ID&target=ID&from=YYYY-MM-DD&to=YYYY-MM-DD,
// the same parameters GET /audit/export takes. Dates are days in UTC; to includes its day.

export type AuditFilters = {
  actions: AuditEntryAction[];
  /** The id of the person or service account who acted, or "". */
  actor: string;
  /** The id of the API key the entries are about, or "". */
  target: string;
  /** The first day, YYYY-MM-DD (UTC), or "". */
  from: string;
  /** The last day, YYYY-MM-DD (UTC), included, or "". */
  to: string;
};

export const noFilters: AuditFilters = { actions: [], actor: '', target: '', from: '', to: '' };

const isAction = (value: string): value is AuditEntryAction => Object.hasOwn(auditActionLabels, value);

/** Whether s is a real day written YYYY-MM-DD ("2026-02-30" is not). */
export function isDay(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** The day after a YYYY-MM-DD day, in UTC. */
export function dayAfter(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/**
 * The filters of a URL's query: actions repeated (?action=A&action=B) or as a comma list
 * (?action=A,B, as the export takes them), unknown actions and malformed days dropped.
 */
export function filtersFromParams(params: URLSearchParams): AuditFilters {
  const actions = params
    .getAll('action')
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(isAction);
  const day = (name: string) => {
    const v = params.get(name) ?? '';
    return isDay(v) ? v : '';
  };
  return {
    actions: [...new Set(actions)],
    actor: params.get('actor')?.trim() ?? '',
    target: params.get('target')?.trim() ?? '',
    from: day('from'),
    to: day('to'),
  };
}

/** The query parameters of the filters (none for no filter), in the export's names. */
export function filtersToParams(f: AuditFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const a of f.actions) params.append('action', a);
  if (f.actor) params.set('actor', f.actor);
  if (f.target) params.set('target', f.target);
  if (f.from) params.set('from', f.from);
  if (f.to) params.set('to', f.to);
  return params;
}

export function hasFilters(f: AuditFilters): boolean {
  return f.actions.length > 0 || !!f.actor || !!f.target || !!f.from || !!f.to;
}

/** Whether the range ends before it starts. */
export function rangeIsReversed(f: AuditFilters): boolean {
  return !!f.from && !!f.to && f.to < f.from;
}

/**
 * The filters as auditEntries' where: the days from 00:00 UTC of from to 00:00 UTC of the
 * day after to (createdAtLT), so that to includes its whole day, as in the export.
 */
export function filtersToWhere(f: AuditFilters): AuditEntryWhereInput {
  const where: AuditEntryWhereInput = {};
  if (f.actions.length) where.actionIn = f.actions;
  if (f.actor) where.actorID = f.actor;
  if (f.target) where.targetID = f.target;
  if (f.from) where.createdAtGTE = `${f.from}T00:00:00Z`;
  if (f.to) where.createdAtLT = `${dayAfter(f.to)}T00:00:00Z`;
  return where;
}
