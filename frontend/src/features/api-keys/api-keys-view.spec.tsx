import { describe, expect, it } from 'vitest';
import { act, render, screen } from '@testing-library/react';
import { useEffect } from 'react';
import { MemoryRouter, useLocation, useNavigate, type NavigateFunction } from 'react-router';
import { readView, useApiKeysView, writeView, type ApiKeysView } from './api-keys-view';

const read = (query: string) => readView(new URLSearchParams(query));

describe('readView and writeView', () => {
  it('reads the plain path as the Active tab, newest first, first page, no search', () => {
    expect(read('')).toEqual({ tab: 'active', search: '', expiring: false, sort: { field: 'created', direction: 'desc' }, paging: { page: 1 } });
    expect(read('?tab=revoked').sort).toEqual({ field: 'revoked', direction: 'desc' });
  });

  it('round-trips a whole view and leaves the defaults out', () => {
    const view: ApiKeysView = {
      tab: 'revoked',
      search: 'ørsted',
      expiring: false,
      sort: { field: 'name', direction: 'asc' },
      paging: { page: 3, after: 'cursor=' },
    };
    const query = writeView(view).toString();
    expect(query).toBe('tab=revoked&q=%C3%B8rsted&sort=name&order=asc&page=3&after=cursor%3D');
    expect(read(query)).toEqual(view);
    expect(writeView(read('?tab=active&sort=created&order=desc&page=1')).toString()).toBe('');
    expect(writeView({ ...read(''), paging: { page: 2, before: 'b' } }).toString()).toBe('page=2&before=b');
  });

  it('falls back to defaults for what does not make sense', () => {
    expect(read('?tab=archived').tab).toBe('active');
    // No Revoked column on the Active tab.
    expect(read('?sort=revoked&order=asc').sort).toEqual({ field: 'created', direction: 'desc' });
    expect(read('?sort=owner').sort).toEqual({ field: 'created', direction: 'desc' });
    expect(read('?sort=name&order=sideways').sort).toEqual({ field: 'name', direction: 'asc' });
    expect(read('?sort=last-used').sort).toEqual({ field: 'last-used', direction: 'desc' });
    // A page number means nothing without its cursor; a cursor is at least page 2.
    expect(read('?page=4').paging).toEqual({ page: 1 });
    expect(read('?after=c&page=x').paging).toEqual({ page: 2, after: 'c' });
    expect(read('?after=a&before=b&page=3').paging).toEqual({ page: 3, after: 'a' });
    expect(read('?q=%20%20erp%20').search).toBe('erp');
  });

  it('reads and writes the expiring filter and the Expires order, on the Active tab only', () => {
    expect(read('?expiring=1&sort=expires&order=asc')).toMatchObject({ expiring: true, sort: { field: 'expires', direction: 'asc' } });
    expect(writeView(read('?expiring=1&sort=expires&order=asc')).toString()).toBe('expiring=1&sort=expires&order=asc');
    // Soonest first is where the Expires column starts.
    expect(read('?sort=expires').sort).toEqual({ field: 'expires', direction: 'asc' });
    expect(read('?expiring=yes').expiring).toBe(false);
    // Revoked keys expire no more: no filter, no Expires order there.
    expect(read('?tab=revoked&expiring=1&sort=expires')).toMatchObject({ expiring: false, sort: { field: 'revoked', direction: 'desc' } });
  });

  it('reads and writes the key whose details are open, beside the rest of the view', () => {
    expect(read('?tab=revoked&key=key_01HX').details).toBe('key_01HX');
    expect(read('?key=').details).toBeUndefined();
    expect(writeView(read('?tab=revoked&q=erp&key=key_01HX')).toString()).toBe('tab=revoked&q=erp&key=key_01HX');
  });
});

// The hook under a router: shows the URL, and hands the test the hook and navigate.
const probe: { hook?: ReturnType<typeof useApiKeysView>; navigate?: NavigateFunction } = {};
function Probe() {
  const hook = useApiKeysView();
  const navigate = useNavigate();
  useEffect(() => {
    probe.hook = hook;
    probe.navigate = navigate;
  });
  const location = useLocation();
  return <output aria-label="url">{location.search}</output>;
}

