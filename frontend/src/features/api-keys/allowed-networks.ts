// A key's allowed networks as a person types them: one address or CIDR network per line,
// or separated by commas or spaces. The server validates and normalizes each entry
// (BAD_USER_INPUT on allowedNetworks names a bad one); the app only splits the text.

/** The entries of the text, trimmed, without empty ones; [] means any address. */
export function parseNetworks(text: string): string[] {
  return text.split(/[\s,]+/).filter(Boolean);
}

/** The text of a key's networks, one a line, for editing. */
export function formatNetworks(networks: readonly string[]): string {
  return networks.join('\n');
}

/** Whether two lists name the same networks in the same order. */
export function sameNetworks(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}
