// Text that people and programs chose (names, user agents) is shown as it reads, never
// as it steers: a right-to-left override turns "\u202Egnp.exe" into what looks like "exe.png".

// C0 and C1 controls with DEL (Unicode's Cc), the Arabic letter mark, the directional marks, embeddings,
// overrides and isolates. Not the zero-width joiners: emoji sequences and scripts need them.
const hidden = /[\p{Cc}\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/gu;

/** s without control and bidirectional formatting characters, for showing as text. */
export function displayText(s: string): string {
  return s.replace(hidden, '');
}
