import { Anchor, Stack, Text, Title } from '@mantine/core';
import { Link, useLocation } from 'react-router';
import { useDocumentTitle } from '../../layout/document-title';

/** Any URL the app has no page for: say so, and offer the way home (no silent redirect). */
export function NotFoundPage() {
  useDocumentTitle('Page not found');
  const { pathname } = useLocation();
  return (
    <Stack maw={640} gap="sm">
      <Title order={1} size="h2">
        Page not found
      </Title>
      <Text style={{ overflowWrap: 'anywhere' }}>
        There is no page at <code>{pathname}</code>. The link may be old or mistyped.
      </Text>
      <Anchor component={Link} to="/">
        Go to the home page
      </Anchor>
    </Stack>
  );
}
