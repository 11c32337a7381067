import { Anchor, Stack, Text, Title } from '@mantine/core';
import { Link, Navigate } from 'react-router';
import { useViewer } from '../../session/session';
import { displayText } from '../../lib/display-text';
import { useDocumentTitle } from '../../layout/document-title';

/** The landing page: admins go to the API Keys page; members see who they are. */
export function HomePage() {
  const viewer = useViewer();
  useDocumentTitle('Home');
  if (viewer.role === 'ADMIN') return <Navigate to="/admin/company-settings/api-keys" replace />;
  return (
    <Stack maw={640}>
      <Title order={1} size="h2">
        Welcome, {displayText(viewer.name)}
      </Title>
      <Text>
        You are a member of {displayText(viewer.organization.name)}. Administration pages, such as API keys and users, are for admins;
        ask one of your admins if you need a key.
      </Text>
      <Text>
        Developers can explore the API in the{' '}
        <Anchor component={Link} to="/playground">
          GraphQL Playground
        </Anchor>
        .
      </Text>
    </Stack>
  );
}
