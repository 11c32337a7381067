import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ExecutionResult } from 'graphql';
import type { LiveClient } from '../../graphql/live-client';
import { graphQLFetcher } from './graphql-fetcher';

const document = `
  query Counts { apiKeyCounts { active revoked } }
  subscription Events { apiKeyEvents { kind apiKey { name } } }
`;

/** A WebSocket client whose subscription yields results, then fails with error if given. */
function liveClient(results: ExecutionResult[], error?: unknown) {
  const iterate = vi.fn(async function* () {
    for (const result of results) yield await Promise.resolve(result);
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- graphql-ws throws the CloseEvent itself
    if (error) throw error;
  });
  return { client: { iterate } as unknown as LiveClient, iterate };
}

async function all(results: AsyncIterable<ExecutionResult>) {
  const out: ExecutionResult[] = [];
  for await (const r of results) out.push(r);
  return out;
}

afterEach(() => vi.unstubAllGlobals());

describe('the Playground’s fetcher', () => {
  it('posts queries to /graphql with the Headers tab’s headers', async () => {
    const fetchMock = vi.fn(() => Promise.resolve(new Response('{"data": {"apiKeyCounts": {"active": 3, "revoked": 1}}}')));
    vi.stubGlobal('fetch', fetchMock);
    const live = liveClient([]);
    const result = await graphQLFetcher(live.client)({ query: document, operationName: 'Counts' }, { headers: { 'X-Trace': 42 } });
    expect(result).toEqual({ data: { apiKeyCounts: { active: 3, revoked: 1 } } });
    expect(fetchMock).toHaveBeenCalledWith('/graphql', expect.objectContaining({ method: 'POST', headers: expect.objectContaining({ 'X-Trace': '42' }) as unknown }));
    expect(live.iterate).not.toHaveBeenCalled();
  });

  it('runs a subscription over the app’s WebSocket, result by result', async () => {
    vi.stubGlobal('fetch', vi.fn());
    const event = { data: { apiKeyEvents: { kind: 'CREATED', apiKey: { name: 'Ödeme Servisi — 決済' } } } };
    const live = liveClient([event, event]);
    const results = graphQLFetcher(live.client)({ query: document, operationName: 'Events', variables: {} });
    expect(await all(results as AsyncIterable<ExecutionResult>)).toEqual([event, event]);
    expect(live.iterate).toHaveBeenCalledWith({ query: document, operationName: 'Events', variables: {} });
    expect(fetch).not.toHaveBeenCalled();
  });

  it('shows a closed connection as an error result', async () => {
    const live = liveClient([], { code: 4403, reason: 'Forbidden: the session ended' });
    const results = graphQLFetcher(live.client)({ query: 'subscription { apiKeyEvents { kind } }' });
    const [result] = await all(results as AsyncIterable<ExecutionResult>);
    expect(result.errors?.[0].message).toBe('The server closed the connection: Forbidden: the session ended');
  });
});
