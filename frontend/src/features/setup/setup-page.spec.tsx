import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MantineProvider } from '@mantine/core';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router';
import { SetupPage } from './setup-page';

function json(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

function fieldError(message: string, field: string) {
  return json(400, { errors: [{ message, extensions: { code: 'BAD_USER_INPUT', field } }], data: null });
}

function Where() {
  const l = useLocation();
  return <p>at {l.pathname}</p>;
}

function renderAt(url: string) {
  return render(
    <MantineProvider>
      <MemoryRouter initialEntries={[url]}>
        <Routes>
          <Route path="/setup" element={<SetupPage />} />
          <Route path="*" element={<Where />} />
        </Routes>
      </MemoryRouter>
    </MantineProvider>,
  );
}

const fetchMock = vi.fn<(url: RequestInfo | URL, init?: RequestInit) => Promise<Response>>();
beforeEach(() => {
  fetchMock.mockReset();
  vi.stubGlobal('fetch', fetchMock);
});
afterEach(() => vi.unstubAllGlobals());

async function fill(values: { company?: string; name?: string; email?: string; password?: string }) {
  const user = userEvent.setup();
  if (values.company) await user.type(screen.getByLabelText(/^Company name/), values.company);
  if (values.name) await user.type(screen.getByLabelText(/^Your name/), values.name);
  if (values.email) await user.type(screen.getByLabelText(/^Email/), values.email);
  if (values.password) await user.type(screen.getByLabelText(/^Password/), values.password);
  await user.click(screen.getByRole('button', { name: 'Create company' }));
}

const good = { company: 'Acme', name: 'Ada Admin', email: 'ada@example.com', password: 'a long passphrase' };

describe('SetupPage', () => {
  it('posts the token and the form, then opens the app', async () => {
    fetchMock.mockResolvedValue(json(200, { user: { id: 'usr_1' }, organization: { id: 'org_1' } }));
    renderAt('/setup?token=tok123');
    expect(screen.getByRole('heading', { name: 'Set up your company' })).toBeInTheDocument();
    await fill(good);
    expect(await screen.findByText('at /')).toBeInTheDocument();
    const [url, init] = fetchMock.mock.calls[0];
    expect(url).toBe('/auth/setup');
    expect(JSON.parse(init?.body as string)).toEqual({
      token: 'tok123',
      organizationName: 'Acme',
      name: 'Ada Admin',
      email: 'ada@example.com',
      password: 'a long passphrase',
    });
  });

  it('shows a password error on the Password field', async () => {
    fetchMock.mockResolvedValue(fieldError('password must be at least 12 characters', 'password'));
    renderAt('/setup?token=tok123');
    await fill({ ...good, password: 'short' });
    expect(await screen.findByText('Password must be at least 12 characters.')).toBeInTheDocument();
    expect(screen.getByLabelText(/^Password/)).toHaveAttribute('aria-invalid', 'true');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('shows an email error on the Email field', async () => {
    fetchMock.mockResolvedValue(fieldError('email is not a valid address', 'email'));
    renderAt('/setup?token=tok123');
    await fill({ ...good, email: 'nope' });
    expect(await screen.findByText('Email is not a valid address.')).toBeInTheDocument();
    expect(screen.getByLabelText(/^Email/)).toHaveAttribute('aria-invalid', 'true');
  });

  it('puts a "name" error on the admin’s name', async () => {
    fetchMock.mockResolvedValue(fieldError('name must not be empty', 'name'));
    renderAt('/setup?token=tok123');
    await fill({ ...good, company: 'Acme', name: ' ' });
    expect(await screen.findByText('Name must not be empty.')).toBeInTheDocument();
    expect(screen.getByLabelText(/^Your name/)).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText(/^Company name/)).not.toHaveAttribute('aria-invalid', 'true');
  });

  it('puts an "organizationName" error on the company name', async () => {
    fetchMock.mockResolvedValue(fieldError('name must not be empty', 'organizationName'));
    renderAt('/setup?token=tok123');
    await fill({ ...good, company: ' ' });
    expect(await screen.findByText('Name must not be empty.')).toBeInTheDocument();
    expect(screen.getByLabelText(/^Company name/)).toHaveAttribute('aria-invalid', 'true');
  });

  it('explains a used or invalid link and links to sign in', async () => {
    fetchMock.mockResolvedValue(
      json(403, { errors: [{ message: 'this server is already set up: sign in', extensions: { code: 'FORBIDDEN' } }] }),
    );
    renderAt('/setup?token=used');
    await fill(good);
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('This server is already set up: sign in.');
    expect(screen.getByRole('link', { name: 'Go to sign in' })).toHaveAttribute('href', '/sign-in');
  });

  it('asks for the printed link when the token is missing', () => {
    renderAt('/setup');
    expect(screen.getByText(/one-time link the server printed/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Create company' })).not.toBeInTheDocument();
  });
});
