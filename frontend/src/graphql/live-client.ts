import { createContext, useContext } from 'react';
import { createClient, type Client, type ClientOptions } from 'graphql-ws';

/** The app's one WebSocket client (graphql-transport-ws): subscriptions share its socket. */
export type LiveClient = Client;

/** The server's close code for a connection whose session ended (or never was). */
export const sessionEndedCode = 4403;

/** Whether a connection error is the server closing it because the session ended. */
export function isSessionEnd(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === sessionEndedCode;
}

/** ws:// or wss:// of this page's host, /graphql: the same origin, so the session cookie goes along. */
export function liveUrl(location: Pick<Location, 'protocol' | 'host'> = window.location) {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`;
}

/** Waits before reconnection attempt retries (0, 1, 2, …): 1 s doubling up to 30 s, plus up to a second at random. */
export function reconnectDelay(retries: number, random = Math.random) {
  return Math.min(1000 * 2 ** retries, 30_000) + Math.floor(random() * 1000);
}

/**
 * The options of the app's WebSocket client: opened when something subscribes (and closed
 * a moment after the last one stops), reconnected with backoff whatever the cause, except
 * the server's 4403, which means the session ended and calls onSessionEnded.
 */
export function liveClientOptions(onSessionEnded: () => void, url = liveUrl()): ClientOptions {
  return {
    url,
    lazy: true,
    // Moving between pages stops one subscription and starts another: keep the socket meanwhile.
    lazyCloseTimeout: 3000,
    retryAttempts: Infinity,
    retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, reconnectDelay(retries))),
    // graphql-ws gives up on a failed connection (an error event, not a close) by default: a server
    // that restarts is exactly when the app must keep trying.
    shouldRetry: (error) => !isSessionEnd(error),
    on: {
      closed: (event) => {
        if (isSessionEnd(event)) onSessionEnded();
      },
    },
  };
}

export function createLiveClient(onSessionEnded: () => void): LiveClient {
  return createClient(liveClientOptions(onSessionEnded));
}

/** The app's WebSocket client; null where there is none (tests of a single component). */
export const LiveClientContext = createContext<LiveClient | null>(null);

export function useLiveClient(): LiveClient | null {
  return useContext(LiveClientContext);
}
