// Drafts of what a person typed into a form, kept in this tab's sessionStorage so that
// a session ending mid-form costs nothing: after signing in again the form opens with
// them. Only fields that are no secret belong here: never a key, never a password.

const prefix = 'apikeys:draft:';

/** The draft saved under name, or null (none, unreadable, or storage unavailable). */
export function readDraft(name: string): unknown {
  try {
    const raw = sessionStorage.getItem(prefix + name);
    return raw === null ? null : (JSON.parse(raw) as unknown);
  } catch {
    return null;
  }
}

/** Saves a draft; a full or disabled storage only loses the draft. */
export function saveDraft(name: string, value: unknown) {
  try {
    sessionStorage.setItem(prefix + name, JSON.stringify(value));
  } catch {
    // The form works on without a draft.
  }
}

export function clearDraft(name: string) {
  try {
    sessionStorage.removeItem(prefix + name);
  } catch {
    // Nothing was kept.
  }
}

function draftKeys(): string[] {
  try {
    return Array.from({ length: sessionStorage.length }, (_, i) => sessionStorage.key(i)).filter((k): k is string => !!k?.startsWith(prefix));
  } catch {
    return [];
  }
}

/** Whether any form has a draft waiting. */
export function hasDrafts(): boolean {
  return draftKeys().length > 0;
}

/** Drops every draft: on signing out, or when someone else signs in in this tab. */
export function clearDrafts() {
  for (const key of draftKeys()) {
    try {
      sessionStorage.removeItem(key);
    } catch {
      // Nothing was kept.
    }
  }
}
