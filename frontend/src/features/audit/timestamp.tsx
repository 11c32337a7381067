import { Tooltip } from '@mantine/core';
import { formatDateTime, formatRelativeTime } from '../../lib/format';

/**
 * A point in time in the reader's locale (or relative, "5 minutes ago"); the exact
 * ISO timestamp shows on hover and sits in the element's dateTime.
 */
export function Timestamp({ value, relative = false }: { value: string; relative?: boolean }) {
  const label = relative ? `${formatDateTime(value)} (${value})` : value;
  return (
    <Tooltip label={label} openDelay={300} withArrow>
      <time dateTime={value}>{relative ? formatRelativeTime(value) : formatDateTime(value)}</time>
    </Tooltip>
  );
}
