import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MantineProvider } from '@mantine/core';
import { MemoryRouter, Route, Routes } from 'react-router';
import { NotFoundPage } from './not-found-page';

describe('NotFoundPage', () => {
  it('says there is no such page, names the tab so, and links home', async () => {
    render(
      <MantineProvider env="test">
        <MemoryRouter initialEntries={['/admin/company-settings/api-kyes']}>
          <Routes>
            <Route path="/" element={<h1>Home</h1>} />
            <Route path="*" element={<NotFoundPage />} />
          </Routes>
        </MemoryRouter>
      </MantineProvider>,
    );
    expect(screen.getByRole('heading', { name: 'Page not found', level: 1 })).toBeInTheDocument();
    expect(screen.getByText('/admin/company-settings/api-kyes')).toBeInTheDocument();
    expect(document.title).toBe('Page not found');
    await userEvent.click(screen.getByRole('link', { name: 'Go to the home page' }));
    expect(screen.getByRole('heading', { name: 'Home' })).toBeInTheDocument();
  });
});
