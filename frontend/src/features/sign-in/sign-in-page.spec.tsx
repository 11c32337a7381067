import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MantineProvider } from '@mantine/core';
import { Notifications, notifications } from '@mantine/notifications';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router';
import { SignInPage } from './sign-in-page';
import { nextPath } from './next-path';
import { postAuth } from './auth-request';
import { readDraft, saveDraft } from '../../session/drafts';
import { endedSession, rememberSession } from '../../session/session-end';

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
      <Notifications />
      <MemoryRouter initialEntries={[url]}>
        <Routes>
          <Route path="/sign-in" element={<SignInPage />} />
          <Route path="*" element={<Where />} />
        </Routes>
      </MemoryRouter>
    </MantineProvider>,
  );
}

type LoginBody = { email: string; password: string; organizationId?: string };
let login: (body: LoginBody) => Response | Promise<Response>;
const fetchMock = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
  // A first visit: not signed in (200: the console shows no error).
  if (url === '/auth/session') return json(200, { signedIn: false });
  // The app posts JSON as a string body.
  if (url === '/auth/login') return login(JSON.parse(init?.body as string) as LoginBody);
  throw new Error(`unexpected fetch ${url instanceof Request ? url.url : url.toString()}`);
});

beforeEach(() => {
  sessionStorage.clear();
  vi.stubGlobal('fetch', fetchMock);
  fetchMock.mockClear();
  login = ({ password }) =>
    password === 'correct horse battery'
      ? json(200, { user: { id: 'usr_1', name: 'Ada', email: 'ada@example.com', role: 'ADMIN' }, organization: { id: 'org_1', name: 'Acme' } })
      : json(401, { errors: [{ message: 'Incorrect email or password.', extensions: { code: 'UNAUTHENTICATED' } }] });
});
afterEach(() => {
  vi.unstubAllGlobals();
  notifications.clean();
});

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
    expect(JSON.parse(init?.body as string)).toEqual({ email: 'ada@example.com', password: 'wrong password' });
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
    fetchMock.mockImplementationOnce(() => Promise.resolve(json(200, { signedIn: true })));
    renderAt('/sign-in?next=%2Fplayground');
    expect(await screen.findByText('at /playground')).toBeInTheDocument();
  });
});

function loginCalls() {
  return fetchMock.mock.calls.filter(([url]) => url === '/auth/login').map(([, init]) => JSON.parse(init?.body as string) as LoginBody);
}

function problem(status: number, message: string, extensions: Record<string, unknown>) {
  return json(status, { errors: [{ message, extensions }], data: null });
}

// 100 characters, in Greek: a company name as long as the server allows, in another alphabet.
const longName = 'Ελληνική Εταιρεία Λογισμικού και Υπηρεσιών Υπολογιστικού Νέφους Ανώνυμη Εταιρεία Αθηνών Πειραιώς'.padEnd(100, 'Ω');
const organizations = [
  { id: 'org_acme', name: 'Acme' },
  { id: 'org_long', name: longName },
  { id: 'org_spoof', name: '\u202Egnp.exe' },
];

/** The server of an email with accounts in three companies, all with this password. */
function severalCompanies(body: { email: string; password: string; organizationId?: string }) {
  if (body.password !== 'correct horse battery') return problem(401, 'Incorrect email or password.', { code: 'UNAUTHENTICATED' });
  if (!body.organizationId) {
    return problem(409, 'This email has an account in several companies. Choose the company to sign in to.', {
      code: 'CHOOSE_ORGANIZATION',
      organizations,
    });
  }
  return json(200, { user: { id: 'usr_1', name: 'Ada', email: body.email, role: 'ADMIN' }, organization: organizations.find((o) => o.id === body.organizationId) });
}

