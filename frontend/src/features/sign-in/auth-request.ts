/** A company to sign in to, as the server lists them in a CHOOSE_ORGANIZATION error. */
export type Organization = { id: string; name: string };

/** One error of an /auth endpoint: {"message", "extensions": {"code", "field"?, "organizations"?}}. */
export type AuthError = { message: string; code?: string; field?: string; organizations?: Organization[] };

export type AuthResult<T> = { ok: true; data: T } | { ok: false; status: number; errors: AuthError[] };

const unreachable = 'The server could not be reached. Check your connection and try again.';

type ErrorBody = { errors?: { message?: string; extensions?: { code?: string; field?: string; organizations?: unknown } }[] };

/** POSTs JSON to one of the /auth endpoints; the response may set the session cookie. */
export async function postAuth<T>(path: string, body: unknown): Promise<AuthResult<T>> {
  let res: Response;
  try {
    res = await fetch(path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch {
    return { ok: false, status: 0, errors: [{ message: unreachable }] };
  }
  const json: unknown = await res.json().catch(() => null);
  if (res.ok) return { ok: true, data: json as T };
  const errors = ((json as ErrorBody | null)?.errors ?? []).map((e) => {
    const error: AuthError = { message: e.message ?? '', code: e.extensions?.code, field: e.extensions?.field };
    const organizations = organizationList(e.extensions?.organizations);
    if (organizations) error.organizations = organizations;
    return error;
  });
  return {
    ok: false,
    status: res.status,
    errors: errors.length ? errors : [{ message: `Something went wrong (HTTP ${res.status}). Try again.` }],
  };
}

/** The well-formed entries of extensions.organizations, or undefined when it is no list. */
function organizationList(value: unknown): Organization[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.flatMap((o: unknown) => {
    const { id, name } = (o ?? {}) as Partial<Record<keyof Organization, unknown>>;
    return typeof id === 'string' && typeof name === 'string' ? [{ id, name }] : [];
  });
}

/** A server message as a sentence: capital first letter, final full stop. */
export function sentence(message: string) {
  return message.charAt(0).toUpperCase() + message.slice(1) + (/[.!?]$/.test(message) ? '' : '.');
}

/** The error's message on its field, when the server blamed one of fields (extensions.field); else null. */
export function fieldErrors<F extends string>(error: AuthError, fields: readonly F[]): Partial<Record<F, string>> | null {
  const field = fields.find((f) => f === error.field);
  return field ? ({ [field]: sentence(error.message) } as Partial<Record<F, string>>) : null;
}

/** Whether the browser has a live session, or why that could not be told. */
export type SessionStatus = { signedIn: boolean } | { error: string };

/**
 * Asks GET /auth/session whether the browser has a live session: 200 either way, so that
 * a first visit (signed out) logs no error in the browser's console.
 */
export async function sessionStatus(): Promise<SessionStatus> {
  let res: Response;
  try {
    res = await fetch('/auth/session', { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  } catch {
    return { error: unreachable };
  }
  const json = (await res.json().catch(() => null)) as { signedIn?: unknown } | null;
  if (res.ok && typeof json?.signedIn === 'boolean') return { signedIn: json.signedIn };
  return { error: `Could not check your session (HTTP ${res.status}). Try again.` };
}

/** Whether the browser already has a live session (false when that cannot be told). */
export async function hasSession(): Promise<boolean> {
  const status = await sessionStatus();
  return 'signedIn' in status && status.signedIn;
}
