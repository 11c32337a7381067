import { lazy, Suspense, useMemo } from 'react';
import { MantineProvider, createTheme, Center, Loader } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { Provider as UrqlProvider } from 'urql';
import { BrowserRouter, Navigate, Route, Routes, useLocation, useNavigate } from 'react-router';
import { createClient } from './graphql/client';
import { RequireAdmin, RequireSession, signInPath } from './session/session';
import { AppLayout } from './layout/app-layout';
import { ApiKeysPage } from './features/api-keys/api-keys-page';
import { AuditTrailPage } from './features/audit/audit-trail-page';
import { UsersPage } from './features/users/users-page';
import { SetupPage } from './features/setup/setup-page';
import { SignInPage } from './features/sign-in/sign-in-page';
import { HomePage } from './features/home/home-page';

// GraphiQL is large: load it only on the Playground page.
const PlaygroundPage = lazy(() => import('./features/playground/playground-page'));

const theme = createTheme({ primaryColor: 'indigo', defaultRadius: 'md' });

function Routed() {
  const navigate = useNavigate();
  const location = useLocation();
  // One client per app; a 401 anywhere sends the person to sign in and back here.
  const client = useMemo(
    () => createClient(() => navigate(signInPath(window.location), { replace: true })),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [],
  );
  void location;
  return (
    <UrqlProvider value={client}>
      <Routes>
        <Route path="/setup" element={<SetupPage />} />
        <Route path="/sign-in" element={<SignInPage />} />
        <Route
          element={
            <RequireSession>
              <AppLayout />
            </RequireSession>
          }
        >
          <Route index element={<HomePage />} />
          <Route path="/admin/company-settings/api-keys" element={<RequireAdmin><ApiKeysPage /></RequireAdmin>} />
          <Route path="/admin/company-settings/users" element={<RequireAdmin><UsersPage /></RequireAdmin>} />
          <Route path="/admin/audit-trail" element={<RequireAdmin><AuditTrailPage /></RequireAdmin>} />
          <Route
            path="/playground"
            element={
              <Suspense fallback={<Center p="xl"><Loader aria-label="Loading the playground" /></Center>}>
                <PlaygroundPage />
              </Suspense>
            }
          />
          <Route path="*" element={<Navigate to="/" replace />} />
        </Route>
      </Routes>
    </UrqlProvider>
  );
}

export function App() {
  return (
    <MantineProvider theme={theme}>
      <Notifications position="top-right" />
      <BrowserRouter>
        <Routed />
      </BrowserRouter>
    </MantineProvider>
  );
}
