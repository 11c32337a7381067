// Who this tab was signed in as, kept in sessionStorage. When the sign-in page opens and
// this is still set, the session ended without the person signing out (it expired, was
// revoked, or a request was answered 401): the page says so, and signing in again as the
// same person in the same company carries on where they were.

import { clearDrafts } from './drafts';

/** The person and company of a browser session. */
export type SessionOwner = { userId: string; organizationId: string };

const key = 'apikeys:session';

/** Notes who this tab is signed in as (each time the app loads the viewer). */
export function rememberSession(owner: SessionOwner) {
  try {
    sessionStorage.setItem(key, JSON.stringify(owner));
  } catch {
    // Without storage the sign-in page just cannot say the session ended.
  }
}

/** Who this tab was last signed in as, when it did not sign out; else null. */
export function endedSession(): SessionOwner | null {
  try {
    const value = JSON.parse(sessionStorage.getItem(key) ?? 'null') as Partial<SessionOwner> | null;
    return typeof value?.userId === 'string' && typeof value.organizationId === 'string'
      ? { userId: value.userId, organizationId: value.organizationId }
      : null;
  } catch {
    return null;
  }
}

/** Signing out on purpose: nothing is carried over to the next sign-in. */
export function forgetSession() {
  try {
    sessionStorage.removeItem(key);
  } catch {
    // Nothing was kept.
  }
  clearDrafts();
}
