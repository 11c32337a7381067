import { beforeEach, describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/react';
import { MantineProvider } from '@mantine/core';
import { MemoryRouter } from 'react-router';
import { Provider, type Client } from 'urql';
import { fromValue } from 'wonka';
import { RequireSession } from './session';
import { endedSession } from './session-end';

const viewer = {
  id: 'usr_1',
  kind: 'USER',
  name: 'Ada Admin',
  role: 'ADMIN',
  canManageKeys: true,
  organization: { id: 'org_1', name: 'Acme Robotics' },
};

beforeEach(() => sessionStorage.clear());

describe('RequireSession', () => {
  it('notes who the tab is signed in as, so a session that ends can be told apart from none', async () => {
    const client = { executeQuery: () => fromValue({ data: { viewer } }) } as unknown as Client;
    render(
      <MantineProvider env="test">
        <Provider value={client}>
          <MemoryRouter>
            <RequireSession>
              <p>signed in</p>
            </RequireSession>
          </MemoryRouter>
        </Provider>
      </MantineProvider>,
    );
    expect(await screen.findByText('signed in')).toBeInTheDocument();
    expect(endedSession()).toEqual({ userId: 'usr_1', organizationId: 'org_1' });
  });
});
