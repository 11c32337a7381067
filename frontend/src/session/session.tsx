import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useQuery } from 'urql';
import { Button, Center, Loader, Stack, Text } from '@mantine/core';
import { graphql } from '../gql';
import type { ViewerQuery } from '../gql/graphql';
import { errorMessage, isUnauthenticated } from '../graphql/client';
import { sessionStatus, type SessionStatus } from '../features/sign-in/auth-request';
import { rememberSession } from './session-end';

const ViewerDocument = graphql(`
  query Viewer {
    viewer {
      id
      user {
        id
      }
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

/** Asks the server whether the browser is signed in (GET /auth/session); again on retry. */
function useSessionStatus(): [SessionStatus | null, () => void] {
  const [attempt, setAttempt] = useState(0);
  const [status, setStatus] = useState<{ attempt: number; status: SessionStatus } | null>(null);
  useEffect(() => {
    let current = true;
    void sessionStatus().then((status) => {
      if (current) setStatus({ attempt, status });
    });
    return () => {
      current = false;
    };
  }, [attempt]);
  return [status?.attempt === attempt ? status.status : null, () => setAttempt((a) => a + 1)];
}

/**
 * Renders children for a signed-in person; otherwise sends them to sign in. It asks
 * /auth/session first and the viewer only when signed in: a first visit logs no 401.
 */
export function RequireSession({ children }: { children: ReactNode }) {
  const location = useLocation();
  const [status, recheck] = useSessionStatus();
  const signedIn = !!status && 'signedIn' in status && status.signedIn;
  const [{ data, fetching, error }, refetch] = useQuery({ query: ViewerDocument, requestPolicy: 'network-only', pause: !signedIn });
  // Should this session end without a sign-out, the sign-in page will say so.
  const userId = data?.viewer.user?.id;
  const organizationId = data?.viewer.organization.id;
  useEffect(() => {
    if (userId && organizationId) rememberSession({ userId, organizationId });
  }, [userId, organizationId]);
  if ((status && 'signedIn' in status && !status.signedIn) || isUnauthenticated(error)) return <Navigate to={signInPath(location)} replace />;
  if (status && 'error' in status) return <Failed message={status.error} onRetry={recheck} />;
  if (!status || (fetching && !data)) {
    return (
      <Center h="100vh">
        <Loader aria-label="Loading" />
      </Center>
    );
  }
  if (error || !data) return <Failed message={errorMessage(error)} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  return <ViewerContext.Provider value={data.viewer}>{children}</ViewerContext.Provider>;
}

function Failed({ message, onRetry }: { message: string; onRetry: () => void }) {
  return (
    <Center h="100vh">
      <Stack align="center">
        <Text role="alert">{message}</Text>
        <Button onClick={onRetry}>Retry</Button>
      </Stack>
    </Center>
  );
}

/** Administration pages: people with the ADMIN role only. */
export function RequireAdmin({ children }: { children: ReactNode }) {
  const viewer = useViewer();
  if (viewer.kind !== 'USER' || viewer.role !== 'ADMIN') return <Navigate to="/" replace />;
  return <>{children}</>;
}
