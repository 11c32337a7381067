import { GraphQLError, type ExecutionResult } from 'graphql';

/**
 * GraphiQL's fetcher: POST /graphql with the session cookie, plus whatever headers the
 * Headers tab holds (an Authorization header acts as that API key instead).
 */
export async function fetchGraphQL(
  params: { query: string; variables?: unknown; operationName?: string | null },
  options?: { headers?: Record<string, unknown> },
): Promise<ExecutionResult> {
  const res = await fetch('/graphql', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...stringHeaders(options?.headers) },
    body: JSON.stringify(params),
  });
  const text = await res.text();
  try {
    return JSON.parse(text) as ExecutionResult;
  } catch {
    return { errors: [new GraphQLError(`HTTP ${res.status}: ${text.slice(0, 500)}`)] };
  }
}

function stringHeaders(headers: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- values are the JSON typed in the Headers tab; String() is how fetch itself converts a header value
    if (v != null) out[k] = String(v);
  }
  return out;
}
