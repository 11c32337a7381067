import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MantineProvider } from '@mantine/core';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router';
import { SignInPage } from './sign-in-page';
import { nextPath } from './next-path';

function json(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

function Where() {
  const l = useLocation();
  return <p>at {l.pathname + l.search}</p>;
}

function renderAt(url: string) {
  return render(
    <MantineProvider>
      <MemoryRouter initialEntries={[url]}>
        <Routes>
          <Route path="/sign-in" element={<SignInPage />} />
          <Route path="*" element={<Where />} />
        </Routes>
      </MemoryRouter>
    </MantineProvider>,
  );
}

let login: (body: { email: string; password: string }) => Response;
const fetchMock = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
  if (url === '/graphql') return json(401, { errors: [{ message: 'sign in', extensions: { code: 'UNAUTHENTICATED' } }] });
  if (url === '/auth/login') return login(JSON.parse(String(init?.body)));
  throw new Error(`unexpected fetch ${String(url)}`);
});

beforeEach(() => {
  vi.stubGlobal('fetch', fetchMock);
  fetchMock.mockClear();
  login = ({ password }) =>
    password === 'correct horse battery'
      ? json(200, { user: { id: 'usr_1', name: 'Ada', email: 'ada@example.com', role: 'ADMIN' }, organization: { id: 'org_1', name: 'Acme' } })
      : json(401, { errors: [{ message: 'Incorrect email or password.', extensions: { code: 'UNAUTHENTICATED' } }] });
});
afterEach(() => vi.unstubAllGlobals());

async function signIn(email: string, password: string) {
  const user = userEvent.setup();
  await user.type(screen.getByLabelText(/^Email/), email);
  await user.type(screen.getByLabelText(/^Password/), password);
  await user.click(screen.getByRole('button', { name: 'Sign in' }));
}

describe('SignInPage', () => {
  it('shows the server’s message in an alert and keeps the email', async () => {
    renderAt('/sign-in');
    expect(screen.getByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
    await signIn('ada@example.com', 'wrong password');
    expect(await screen.findByRole('alert')).toHaveTextContent('Incorrect email or password.');
    expect(screen.getByLabelText(/^Email/)).toHaveValue('ada@example.com');
    const [, init] = fetchMock.mock.calls.find(([url]) => url === '/auth/login')!;
    expect(init?.method).toBe('POST');
    expect(JSON.parse(String(init?.body))).toEqual({ email: 'ada@example.com', password: 'wrong password' });
  });

  it('goes to a same-site next after signing in', async () => {
    renderAt('/sign-in?next=%2Fadmin%2Faudit-trail%3Fpage%3D2');
    await signIn('ada@example.com', 'correct horse battery');
    expect(await screen.findByText('at /admin/audit-trail?page=2')).toBeInTheDocument();
  });

  it('ignores a next that leaves the site', async () => {
    renderAt('/sign-in?next=%2F%2Fevil.example%2Fphish');
    await signIn('ada@example.com', 'correct horse battery');
    expect(await screen.findByText('at /')).toBeInTheDocument();
  });

  it('sends someone already signed in straight on', async () => {
    fetchMock.mockImplementationOnce(async () => json(200, { data: { viewer: { id: 'usr_1' } } }));
    renderAt('/sign-in?next=%2Fplayground');
    expect(await screen.findByText('at /playground')).toBeInTheDocument();
  });
});

describe('nextPath', () => {
  it.each([
    [null, '/'],
    ['', '/'],
    ['/admin/company-settings/users', '/admin/company-settings/users'],
    ['/playground?x=1#top', '/playground?x=1#top'],
    ['//evil.example', '/'],
    ['/\\evil.example', '/'],
    ['/\t/evil.example', '/'],
    ['https://evil.example/', '/'],
    ['javascript:alert(1)', '/'],
    ['/sign-in?next=/x', '/'],
  ])('%j → %j', (next, want) => {
    expect(nextPath(next, 'http://app.example')).toBe(want);
  });
});
