import { describe, expect, it, vi } from 'vitest';
import { liveClientOptions, liveUrl, reconnectDelay } from './live-client';

describe('the WebSocket client', () => {
  it('connects to /graphql on the page’s own host, wss:// behind TLS', () => {
    expect(liveUrl({ protocol: 'http:', host: '127.0.0.1:8080' })).toBe('ws://127.0.0.1:8080/graphql');
    expect(liveUrl({ protocol: 'https:', host: 'keys.example.com' })).toBe('wss://keys.example.com/graphql');
  });

  it('waits longer after each failed attempt, up to half a minute', () => {
    const none = () => 0;
    expect([0, 1, 2, 3, 4, 5, 6, 20].map((n) => reconnectDelay(n, none))).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
    expect(reconnectDelay(0, () => 0.999)).toBe(1999);
  });

  it('opens only when something subscribes, and keeps trying whatever went wrong, except an ended session', () => {
    const options = liveClientOptions(vi.fn(), 'ws://127.0.0.1/graphql');
    expect(options.lazy).toBe(true);
    expect(options.retryAttempts).toBe(Infinity);
    // A server that is down: the browser reports an error event, then a close 1006.
    expect(options.shouldRetry?.(new Event('error'))).toBe(true);
    expect(options.shouldRetry?.({ code: 1006, reason: '' })).toBe(true);
    expect(options.shouldRetry?.({ code: 4403, reason: 'Forbidden: the session ended' })).toBe(false);
  });

  it('treats a close with 4403 as the end of the session', () => {
    const onSessionEnded = vi.fn();
    const closed = liveClientOptions(onSessionEnded, 'ws://127.0.0.1/graphql').on!.closed!;
    closed({ code: 1006, reason: '' });
    expect(onSessionEnded).not.toHaveBeenCalled();
    closed({ code: 4403, reason: 'Forbidden: the session ended' });
    expect(onSessionEnded).toHaveBeenCalledTimes(1);
  });
});
