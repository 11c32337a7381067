import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, renderHook } from '@testing-library/react';
import type { ReactNode } from 'react';
import type { Sink } from 'graphql-ws';
import { useKeyEvents, type KeyEvent } from './key-events';
import { LiveClientContext, type LiveClient } from './live-client';

type ConnectedListener = (socket: unknown, payload: unknown, wasRetry: boolean) => void;

/** graphql-ws's client as the hook uses it: each subscribe's sink, and the 'connected' listeners. */
function fakeLiveClient() {
  const sinks: Sink[] = [];
  const open = new Set<Sink>();
  const connected = new Set<ConnectedListener>();
  const client = {
    subscribe: vi.fn((_payload: { query: string }, sink: Sink) => {
      sinks.push(sink);
      open.add(sink);
      return () => {
        // As graphql-ws does: disposing completes the sink.
        open.delete(sink);
        queueMicrotask(() => sink.complete());
      };
    }),
    on: (event: string, listener: ConnectedListener) => {
      if (event !== 'connected') throw new Error(`unexpected listener for ${event}`);
      connected.add(listener);
      return () => connected.delete(listener);
    },
  };
  return {
    client: client as unknown as LiveClient,
    subscribe: client.subscribe,
    /** The sink of the subscription the server is sending to now. */
    current: () => sinks[sinks.length - 1],
    open: () => open.size,
    connected: (wasRetry: boolean) => connected.forEach((l) => l({}, undefined, wasRetry)),
  };
}

const revoked: KeyEvent = {
  kind: 'REVOKED',
  apiKey: { id: 'key_1', name: 'Données clients — 東京 export', maskedKey: 'gak_…k3Zq', status: 'REVOKED' },
  counts: { active: 11, revoked: 4 },
};

function wrapperOf(client: LiveClient) {
  return ({ children }: { children: ReactNode }) => <LiveClientContext.Provider value={client}>{children}</LiveClientContext.Provider>;
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('useKeyEvents', () => {
  it('shares one subscription among the components that listen, and hands each of them every event', () => {
    const live = fakeLiveClient();
    const page = vi.fn();
    const drawer = vi.fn();
    const wrapper = wrapperOf(live.client);
    renderHook(() => useKeyEvents(page), { wrapper });
    renderHook(() => useKeyEvents(drawer), { wrapper });
    expect(live.subscribe).toHaveBeenCalledTimes(1);
    expect(live.subscribe.mock.calls[0][0].query).toMatch(/subscription ApiKeyEvents/);

    act(() => live.current().next({ data: { apiKeyEvents: revoked } }));
    expect(page).toHaveBeenCalledWith(revoked);
    expect(drawer).toHaveBeenCalledWith(revoked);
  });

  it('asks everyone to refetch once when a lost connection comes back, not on the first connection', () => {
    const live = fakeLiveClient();
    const onEvent = vi.fn();
    renderHook(() => useKeyEvents(onEvent), { wrapper: wrapperOf(live.client) });
    act(() => live.connected(false));
    expect(onEvent).not.toHaveBeenCalled();
    act(() => live.connected(true));
    expect(onEvent.mock.calls).toEqual([[undefined]]);
  });

  it('subscribes again when the server ends the subscription, and asks to refetch what may have been missed', async () => {
    const live = fakeLiveClient();
    const onEvent = vi.fn();
    renderHook(() => useKeyEvents(onEvent), { wrapper: wrapperOf(live.client) });
    act(() => live.current().complete());
    expect(live.subscribe).toHaveBeenCalledTimes(1);
    await act(() => vi.advanceTimersByTimeAsync(1000));
    expect(live.subscribe).toHaveBeenCalledTimes(2);
    expect(onEvent.mock.calls).toEqual([[undefined]]);
    // The new subscription delivers.
    act(() => live.current().next({ data: { apiKeyEvents: revoked } }));
    expect(onEvent).toHaveBeenLastCalledWith(revoked);
  });

  it('does not subscribe again once the session ended (the server closed with 4403)', async () => {
    const live = fakeLiveClient();
    renderHook(() => useKeyEvents(vi.fn()), { wrapper: wrapperOf(live.client) });
    act(() => live.current().error({ code: 4403, reason: 'Forbidden: the session ended' }));
    await act(() => vi.advanceTimersByTimeAsync(60_000));
    expect(live.subscribe).toHaveBeenCalledTimes(1);
  });

  it('stops the subscription when the last listener goes, and does not start it again', async () => {
    const live = fakeLiveClient();
    const wrapper = wrapperOf(live.client);
    const first = renderHook(() => useKeyEvents(vi.fn()), { wrapper });
    const second = renderHook(() => useKeyEvents(vi.fn()), { wrapper });
    first.unmount();
    expect(live.open()).toBe(1);
    second.unmount();
    expect(live.open()).toBe(0);
    await act(() => vi.advanceTimersByTimeAsync(60_000));
    expect(live.subscribe).toHaveBeenCalledTimes(1);
  });

  it('does not subscribe while disabled', () => {
    const live = fakeLiveClient();
    renderHook(() => useKeyEvents(vi.fn(), false), { wrapper: wrapperOf(live.client) });
    expect(live.subscribe).not.toHaveBeenCalled();
  });
});
