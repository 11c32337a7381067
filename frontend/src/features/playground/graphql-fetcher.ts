import { getOperationAST, GraphQLError, OperationTypeNode, parse, type DocumentNode, type ExecutionResult } from 'graphql';
import { createClient } from 'graphql-ws';
import { isSessionEnd, liveUrl, type LiveClient } from '../../graphql/live-client';

type Params = { query: string; variables?: unknown; operationName?: string | null };
type Options = { headers?: Record<string, unknown>; documentAST?: DocumentNode };

/**
 * GraphiQL's fetcher: POST /graphql with the session cookie, plus whatever headers the
 * Headers tab holds (an Authorization header acts as that API key instead). Subscriptions
 * run over the app's WebSocket (live) as the signed-in person, or, with an Authorization
 * header, over a WebSocket of their own that sends it in connection_init.
 */
export function graphQLFetcher(live: LiveClient | null) {
  return (params: Params, options?: Options): Promise<ExecutionResult> | AsyncIterable<ExecutionResult> => {
    const headers = stringHeaders(options?.headers);
    if (!isSubscription(params, options?.documentAST)) return fetchGraphQL(params, headers);
    const request = { query: params.query, variables: params.variables as Record<string, unknown> | undefined, operationName: params.operationName ?? undefined };
    const authorization = Object.entries(headers).find(([name]) => name.toLowerCase() === 'authorization')?.[1];
    if (authorization) {
      const own = createClient({ url: liveUrl(), connectionParams: { Authorization: authorization }, retryAttempts: 0 });
      return results(own, request, () => void own.dispose());
    }
    if (!live) return Promise.resolve({ errors: [new GraphQLError('Subscriptions are not available here.')] });
    return results(live, request);
  };
}

/** The subscription's results, ended by GraphiQL's Stop; a refusal becomes an error result rather than a thrown close event. */
async function* results(client: LiveClient, request: { query: string; variables?: Record<string, unknown>; operationName?: string }, done?: () => void) {
  try {
    yield* client.iterate(request) as AsyncIterable<ExecutionResult>;
  } catch (error) {
    yield { errors: [new GraphQLError(connectionError(error))] };
  } finally {
    done?.();
  }
}

function connectionError(error: unknown): string {
  if (Array.isArray(error)) return (error as { message?: string }[]).map((e) => e.message).join('; ');
  if (isSessionEnd(error)) return `The server closed the connection: ${(error as { reason?: string }).reason || 'Forbidden'}`;
  if (error instanceof Error) return error.message;
  const reason = (error as { reason?: string } | null)?.reason;
  return reason ? `The connection closed: ${reason}` : 'The server could not be reached over WebSocket.';
}

/** Whether the operation to run is a subscription (one that does not parse goes to the server, which says why). */
function isSubscription(params: Params, document?: DocumentNode): boolean {
  try {
    return getOperationAST(document ?? parse(params.query), params.operationName ?? undefined)?.operation === OperationTypeNode.SUBSCRIPTION;
  } catch {
    return false;
  }
}

export async function fetchGraphQL(params: Params, headers: Record<string, string> = {}): Promise<ExecutionResult> {
  const res = await fetch('/graphql', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...headers },
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
