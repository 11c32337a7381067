import { AppShell, Burger, Group, Menu, NavLink, Text, UnstyledButton, Avatar, ScrollArea } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconChevronDown, IconHistory, IconKey, IconLogout, IconPlayerPlay, IconUsers } from '@tabler/icons-react';
import { NavLink as RouterLink, Outlet, useLocation, useNavigate } from 'react-router';
import { useViewer } from '../session/session';

/** The frame of every signed-in page: company, person, navigation. */
export function AppLayout() {
  const viewer = useViewer();
  const [opened, { toggle, close }] = useDisclosure();
  const location = useLocation();
  const navigate = useNavigate();
  const isAdmin = viewer.role === 'ADMIN';

  async function signOut() {
    await fetch('/auth/logout', { method: 'POST', credentials: 'same-origin' });
    navigate('/sign-in', { replace: true });
  }

  const link = (to: string, label: string, icon: React.ReactNode) => (
    <NavLink
      component={RouterLink}
      to={to}
      label={label}
      leftSection={icon}
      active={location.pathname === to}
      onClick={close}
    />
  );

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 260, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="lg">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group gap="sm">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <Text fw={700} component="span">
              {viewer.organization.name}
            </Text>
          </Group>
          <Menu position="bottom-end" withinPortal>
            <Menu.Target>
              <UnstyledButton aria-label={`Account of ${viewer.name}`}>
                <Group gap={8}>
                  <Avatar name={viewer.name} color="initials" size="sm" />
                  <Text size="sm">{viewer.name}</Text>
                  <IconChevronDown size={14} aria-hidden />
                </Group>
              </UnstyledButton>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Label>{viewer.role === 'ADMIN' ? 'Admin' : 'Member'}</Menu.Label>
              <Menu.Item leftSection={<IconLogout size={14} />} onClick={signOut}>
                Sign out
              </Menu.Item>
            </Menu.Dropdown>
          </Menu>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Main navigation">
        <ScrollArea>
          {isAdmin && (
            <NavLink component="button" label="Administration" defaultOpened childrenOffset={12}>
              <NavLink component="button" label="Company Settings" defaultOpened childrenOffset={12}>
                {link('/admin/company-settings/api-keys', 'API Keys', <IconKey size={16} aria-hidden />)}
                {link('/admin/company-settings/users', 'Users', <IconUsers size={16} aria-hidden />)}
              </NavLink>
              {link('/admin/audit-trail', 'Audit trail', <IconHistory size={16} aria-hidden />)}
            </NavLink>
          )}
          {link('/playground', 'GraphQL Playground', <IconPlayerPlay size={16} aria-hidden />)}
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
