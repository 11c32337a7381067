import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { clearDrafts, hasDrafts, readDraft, saveDraft } from './drafts';
import { endedSession, forgetSession, rememberSession } from './session-end';

beforeEach(() => sessionStorage.clear());
afterEach(() => vi.restoreAllMocks());

describe('session end', () => {
  it('remembers who the tab was signed in as, until they sign out on purpose', () => {
    expect(endedSession()).toBeNull();
    rememberSession({ userId: 'usr_1', organizationId: 'org_1' });
    expect(endedSession()).toEqual({ userId: 'usr_1', organizationId: 'org_1' });
    saveDraft('add-api-key', { name: 'ERP', role: 'VIEWER' });
    forgetSession();
    expect(endedSession()).toBeNull();
    // Signing out on purpose leaves no draft for whoever signs in next.
    expect(readDraft('add-api-key')).toBeNull();
  });

  it('ignores what it did not write', () => {
    sessionStorage.setItem('apikeys:session', '{"userId": 1}');
    expect(endedSession()).toBeNull();
    sessionStorage.setItem('apikeys:session', 'not json');
    expect(endedSession()).toBeNull();
  });
});

describe('drafts', () => {
  it('keeps drafts by name and drops them all at once, leaving other storage alone', () => {
    sessionStorage.setItem('graphiql:tabs', 'kept');
    saveDraft('add-api-key', { name: 'ERP' });
    saveDraft('add-user', { email: 'mia@example.com' });
    expect(hasDrafts()).toBe(true);
    expect(readDraft('add-user')).toEqual({ email: 'mia@example.com' });
    clearDrafts();
    expect(hasDrafts()).toBe(false);
    expect(sessionStorage.getItem('graphiql:tabs')).toBe('kept');
  });

  it('costs only the draft when storage refuses', () => {
    vi.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {
      throw new DOMException('full', 'QuotaExceededError');
    });
    expect(() => saveDraft('add-api-key', { name: 'ERP' })).not.toThrow();
    expect(readDraft('add-api-key')).toBeNull();
    expect(() => rememberSession({ userId: 'usr_1', organizationId: 'org_1' })).not.toThrow();
  });
});
