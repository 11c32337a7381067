/**
 * Where to go after signing in: the `next` parameter when it is a path of this site,
 * else "/". "//host", "/\host" and tricks hidden by URL parsing would leave the site.
 */
export function nextPath(next: string | null | undefined, origin = window.location.origin): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  let url: URL;
  try {
    url = new URL(next, origin);
  } catch {
    return '/';
  }
  if (url.origin !== origin) return '/';
  const path = url.pathname + url.search + url.hash;
  // Back to the sign-in page would be a loop.
  return path.startsWith('/sign-in') ? '/' : path;
}
