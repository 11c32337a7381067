// What GraphiQL keeps in the browser, without the request headers: the Headers tab holds
// API keys ("Authorization: Bearer gak_…"), and its history wrote them to localStorage
// whatever shouldPersistHeaders said. This module must not import graphiql: the app
// layout uses it on sign-out, and GraphiQL loads with the Playground page only.

/** The part of the Web Storage API that GraphiQL's `storage` prop asks for. */
export type PlaygroundStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'clear' | 'length'>;

// GraphiQL prefixes every key it writes (@graphiql/toolkit's StorageAPI).
const prefix = 'graphiql:';

// graphiql:headers holds the Headers tab itself; never written.
const headersKey = `${prefix}headers`;

// These hold JSON whose lists carry a "headers" text per entry: the history, the favorites
// ({"queries": [...]}, {"favorites": [...]}) and the tabs ({"tabs": [...], "activeTabIndex"}).
const keysWithHeaders = new Set([`${prefix}queries`, `${prefix}favorites`, `${prefix}tabState`]);

/**
 * GraphiQL's storage on top of store (localStorage by default) that never writes a
 * request header: graphiql:headers is dropped, and so is every entry's "headers" in the
 * history, favorites and tabs. A value it cannot read is not written at all.
 */
export function headerFreeStorage(store: Storage = window.localStorage): PlaygroundStorage {
  function setItem(key: string, value: string) {
    const kept = key === headersKey ? null : keysWithHeaders.has(key) ? withoutHeaders(value) : value;
    if (kept === null) store.removeItem(key);
    else store.setItem(key, kept);
  }
  // Headers that earlier versions of this page let GraphiQL write go at once.
  for (const key of [headersKey, ...keysWithHeaders]) {
    const value = store.getItem(key);
    if (value !== null) setItem(key, value);
  }
  return {
    getItem: (key) => store.getItem(key),
    setItem,
    removeItem: (key) => store.removeItem(key),
    clear: () => removeGraphiQLKeys(store),
    get length() {
      return graphiQLKeys(store).length;
    },
  };
}

/** value (a JSON object of lists) with no "headers" in its lists' entries; null if it is not such JSON. */
export function withoutHeaders(value: string): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return null;
  }
  if (!isObject(parsed)) return null;
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(parsed)) {
    out[name] = Array.isArray(field) ? (field as unknown[]).map((entry) => (isObject(entry) ? omitHeaders(entry) : entry)) : field;
  }
  return JSON.stringify(out);
}

/** Removes every key GraphiQL wrote, from localStorage and sessionStorage: done on sign-out. */
export function forgetPlayground(stores: Storage[] = [window.localStorage, window.sessionStorage]) {
  for (const store of stores) removeGraphiQLKeys(store);
}

function omitHeaders(entry: Record<string, unknown>) {
  const rest = { ...entry };
  delete rest.headers;
  return rest;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function graphiQLKeys(store: Storage): string[] {
  const keys: string[] = [];
  for (let i = 0; i < store.length; i++) {
    const key = store.key(i);
    if (key?.startsWith(prefix)) keys.push(key);
  }
  return keys;
}

function removeGraphiQLKeys(store: Storage) {
  for (const key of graphiQLKeys(store)) store.removeItem(key);
}
