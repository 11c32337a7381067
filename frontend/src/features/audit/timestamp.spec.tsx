import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { MantineProvider } from '@mantine/core';
import { Timestamp } from './timestamp';

// The server's own precision, as the audit trail used to show it raw.
const at = '2026-12-02T01:15:37.257555709Z';
// The reader's locale is the machine's (en-US or en-GB here); the zone is fixed below.
const copenhagen = /2026, 02:15:37( AM)? (CET|GMT\+1)/;

let tz: string | undefined;
beforeAll(() => {
  tz = process.env.TZ;
  process.env.TZ = 'Europe/Copenhagen';
});
afterAll(() => {
  if (tz === undefined) delete process.env.TZ;
  else process.env.TZ = tz;
});
beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-12-02T01:20:40Z') });
});
afterEach(() => {
  vi.useRealTimers();
});

function renderTimestamp(relative?: boolean) {
  render(
    <MantineProvider env="test">
      <Timestamp value={at} relative={relative} />
    </MantineProvider>,
  );
  return screen.getByText(copenhagen).closest('time')!;
}

describe('Timestamp', () => {
  it('shows the exact local time with seconds and the zone, not the raw ISO string', () => {
    const time = renderTimestamp();
    expect(time).toHaveAttribute('dateTime', at);
    expect(time).toHaveTextContent(copenhagen);
    expect(time).not.toHaveTextContent('2026-12-02T');
    expect(time).not.toHaveTextContent('ago');
  });

  it('with relative, shows how long ago beside the exact time, and keeps it current', () => {
    const time = renderTimestamp(true);
    expect(time).toHaveTextContent(copenhagen);
    expect(time).toHaveTextContent('5 minutes ago');
    act(() => {
      vi.advanceTimersByTime(60_000);
    });
    expect(time).toHaveTextContent('6 minutes ago');
  });

  it('tells how long ago and the time in UTC on hover', () => {
    const time = renderTimestamp();
    fireEvent.mouseEnter(time);
    act(() => {
      vi.advanceTimersByTime(400);
    });
    const tooltip = screen.getByRole('tooltip');
    expect(tooltip).toHaveTextContent('5 minutes ago');
    expect(tooltip).toHaveTextContent(/2026, 01:15:37( AM)? UTC/);
    expect(tooltip).not.toHaveTextContent('2026-12-02T');
  });
});
