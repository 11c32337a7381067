/** One error of an /auth endpoint: {"message", "extensions": {"code", "field"?}}. */
export type AuthError = { message: string; code?: string; field?: string };

export type AuthResult<T> = { ok: true; data: T } | { ok: false; status: number; errors: AuthError[] };

const unreachable = 'The server could not be reached. Check your connection and try again.';

type ErrorBody = { errors?: { message?: string; extensions?: { code?: string; field?: string } }[] };

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
  const errors = ((json as ErrorBody | null)?.errors ?? []).map((e) => ({
    message: e.message ?? '',
    code: e.extensions?.code,
    field: e.extensions?.field,
  }));
  return {
    ok: false,
    status: res.status,
    errors: errors.length ? errors : [{ message: `Something went wrong (HTTP ${res.status}). Try again.` }],
  };
}

/** Whether the browser already has a valid session (a cheap viewer query). */
export async function hasSession(): Promise<boolean> {
  try {
    const res = await fetch('/graphql', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ query: '{ viewer { id } }' }),
    });
    if (!res.ok) return false;
    const json = (await res.json()) as { data?: { viewer?: { id?: string } } };
    return Boolean(json.data?.viewer?.id);
  } catch {
    return false;
  }
}
