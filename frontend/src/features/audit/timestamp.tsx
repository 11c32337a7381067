import { useEffect, useState } from 'react';
import { Text, Tooltip } from '@mantine/core';
import { formatDateTime, formatRelativeTime } from '../../lib/format';

// Often enough for "5 minutes ago" to stay true while a list stays open.
const tick = 30_000;

/** The current time, renewed every 30 seconds while the component is shown. */
export function useNow(): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), tick);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/** How long ago, worked out when the tooltip opens. */
function Ago({ value }: { value: string }) {
  const [now] = useState(() => new Date());
  return <>{formatRelativeTime(value, now)}</>;
}

/**
 * A point in time, exact to the second with its zone in the reader's locale
 * ("2 Dec 2026, 02:15:37 CET"), the same everywhere. With `relative`, how long ago
 * shows beneath it ("5 minutes ago"); otherwise on hover. The hover also gives the
 * time in UTC, and the ISO timestamp sits in the element's dateTime.
 */
export function Timestamp({ value, relative = false }: { value: string; relative?: boolean }) {
  return (
    <Tooltip
      label={
        <>
          {!relative && (
            <>
              <Ago value={value} />
              {' · '}
            </>
          )}
          {formatDateTime(value, undefined, 'UTC')}
        </>
      }
      openDelay={300}
      withArrow
    >
      <time dateTime={value}>
        {formatDateTime(value)}
        {relative && <RelativeTime value={value} />}
      </time>
    </Tooltip>
  );
}

/** How long ago ("5 minutes ago"), kept current; the exact time on hover (title) and in dateTime. */
export function TimeAgo({ value }: { value: string }) {
  const now = useNow();
  return (
    <time dateTime={value} title={formatDateTime(value)}>
      {formatRelativeTime(value, now)}
    </time>
  );
}

function RelativeTime({ value }: { value: string }) {
  const now = useNow();
  return (
    <Text component="span" display="block" size="xs" c="dimmed">
      {formatRelativeTime(value, now)}
    </Text>
  );
}
