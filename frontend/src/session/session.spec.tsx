import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MantineProvider } from '@mantine/core';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router';
import { Provider, type Client } from 'urql';
import { fromValue } from 'wonka';
import { RequireSession } from './session';
import { endedSession } from './session-end';

// The viewer has an id of its own (vwr_…); the person's is viewer.user.id.
const viewer = {
  id: 'vwr_usr_1',
  user: { id: 'usr_1' },
  kind: 'USER',
  name: 'Ada Admin',
  role: 'ADMIN',
  canManageKeys: true,
  organization: { id: 'org_1', name: 'Acme Robotics' },
};

function json(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

function Where() {
  const l = useLocation();
  return <p>at {l.pathname + l.search}</p>;
}

/** RequireSession at url, with a GraphQL client that counts its viewer queries, and /auth/session answering session(). */
function renderAt(url: string, session: () => Response | Promise<Response>) {
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: string) => {
      if (input === '/auth/session') return session();
      throw new Error(`unexpected fetch ${input}`);
    }),
  );
  const executeQuery = vi.fn(() => fromValue({ data: { viewer } }));
  const client = { executeQuery } as unknown as Client;
  render(
    <MantineProvider env="test">
      <Provider value={client}>
        <MemoryRouter initialEntries={[url]}>
          <Routes>
            <Route path="/sign-in" element={<Where />} />
            <Route
              path="*"
              element={
                <RequireSession>
                  <p>signed in</p>
                </RequireSession>
              }
            />
          </Routes>
        </MemoryRouter>
      </Provider>
    </MantineProvider>,
  );
  return { executeQuery };
}

beforeEach(() => sessionStorage.clear());
afterEach(() => vi.unstubAllGlobals());

describe('RequireSession', () => {
  it('notes who the tab is signed in as (the user, not the viewer), so a session that ends can be told apart from none', async () => {
    renderAt('/admin/company-settings/api-keys', () => json(200, { signedIn: true }));
    expect(await screen.findByText('signed in')).toBeInTheDocument();
    // Noted by an effect after the render that shows the page: on a busy machine, later.
    await waitFor(() => expect(endedSession()).toEqual({ userId: 'usr_1', organizationId: 'org_1' }));
  });

  it('sends a first visit to sign in without asking for the viewer (no 401 in the console)', async () => {
    const { executeQuery } = renderAt('/admin/company-settings/api-keys?tab=revoked', () => json(200, { signedIn: false }));
    expect(await screen.findByText('at /sign-in?next=%2Fadmin%2Fcompany-settings%2Fapi-keys%3Ftab%3Drevoked')).toBeInTheDocument();
    expect(executeQuery).not.toHaveBeenCalled();
    expect(endedSession()).toBeNull();
  });

  it('says when the session cannot be checked (503), and checks again on Retry', async () => {
    let answer = json(503, { errors: [{ message: 'could not verify the session, try again', extensions: { code: 'INTERNAL' } }] });
    const { executeQuery } = renderAt('/', () => answer);
    expect(await screen.findByRole('alert')).toHaveTextContent('Could not check your session (HTTP 503). Try again.');
    expect(executeQuery).not.toHaveBeenCalled();
    answer = json(200, { signedIn: true });
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('signed in')).toBeInTheDocument();
  });
});
