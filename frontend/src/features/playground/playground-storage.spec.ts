import { beforeEach, describe, expect, it } from 'vitest';
import { forgetPlayground, headerFreeStorage, withoutHeaders } from './playground-storage';

const header = '{"Authorization": "Bearer gak_FakeKey0123456789"}';
const query = '{ viewer { name } }';

/** Every value of store, joined: what a script in the page (or a later visitor) could read. */
function everything(store: Storage) {
  return Object.keys(store)
    .map((k) => `${k}=${store.getItem(k)}`)
    .join('\n');
}

beforeEach(() => {
  localStorage.clear();
  sessionStorage.clear();
});

describe('headerFreeStorage', () => {
  it('keeps the history without the headers each query ran with', () => {
    const storage = headerFreeStorage(localStorage);
    storage.setItem(
      'graphiql:queries',
      JSON.stringify({ queries: [{ query, variables: '{"first": 1}', headers: header, operationName: 'Viewer', label: 'mine' }] }),
    );
    expect(JSON.parse(localStorage.getItem('graphiql:queries')!)).toEqual({
      queries: [{ query, variables: '{"first": 1}', operationName: 'Viewer', label: 'mine' }],
    });
    expect(everything(localStorage)).not.toMatch(/gak_|Authorization/);
  });

  it('keeps favorites and tabs without their headers', () => {
    const storage = headerFreeStorage(localStorage);
    storage.setItem('graphiql:favorites', JSON.stringify({ favorites: [{ query, headers: header, favorite: true }] }));
    storage.setItem(
      'graphiql:tabState',
      JSON.stringify({ tabs: [{ id: 't1', hash: null, title: 'Viewer', query, variables: null, headers: header, operationName: null, response: null }], activeTabIndex: 0 }),
    );
    expect(JSON.parse(localStorage.getItem('graphiql:favorites')!)).toEqual({ favorites: [{ query, favorite: true }] });
    expect(JSON.parse(localStorage.getItem('graphiql:tabState')!)).toEqual({
      tabs: [{ id: 't1', hash: null, title: 'Viewer', query, variables: null, operationName: null, response: null }],
      activeTabIndex: 0,
    });
    expect(everything(localStorage)).not.toMatch(/gak_|Authorization/);
  });

  it('never writes the Headers tab itself, and removes what an older version wrote', () => {
    localStorage.setItem('graphiql:headers', header);
    const storage = headerFreeStorage(localStorage);
    storage.setItem('graphiql:headers', header);
    expect(localStorage.getItem('graphiql:headers')).toBeNull();
  });

  it('removes the headers that were stored before it was used', () => {
    localStorage.setItem('graphiql:headers', header);
    localStorage.setItem('graphiql:queries', JSON.stringify({ queries: [{ query, headers: header }] }));
    localStorage.setItem('graphiql:theme', 'light');
    headerFreeStorage(localStorage);
    expect(everything(localStorage)).not.toMatch(/gak_|Authorization/);
    expect(JSON.parse(localStorage.getItem('graphiql:queries')!)).toEqual({ queries: [{ query }] });
    expect(localStorage.getItem('graphiql:theme')).toBe('light');
  });

  it('writes nothing for a history it cannot read, rather than risk a header', () => {
    localStorage.setItem('graphiql:queries', '{"queries": []}');
    headerFreeStorage(localStorage).setItem('graphiql:queries', `not json ${header}`);
    expect(localStorage.getItem('graphiql:queries')).toBeNull();
  });

  it('writes the other keys as they are: a variable named "headers" is the person’s own', () => {
    const storage = headerFreeStorage(localStorage);
    storage.setItem('graphiql:query', query);
    storage.setItem('graphiql:variables', '{"headers": [{"headers": "x"}]}');
    storage.setItem('graphiql:theme', 'light');
    expect(localStorage.getItem('graphiql:query')).toBe(query);
    expect(localStorage.getItem('graphiql:variables')).toBe('{"headers": [{"headers": "x"}]}');
    expect(storage.getItem('graphiql:theme')).toBe('light');
  });

  it('counts and clears only GraphiQL’s keys', () => {
    localStorage.setItem('mantine-color-scheme', 'light');
    const storage = headerFreeStorage(localStorage);
    storage.setItem('graphiql:theme', 'light');
    storage.setItem('graphiql:query', query);
    expect(storage.length).toBe(2);
    storage.clear();
    expect(Object.keys(localStorage)).toEqual(['mantine-color-scheme']);
  });
});

describe('withoutHeaders', () => {
  it('returns null for JSON that is not an object of lists', () => {
    expect(withoutHeaders('[1, 2]')).toBeNull();
    expect(withoutHeaders('"text"')).toBeNull();
    expect(withoutHeaders('null')).toBeNull();
  });
});

describe('forgetPlayground', () => {
  it('removes every graphiql: key of localStorage and sessionStorage, and nothing else', () => {
    localStorage.setItem('graphiql:queries', '{"queries": []}');
    localStorage.setItem('graphiql:tabState', '{"tabs": []}');
    localStorage.setItem('graphiql:theme', 'light');
    localStorage.setItem('other', 'kept');
    sessionStorage.setItem('graphiql:headers', header);
    sessionStorage.setItem('other', 'kept');
    forgetPlayground();
    expect(Object.keys(localStorage)).toEqual(['other']);
    expect(Object.keys(sessionStorage)).toEqual(['other']);
  });
});