const api = {
  get view() {
    if (!probe.hook) throw new Error('not rendered');
    return probe.hook.view;
  },
  change: (...args: Parameters<ReturnType<typeof useApiKeysView>['change']>) => probe.hook?.change(...args),
};
const go = (delta: number) => probe.navigate?.(delta);

function renderAt(url: string) {
  render(
    <MemoryRouter initialEntries={[`/admin/company-settings/api-keys${url}`]}>
      <Probe />
    </MemoryRouter>,
  );
  return () => screen.getByRole('status', { name: 'url' }).textContent;
}

describe('useApiKeysView', () => {
  it('starts a changed list at its first page, and carries a chosen order to the other tab', () => {
    const url = renderAt('?q=erp&sort=name&order=desc&page=2&after=c1');
    expect(api.view.paging).toEqual({ page: 2, after: 'c1' });
    act(() => api.change({ tab: 'revoked' }));
    expect(url()).toBe('?tab=revoked&q=erp&sort=name&order=desc');
    act(() => api.change({ sort: { field: 'revoked', direction: 'asc' } }));
    act(() => api.change({ paging: { page: 2, after: 'c2' } }));
    expect(url()).toBe('?tab=revoked&q=erp&sort=revoked&order=asc&page=2&after=c2');
    // Back to Active: the Revoked column's order does not exist there.
    act(() => api.change({ tab: 'active' }));
    expect(url()).toBe('?q=erp');
    act(() => api.change({ search: 'ørsted' }, { replace: true }));
    expect(api.view.search).toBe('ørsted');
  });

  it('starts the expiring list at its first page, and drops it on the Revoked tab', () => {
    const url = renderAt('?page=2&after=c1');
    act(() => api.change({ expiring: true, sort: { field: 'expires', direction: 'asc' } }));
    expect(url()).toBe('?expiring=1&sort=expires&order=asc');
    act(() => api.change({ tab: 'revoked' }));
    expect(url()).toBe('?tab=revoked');
    act(() => api.change({ tab: 'active' }));
    expect(api.view.expiring).toBe(false);
  });

  it('keeps the default order per tab rather than carrying it over', () => {
    const url = renderAt('');
    act(() => api.change({ tab: 'revoked' }));
    expect(url()).toBe('?tab=revoked');
    expect(api.view.sort).toEqual({ field: 'revoked', direction: 'desc' });
  });

  it('is a history entry per change (the back button undoes it), except a replace', () => {
    const url = renderAt('');
    act(() => api.change({ tab: 'revoked' }));
    act(() => api.change({ search: 'e' }, { replace: true }));
    act(() => api.change({ search: 'erp' }, { replace: true }));
    act(() => api.change({ sort: { field: 'name', direction: 'asc' } }));
    expect(url()).toBe('?tab=revoked&q=erp&sort=name&order=asc');
    act(() => void go(-1));
    expect(url()).toBe('?tab=revoked&q=erp');
    act(() => void go(-1));
    expect(url()).toBe('');
    expect(api.view.tab).toBe('active');
  });

  it('opens and closes a key’s details over the same list, page and order, each a history entry', () => {
    const url = renderAt('?sort=name&order=asc&page=2&after=c1');
    act(() => api.change({ details: 'key_7' }));
    expect(url()).toBe('?sort=name&order=asc&page=2&after=c1&key=key_7');
    expect(api.view.paging).toEqual({ page: 2, after: 'c1' });
    act(() => api.change({ details: undefined }));
    expect(url()).toBe('?sort=name&order=asc&page=2&after=c1');
    act(() => void go(-1));
    expect(api.view.details).toBe('key_7');
  });

  it('adds no history entry for the view already shown', () => {
    const url = renderAt('?tab=revoked');
    act(() => api.change({ tab: 'active' }));
    act(() => api.change({ tab: 'active' }));
    act(() => void go(-1));
    expect(url()).toBe('?tab=revoked');
  });
});
