import { useEffect, useEffectEvent } from 'react';
import { print } from 'graphql';
import { graphql } from '../gql';
import type { ApiKeyEventsSubscription } from '../gql/graphql';
import { isSessionEnd, useLiveClient, type LiveClient } from './live-client';

const ApiKeyEventsDocument = graphql(`
  subscription ApiKeyEvents {
    apiKeyEvents {
      kind
      apiKey {
        id
        name
        maskedKey
        status
      }
      counts {
        active
        revoked
      }
    }
  }
`);

/** A change to one of the company's keys, by anyone: a person, a key, the expiry sweeper, a leak report. */
export type KeyEvent = ApiKeyEventsSubscription['apiKeyEvents'];

/** Called with each event, and with undefined when events may have been missed (after a reconnect): refetch then. */
export type KeyEventListener = (event: KeyEvent | undefined) => void;

const query = print(ApiKeyEventsDocument);

/** How long to wait before subscribing again after the server ended the subscription (n-th time in a row). */
const resubscribeDelay = (n: number) => Math.min(1000 * 2 ** n, 30_000);

/**
 * One subscription per client, shared by every listener: the first listener starts it,
 * the last one stops it. Should the server end it (it may, after its database reconnects),
 * it starts again, and listeners refetch.
 */
function keyEvents(client: LiveClient) {
  const listeners = new Set<KeyEventListener>();
  let stop: (() => void) | undefined;
  const emit = (event: KeyEvent | undefined) => listeners.forEach((listener) => listener(event));

  function start() {
    let stopped = false;
    let unsubscribe = () => {};
    let timer: ReturnType<typeof setTimeout> | undefined;
    let endedInARow = 0;
    const again = () => {
      if (stopped) return;
      timer = setTimeout(() => {
        subscribe();
        emit(undefined);
      }, resubscribeDelay(endedInARow++));
    };
    const subscribe = () => {
      unsubscribe = client.subscribe<ApiKeyEventsSubscription>(
        { query },
        {
          next: (result) => {
            endedInARow = 0;
            if (result.data) emit(result.data.apiKeyEvents);
          },
          // Ended by the session's end: the app is on its way to the sign-in page.
          error: (error) => {
            if (!isSessionEnd(error)) again();
          },
          complete: again,
        },
      );
    };
    // A connection that was lost and came back has missed whatever happened meanwhile.
    const offConnected = client.on('connected', (_socket, _payload, wasRetry) => {
      if (wasRetry) emit(undefined);
    });
    subscribe();
    return () => {
      stopped = true;
      clearTimeout(timer);
      offConnected();
      unsubscribe();
    };
  }

  return (listener: KeyEventListener) => {
    listeners.add(listener);
    stop ??= start();
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0) {
        stop?.();
        stop = undefined;
      }
    };
  };
}

const byClient = new WeakMap<LiveClient, ReturnType<typeof keyEvents>>();

/** Adds a listener to the company's key events (on the app's one WebSocket); returns how to remove it. */
export function listenToKeyEvents(client: LiveClient, listener: KeyEventListener): () => void {
  let listen = byClient.get(client);
  if (!listen) byClient.set(client, (listen = keyEvents(client)));
  return listen(listener);
}

/**
 * Calls onEvent with each change to the company's keys while the component is mounted
 * (and enabled), and with undefined after a lost connection came back: refetch then.
 */
export function useKeyEvents(onEvent: KeyEventListener, enabled = true) {
  const client = useLiveClient();
  const handle = useEffectEvent(onEvent);
  useEffect(() => (client && enabled ? listenToKeyEvents(client, (event) => handle(event)) : undefined), [client, enabled]);
}
