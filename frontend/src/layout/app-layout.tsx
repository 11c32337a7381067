import { AppShell, Burger, Group, Menu, NavLink, Text, UnstyledButton, Avatar, ScrollArea } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconChevronDown, IconHistory, IconKey, IconLogout, IconPlayerPlay, IconUser, IconUsers } from '@tabler/icons-react';
import { NavLink as RouterLink, Outlet, useLocation } from 'react-router';
import { displayText } from '../lib/display-text';
import { useViewer } from '../session/session';
import { signOut } from '../session/sign-out';
import { desktopBreakpoint, useScreenBelow } from './screen';

/** The frame of every signed-in page: company, person, navigation. */
export function AppLayout() {
  const viewer = useViewer();
  const [opened, { toggle, close }] = useDisclosure();
  const location = useLocation();
  // Folded away below the desktop breakpoint, the navigation is out of reach of Tab and screen readers too.
  const folded = useScreenBelow(desktopBreakpoint) && !opened;
  const isAdmin = viewer.role === 'ADMIN';
  const name = displayText(viewer.name);
  const organization = displayText(viewer.organization.name);

  const link = (to: string, label: string, icon: React.ReactNode) => (
    <NavLink
      component={RouterLink}
      to={to}
      label={label}
      leftSection={icon}
      active={location.pathname === to}
      onClick={close}
      // Mantine's active item, hovered, is indigo 9 on indigo 2 (4.1:1): one shade lighter each keeps AA (5.5:1 hovered).
      styles={{ root: { '--nl-color': 'var(--mantine-color-indigo-9)', '--nl-bg': 'var(--mantine-color-indigo-0)', '--nl-hover': 'var(--mantine-color-indigo-1)' } }}
    />
  );

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 260, breakpoint: desktopBreakpoint, collapsed: { mobile: !opened } }} padding={{ base: 'md', sm: 'lg' }}>
      <AppShell.Header>
        {/* Names may be 100 characters long: cut to one line, whole on hover. */}
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap" miw={0}>
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom={desktopBreakpoint}
              size="sm"
              aria-label="Navigation"
              aria-expanded={opened}
              aria-controls="main-navigation"
            />
            <Text fw={700} component="span" truncate="end" dir="auto" title={organization} display="block" miw={0}>
              {organization}
            </Text>
          </Group>
          {/* No focus placeholder: a focusable div inside role="menu" is not a menu item (aria-required-children). */}
          <Menu position="bottom-end" withinPortal withInitialFocusPlaceholder={false}>
            <Menu.Target>
              {/* Named by what it shows (WCAG 2.5.3, label in name): the person's name, no aria-label; the
                  initials are decoration, and Menu.Target says it opens a menu (aria-haspopup). */}
              <UnstyledButton title={name} miw={0} maw="45%" style={{ flexShrink: 0 }}>
                <Group gap={8} wrap="nowrap">
                  <Avatar color="initials" name={name} size="sm" aria-hidden>
                    <IconUser size={16} />
                  </Avatar>
                  <Text size="sm" truncate="end" dir="auto" miw={0}>
                    {name}
                  </Text>
                  <IconChevronDown size={14} aria-hidden />
                </Group>
              </UnstyledButton>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Label>{viewer.role === 'ADMIN' ? 'Admin' : 'Member'}</Menu.Label>
              <Menu.Item leftSection={<IconLogout size={14} />} onClick={() => void signOut()}>
                Sign out
              </Menu.Item>
            </Menu.Dropdown>
          </Menu>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" id="main-navigation" aria-label="Main navigation" inert={folded}>
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