describe('SignInPage: an email with accounts in several companies', () => {
  it('asks which company, then signs in to the one chosen', async () => {
    login = severalCompanies;
    renderAt('/sign-in?next=%2Fplayground');
    await signIn('ada@example.com', 'correct horse battery');
    expect(await screen.findByRole('heading', { name: 'Choose a company' })).toHaveFocus();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    const choices = screen.getAllByRole('button', { name: /^Sign in to / });
    expect(choices.map((b) => b.textContent)).toEqual(['Sign in to Acme', `Sign in to ${longName}`, 'Sign in to gnp.exe']);
    await userEvent.click(screen.getByRole('button', { name: `Sign in to ${longName}` }));
    expect(await screen.findByText('at /playground')).toBeInTheDocument();
    expect(loginCalls()).toEqual([
      { email: 'ada@example.com', password: 'correct horse battery' },
      { email: 'ada@example.com', password: 'correct horse battery', organizationId: 'org_long' },
    ]);
  });

  it('lets a keyboard choose', async () => {
    login = severalCompanies;
    renderAt('/sign-in');
    await signIn('ada@example.com', 'correct horse battery');
    await screen.findByRole('heading', { name: 'Choose a company' });
    const user = userEvent.setup();
    await user.tab();
    expect(screen.getByRole('button', { name: 'Sign in to Acme' })).toHaveFocus();
    await user.keyboard('{Enter}');
    expect(await screen.findByText('at /')).toBeInTheDocument();
    expect(loginCalls().at(-1)).toEqual({ email: 'ada@example.com', password: 'correct horse battery', organizationId: 'org_acme' });
  });

  it('goes back to the form with the email and password kept', async () => {
    login = severalCompanies;
    renderAt('/sign-in');
    await signIn('ada@example.com', 'correct horse battery');
    await userEvent.click(await screen.findByRole('button', { name: 'Back' }));
    expect(screen.queryByRole('heading', { name: 'Choose a company' })).not.toBeInTheDocument();
    expect(screen.getByLabelText(/^Email/)).toHaveValue('ada@example.com');
    expect(screen.getByLabelText(/^Password/)).toHaveValue('correct horse battery');
  });

  it('returns to the form with the message when the company refuses the password', async () => {
    login = (body) => (body.organizationId ? problem(401, 'Incorrect email or password.', { code: 'UNAUTHENTICATED' }) : severalCompanies(body));
    renderAt('/sign-in');
    await signIn('ada@example.com', 'correct horse battery');
    await userEvent.click(await screen.findByRole('button', { name: 'Sign in to Acme' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Incorrect email or password.');
    expect(screen.queryByRole('heading', { name: 'Choose a company' })).not.toBeInTheDocument();
    expect(screen.getByLabelText(/^Password/)).toHaveValue('correct horse battery');
  });

  it('stays on the choice with the message when the server is busy', async () => {
    login = (body) => (body.organizationId ? problem(503, 'busy', { code: 'BUSY' }) : severalCompanies(body));
    renderAt('/sign-in');
    await signIn('ada@example.com', 'correct horse battery');
    await userEvent.click(await screen.findByRole('button', { name: 'Sign in to Acme' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('The server is busy. Try again in a moment.');
    expect(screen.getByRole('heading', { name: 'Choose a company' })).toBeInTheDocument();
    await waitFor(() => expect(screen.getByRole('alert')).toHaveFocus());
  });

  it('focuses the message when the company refuses the password', async () => {
    login = (body) => (body.organizationId ? problem(401, 'Incorrect email or password.', { code: 'UNAUTHENTICATED' }) : severalCompanies(body));
    renderAt('/sign-in');
    await signIn('ada@example.com', 'correct horse battery');
    await userEvent.click(await screen.findByRole('button', { name: 'Sign in to Acme' }));
    await waitFor(() => expect(screen.getByRole('alert')).toHaveFocus());
  });
});

describe('SignInPage: what a failed attempt shows', () => {
  it('asks for an empty email and password on their fields, without calling the server', async () => {
    renderAt('/sign-in');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(screen.getByLabelText(/^Email/)).toHaveAccessibleDescription('Enter your email');
    expect(screen.getByLabelText(/^Email/)).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText(/^Email/)).toHaveFocus();
    expect(screen.getByLabelText(/^Password/)).toHaveAccessibleDescription('Enter your password');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(loginCalls()).toEqual([]);
  });

  it('asks for the password alone when only it is missing; a blank email counts as empty', async () => {
    renderAt('/sign-in');
    await signIn('   ', 'x');
    expect(screen.getByLabelText(/^Email/)).toHaveAccessibleDescription('Enter your email');
    await userEvent.clear(screen.getByLabelText(/^Password/));
    await userEvent.type(screen.getByLabelText(/^Email/), 'ada@example.com');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(screen.getByLabelText(/^Email/)).not.toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText(/^Password/)).toHaveAccessibleDescription('Enter your password');
    expect(screen.getByLabelText(/^Password/)).toHaveFocus();
    expect(loginCalls()).toEqual([]);
  });

  it('clears the last attempt’s message when a new one starts', async () => {
    renderAt('/sign-in');
    await signIn('ada@example.com', 'wrong password');
    expect(await screen.findByRole('alert')).toHaveTextContent('Incorrect email or password.');

    // An attempt refused before reaching the server…
    await userEvent.clear(screen.getByLabelText(/^Password/));
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();

    // …and one waiting for the server show no earlier message.
    let answer!: (r: Response) => void;
    login = () => new Promise<Response>((resolve) => (answer = resolve));
    await userEvent.type(screen.getByLabelText(/^Password/), 'another wrong one');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(screen.queryByText('Enter your password')).not.toBeInTheDocument();
    answer(problem(401, 'Incorrect email or password.', { code: 'UNAUTHENTICATED' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Incorrect email or password.');
  });

  it.each([
    ['email', /^Email/, 'This is not a valid email address.'],
    ['password', /^Password/, 'This is not a valid password.'],
  ])('shows the server’s BAD_USER_INPUT on the %s field', async (field, label, message) => {
    login = () => problem(400, message, { code: 'BAD_USER_INPUT', field });
    renderAt('/sign-in');
    await signIn('ada@exa\u0007mple.com', 'pass\u0007word');
    await waitFor(() => expect(screen.getByLabelText(label)).toHaveAccessibleDescription(message));
    expect(screen.getByLabelText(label)).toHaveAttribute('aria-invalid', 'true');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('moves focus to the message of a refused attempt, not to the page’s body', async () => {
    renderAt('/sign-in');
    await signIn('ada@example.com', 'wrong password');
    await waitFor(() => expect(screen.getByRole('alert')).toHaveFocus());
    expect(screen.getByRole('alert')).toHaveTextContent('Incorrect email or password.');

    // The same refusal again still brings focus back to the message.
    screen.getByLabelText(/^Password/).focus();
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(screen.getByRole('alert')).toHaveFocus());
  });

  it('shows a rate limit with its message, which says when to try again', async () => {
    login = () => problem(429, 'too many failed attempts: try again in 42 s', { code: 'RATE_LIMITED' });
    renderAt('/sign-in');
    await signIn('ada@example.com', 'wrong password');
    expect(await screen.findByRole('alert')).toHaveTextContent('Too many failed attempts: try again in 42 s.');
  });

  it('says the server is busy on a 503', async () => {
    login = () => new Response('Service Unavailable', { status: 503 });
    renderAt('/sign-in');
    await signIn('ada@example.com', 'correct horse battery');
    expect(await screen.findByRole('alert')).toHaveTextContent('The server is busy. Try again in a moment.');
  });
});

describe('SignInPage: after a session ended', () => {
  const ada = { userId: 'usr_1', organizationId: 'org_1' };

  it('says nothing of a session to someone who was not signed in', () => {
    renderAt('/sign-in?next=%2Fadmin%2Faudit-trail');
    expect(screen.queryByText(/session ended/)).not.toBeInTheDocument();
  });

  it('says the session ended, and brings the same person back to the page with a notice and their draft', async () => {
    rememberSession(ada);
    saveDraft('add-api-key', { name: 'ERP Sync Service', role: 'VIEWER' });
    renderAt('/sign-in?next=%2Fadmin%2Fcompany-settings%2Fapi-keys');
    expect(screen.getByRole('status')).toHaveTextContent('Your session ended. Sign in again to continue.');
    await signIn('ada@example.com', 'correct horse battery');
    expect(await screen.findByText('at /admin/company-settings/api-keys')).toBeInTheDocument();
    expect(await screen.findByText('You are signed in again')).toBeInTheDocument();
    expect(screen.getByText(/What you had typed was kept/)).toBeInTheDocument();
    expect(readDraft('add-api-key')).toEqual({ name: 'ERP Sync Service', role: 'VIEWER' });
    expect(endedSession()).toEqual(ada);
  });

  it('keeps another person’s draft from whoever signs in next in this tab', async () => {
    rememberSession({ userId: 'usr_2', organizationId: 'org_1' });
    saveDraft('add-api-key', { name: 'Bob’s integration', role: 'ADMIN' });
    renderAt('/sign-in?next=%2Fadmin%2Fcompany-settings%2Fapi-keys');
    await signIn('ada@example.com', 'correct horse battery');
    expect(await screen.findByText('at /admin/company-settings/api-keys')).toBeInTheDocument();
    expect(readDraft('add-api-key')).toBeNull();
    expect(screen.queryByText('You are signed in again')).not.toBeInTheDocument();
    expect(endedSession()).toEqual(ada);
  });

  it('keeps the same person’s drafts from another company', async () => {
    rememberSession({ userId: 'usr_1', organizationId: 'org_2' });
    saveDraft('add-api-key', { name: 'Globex ERP', role: 'VIEWER' });
    renderAt('/sign-in');
    await signIn('ada@example.com', 'correct horse battery');
    expect(await screen.findByText('at /')).toBeInTheDocument();
    expect(readDraft('add-api-key')).toBeNull();
  });
});

describe('postAuth', () => {
  it('keeps the organizations of a CHOOSE_ORGANIZATION error, and only well-formed ones', async () => {
    login = () =>
      problem(409, 'Choose', {
        code: 'CHOOSE_ORGANIZATION',
        organizations: [{ id: 'org_1', name: 'Acme' }, { id: 2, name: 'no id' }, null, { id: 'org_3', name: 'Globex' }],
      });
    const result = await postAuth('/auth/login', { email: 'a@example.com', password: 'p' });
    expect(result).toEqual({
      ok: false,
      status: 409,
      errors: [{ message: 'Choose', code: 'CHOOSE_ORGANIZATION', field: undefined, organizations: [{ id: 'org_1', name: 'Acme' }, { id: 'org_3', name: 'Globex' }] }],
    });
  });

  it('leaves organizations out of other errors', async () => {
    const result = await postAuth('/auth/login', { email: 'a@example.com', password: 'wrong' });
    expect(result.ok || result.errors[0]).toEqual({ message: 'Incorrect email or password.', code: 'UNAUTHENTICATED', field: undefined });
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
