import { lazy, Suspense, useState, type ReactNode } from 'react';
import { Alert, Drawer, Modal, Notification, MantineProvider, createTheme, Center, Loader, type CSSVariablesResolver } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { Provider as UrqlProvider } from 'urql';
import { BrowserRouter, Route, Routes, useLocation, useNavigate } from 'react-router';
import { createClient } from './graphql/client';
import { createLiveClient, LiveClientContext } from './graphql/live-client';
import { RequireAdmin, RequireSession, signInPath } from './session/session';
import { AppLayout } from './layout/app-layout';
import { ApiKeysPage } from './features/api-keys/api-keys-page';
import { AuditTrailPage } from './features/audit/audit-trail-page';
import { UsersPage } from './features/users/users-page';
import { SetupPage } from './features/setup/setup-page';
import { SignInPage } from './features/sign-in/sign-in-page';
import { HomePage } from './features/home/home-page';
import { NotFoundPage } from './features/not-found/not-found-page';
import { useDocumentTitle } from './layout/document-title';

// GraphiQL is large: load it only on the Playground page.
const PlaygroundPage = lazy(() => import('./features/playground/playground-page'));

// Shade 7 and auto contrast keep filled buttons and badges above WCAG AA contrast.
const theme = createTheme({
  primaryColor: 'indigo',
  primaryShade: 7,
  autoContrast: true,
  defaultRadius: 'md',
  // People who ask their system for less motion get no dialog and drawer animations.
  respectReducedMotion: true,
  components: {
    // Light alerts color their title like their background: keep titles in the text color.
    Alert: Alert.extend({ styles: { title: { color: 'var(--mantine-color-text)' } } }),
    // Name the X of every dialog for screen readers.
    Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } }),
    Drawer: Drawer.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } }),
    Notification: Notification.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } }),
  },
});

// Mantine's dimmed text (gray 6) and field errors (red 6, 3.3:1) are below WCAG AA
// contrast on white: use gray 7 and red 9 (5.4:1). Links (indigo 7) fall to 4.48:1 on a
// hovered table row (gray 1): use indigo 8 (5.1:1).
const resolver: CSSVariablesResolver = (t) => ({
  variables: {},
  light: { '--mantine-color-dimmed': t.colors.gray[7], '--mantine-color-error': t.colors.red[9], '--mantine-color-anchor': t.colors.indigo[8] },
  dark: {},
});

/** Names the browser tab for a page that does not name it itself. */
function Titled({ title, children }: { title: string; children: ReactNode }) {
  useDocumentTitle(title);
  return <>{children}</>;
}

function Routed() {
  const navigate = useNavigate();
  const location = useLocation();
  // One client per app, and one WebSocket client for its subscriptions; a 401 anywhere (or
  // the WebSocket closed with 4403) sends the person to sign in and back here.
  const [[client, liveClient]] = useState(() => {
    // Both may tell (the 4403 first, then a 401): only the first, which still knows the page to come back to.
    const toSignIn = () => {
      if (!window.location.pathname.startsWith('/sign-in')) void navigate(signInPath(window.location), { replace: true });
    };
    return [createClient(toSignIn), createLiveClient(toSignIn)] as const;
  });
  void location;
  return (
    <UrqlProvider value={client}>
      <LiveClientContext.Provider value={liveClient}>
        <Routes>
          <Route path="/setup" element={<Titled title="Set up your company"><SetupPage /></Titled>} />
          <Route path="/sign-in" element={<Titled title="Sign in"><SignInPage /></Titled>} />
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
            <Route path="*" element={<NotFoundPage />} />
          </Route>
        </Routes>
      </LiveClientContext.Provider>
    </UrqlProvider>
  );
}

export function App() {
  return (
    <MantineProvider theme={theme} cssVariablesResolver={resolver}>
      <BrowserRouter>
        {/* Inside the router: a notification may link to a page (a revoked key to its tab). */}
        <Notifications position="top-right" />
        <Routed />
      </BrowserRouter>
    </MantineProvider>
  );
}
