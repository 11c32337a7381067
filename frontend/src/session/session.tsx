import { createContext, useContext, useEffect, type ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useQuery } from 'urql';
import { Button, Center, Loader, Stack, Text } from '@mantine/core';
import { graphql } from '../gql';
import type { ViewerQuery } from '../gql/graphql';
import { errorMessage, isUnauthenticated } from '../graphql/client';
import { rememberSession } from './session-end';

const ViewerDocument = graphql(`
  query Viewer {
    viewer {
      id
      kind
      name
      role
      canManageKeys
      organization {
        id
        name
      }
    }
  }
`);

export type Viewer = ViewerQuery['viewer'];

const ViewerContext = createContext<Viewer | null>(null);

/** The signed-in person. Only valid under <RequireSession>. */
export function useViewer(): Viewer {
  const v = useContext(ViewerContext);
  if (!v) throw new Error('useViewer outside <RequireSession>');
  return v;
}

/** The path to sign in and come back to the current page. */
export function signInPath(location: { pathname: string; search: string }) {
  const next = location.pathname + location.search;
  return next === '/' || next.startsWith('/sign-in') ? '/sign-in' : `/sign-in?next=${encodeURIComponent(next)}`;
}

/** Renders children for a signed-in person; otherwise sends them to sign in. */
export function RequireSession({ children }: { children: ReactNode }) {
  const location = useLocation();
  const [{ data, fetching, error }, refetch] = useQuery({ query: ViewerDocument, requestPolicy: 'network-only' });
  // Should this session end without a sign-out, the sign-in page will say so.
  const userId = data?.viewer.id;
  const organizationId = data?.viewer.organization.id;
  useEffect(() => {
    if (userId && organizationId) rememberSession({ userId, organizationId });
  }, [userId, organizationId]);
  if (isUnauthenticated(error)) return <Navigate to={signInPath(location)} replace />;
  if (fetching && !data) {
    return (
      <Center h="100vh">
        <Loader aria-label="Loading" />
      </Center>
    );
  }
  if (error || !data) {
    return (
      <Center h="100vh">
        <Stack align="center">
          <Text role="alert">{errorMessage(error)}</Text>
          <Button onClick={() => refetch({ requestPolicy: 'network-only' })}>Retry</Button>
        </Stack>
      </Center>
    );
  }
  return <ViewerContext.Provider value={data.viewer}>{children}</ViewerContext.Provider>;
}

/** Administration pages: people with the ADMIN role only. */
export function RequireAdmin({ children }: { children: ReactNode }) {
  const viewer = useViewer();
  if (viewer.kind !== 'USER' || viewer.role !== 'ADMIN') return <Navigate to="/" replace />;
  return <>{children}</>;
}
