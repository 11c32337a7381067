import { forgetPlayground } from '../features/playground/playground-storage';
import { forgetSession } from './session-end';

/**
 * Ends the session and leaves nothing of it in the browser: GraphiQL's saved tabs and
 * history go first, then the sign-in page loads afresh, which drops what memory held
 * (the Playground's editors and history, the GraphQL cache of the person's data).
 * Signing out on purpose also drops the drafts of unfinished forms.
 */
export async function signOut() {
  forgetPlayground();
  forgetSession();
  try {
    await fetch('/auth/logout', { method: 'POST', credentials: 'same-origin' });
  } finally {
    window.location.replace('/sign-in');
  }
}
