import { useCallback, useMemo } from 'react';
import { useLocation, useNavigate } from 'react-router';
import type { ApiKeyOrder, ApiKeyOrderField } from '../../gql/graphql';

// What the API Keys page shows lives in its URL, so a link, a reload or the back button
// brings back the same tab, search, sort and page:
//   ?tab=revoked&q=erp&sort=name&order=asc&page=2&after=<cursor>
//   ?expiring=1&sort=expires&order=asc   (active keys that expire within 7 days, soonest first)
//   ?tab=revoked&key=<id>                 (a key's details drawer over its tab)
// Defaults are left out: the plain path is the Active tab, all keys, newest first, page 1.

export type KeysTab = 'active' | 'revoked';
export type SortField = 'name' | 'created' | 'last-used' | 'expires' | 'revoked';
export type SortDirection = 'asc' | 'desc';
export type Sort = { field: SortField; direction: SortDirection };

/** A page after the first is reached from a cursor: after the previous page's last key, or before the next page's first. */
export type Paging = { page: number; after?: string; before?: string };

export type ApiKeysView = {
  tab: KeysTab;
  /** The search as typed (trimmed), "" for none. */
  search: string;
  /** Only the active keys that expire soon (within soonDays); never on the Revoked tab. */
  expiring: boolean;
  sort: Sort;
  paging: Paging;
  /** The id of the key whose details are open; none while closed. */
  details?: string;
};

const fields: SortField[] = ['name', 'created', 'last-used', 'expires', 'revoked'];
const orderFields: Record<SortField, ApiKeyOrderField> = {
  name: 'NAME',
  created: 'CREATED_AT',
  'last-used': 'LAST_USED_AT',
  expires: 'EXPIRES_AT',
  revoked: 'REVOKED_AT',
};

/** The server's own order for a tab: newest first, or most recently revoked first. */
export function defaultSort(tab: KeysTab): Sort {
  return { field: tab === 'revoked' ? 'revoked' : 'created', direction: 'desc' };
}

function isDefault(sort: Sort, tab: KeysTab) {
  const fallback = defaultSort(tab);
  return sort.field === fallback.field && sort.direction === fallback.direction;
}

/** The direction a column starts in when first chosen: names A to Z, expiry soonest first, other times newest first. */
export function firstDirection(field: SortField): SortDirection {
  return field === 'name' || field === 'expires' ? 'asc' : 'desc';
}

/** The columns a tab can be sorted by: when keys expire on the Active tab, when they were revoked on the Revoked tab. */
export function sortFields(tab: KeysTab): SortField[] {
  return fields.filter((f) => f !== (tab === 'revoked' ? 'expires' : 'revoked'));
}

/** The orderBy argument of the apiKeys query. */
export function orderBy(sort: Sort): ApiKeyOrder {
  return { field: orderFields[sort.field], direction: sort.direction === 'asc' ? 'ASC' : 'DESC' };
}

export const firstPage: Paging = { page: 1 };

/** The view a query string describes; anything unknown or inconsistent falls back to the default. */
export function readView(params: URLSearchParams): ApiKeysView {
  const tab: KeysTab = params.get('tab') === 'revoked' ? 'revoked' : 'active';
  const search = (params.get('q') ?? '').trim();
  const expiring = tab === 'active' && params.get('expiring') === '1';
  const field = params.get('sort') as SortField | null;
  const direction = params.get('order');
  const sort =
    field && sortFields(tab).includes(field)
      ? { field, direction: direction === 'asc' || direction === 'desc' ? direction : firstDirection(field) }
      : defaultSort(tab);
  const after = params.get('after') || undefined;
  const before = after ? undefined : params.get('before') || undefined;
  const page = Number(params.get('page'));
  // A cursor without a sensible page number is still a later page; a page number without a cursor is the first.
  const paging = after || before ? { page: Number.isInteger(page) && page > 1 ? page : 2, after, before } : firstPage;
  const details = params.get('key') || undefined;
  return { tab, search, expiring, sort, paging, details };
}

/** The query string of a view, without its defaults. */
export function writeView(view: ApiKeysView): URLSearchParams {
  const params = new URLSearchParams();
  if (view.tab !== 'active') params.set('tab', view.tab);
  if (view.search) params.set('q', view.search);
  if (view.expiring && view.tab === 'active') params.set('expiring', '1');
  if (!isDefault(view.sort, view.tab)) {
    params.set('sort', view.sort.field);
    params.set('order', view.sort.direction);
  }
  const { page, after, before } = view.paging;
  if (page > 1 && (after || before)) {
    params.set('page', String(page));
    if (after) params.set('after', after);
    else if (before) params.set('before', before);
  }
  if (view.details) params.set('key', view.details);
  return params;
}

export type ViewChange = Partial<ApiKeysView>;

/**
 * The page's view and a way to change it. Changing the tab, search, filter or sort starts again
 * at the first page (a cursor only means something in its own list); a change is a new
 * history entry unless replace is set (typing a search).
 */
export function useApiKeysView() {
  const location = useLocation();
  const navigate = useNavigate();
  const view = useMemo(() => readView(new URLSearchParams(location.search)), [location.search]);

  const change = useCallback(
    (patch: ViewChange, options?: { replace?: boolean }) => {
      const was = readView(new URLSearchParams(location.search));
      const next = { ...was, ...patch };
      if (next.tab !== 'active') next.expiring = false;
      if (next.tab !== was.tab && !patch.sort) {
        // A chosen order carries over to the other tab where it has the column; otherwise that tab's own default.
        const carried = !isDefault(was.sort, was.tab) && sortFields(next.tab).includes(was.sort.field);
        next.sort = carried ? was.sort : defaultSort(next.tab);
      }
      const listChanged =
        next.tab !== was.tab ||
        next.search !== was.search ||
        next.expiring !== was.expiring ||
        next.sort.field !== was.sort.field ||
        next.sort.direction !== was.sort.direction;
      if (listChanged && !patch.paging) next.paging = firstPage;
      const search = writeView(next).toString();
      // The same view again (creating a key while on the first page) adds no history entry.
      if (search === new URLSearchParams(location.search).toString()) return;
      void navigate({ pathname: location.pathname, search: search ? `?${search}` : '' }, { replace: options?.replace });
    },
    [location.pathname, location.search, navigate],
  );

  return { view, change };
}
