// The name of a key (its service account's name), as the server accepts it: Add API Key
// and Rename say the same about it.

export const nameMaxLength = 100;

/** What is wrong with a name as typed, or null. */
export function nameError(value: string): string | null {
  if (!value.trim()) return 'Enter a name for the key';
  if (value.trim().length > nameMaxLength) return `Use at most ${nameMaxLength} characters`;
  return null;
}
