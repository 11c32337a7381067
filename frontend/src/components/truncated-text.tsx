import { useLayoutEffect, useRef, useState } from 'react';
import { Anchor, Text, Tooltip, type TextProps } from '@mantine/core';
import { useElementSize, useMergedRef } from '@mantine/hooks';
import { Link, type To } from 'react-router';

/**
 * Text cut to its lines with "…" when it does not fit (a 100-character name without a
 * space included). Only when it is cut does it show whole in a tooltip, on hover, touch
 * and keyboard focus: then, and only then, it is a tab stop. Given `to`, it is a link
 * (always a tab stop), the tooltip on the link itself: no focusable text inside it.
 */
export function TruncatedText({
  children,
  lines = 1,
  to,
  ...props
}: { children: string; lines?: number; to?: To } & Omit<TextProps, 'children' | 'truncate' | 'lineClamp'>) {
  const { ref: sizeRef, width } = useElementSize<HTMLElement>();
  const textRef = useRef<HTMLElement>(null);
  const ref = useMergedRef(sizeRef, textRef);
  const [cut, setCut] = useState(false);
  useLayoutEffect(() => {
    const el = textRef.current;
    setCut(!!el && (el.scrollWidth > el.clientWidth || el.scrollHeight > el.clientHeight + 1));
  }, [width, children, lines]);

  const shape =
    lines === 1
      ? ({ truncate: 'end', display: 'block' } as const)
      : ({ lineClamp: lines, style: { overflowWrap: 'anywhere' } } as const);
  return (
    <Tooltip label={children} disabled={!cut} multiline maw="min(90vw, 420px)" openDelay={300} events={{ hover: true, focus: true, touch: true }} style={{ overflowWrap: 'anywhere' }}>
      {to === undefined ? (
        <Text component="span" ref={ref} dir="auto" miw={0} tabIndex={cut ? 0 : undefined} data-cut={cut || undefined} {...shape} {...props}>
          {children}
        </Text>
      ) : (
        <Anchor component={Link} to={to} ref={ref} dir="auto" miw={0} data-cut={cut || undefined} {...shape} {...props}>
          {children}
        </Anchor>
      )}
    </Tooltip>
  );
}
