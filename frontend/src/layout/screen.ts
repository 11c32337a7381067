import { em, px, useMantineTheme, type MantineBreakpoint } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';

/**
 * Below this breakpoint (Mantine's lg, 1200 px) the navigation folds behind a menu button
 * and the API keys show as cards: the sidebar and the table's columns no longer fit side by side.
 */
export const desktopBreakpoint: MantineBreakpoint = 'lg';

/**
 * Whether the window is narrower than the breakpoint, known on the first render (no flash
 * of the wide layout on a phone). A browser without matchMedia counts as wide.
 */
export function useScreenBelow(breakpoint: MantineBreakpoint): boolean {
  const theme = useMantineTheme();
  // The same query as Mantine's hiddenFrom / visibleFrom, so CSS and React agree.
  const query = `(max-width: ${em(Number(px(theme.breakpoints[breakpoint])) - 0.1)})`;
  return useMediaQuery(query, undefined, { getInitialValueInEffect: false });
}
