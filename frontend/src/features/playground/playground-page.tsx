// Monaco's editor, JSON and GraphQL workers, bundled by Vite: nothing comes from a CDN.
import 'graphiql/setup-workers/vite';
import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';
import { useMemo, useState } from 'react';
import { Box, Code } from '@mantine/core';
import { PageHeader } from '../../layout/page-header';
import { useDocumentTitle } from '../../layout/document-title';
import { useLiveClient } from '../../graphql/live-client';
import { graphQLFetcher } from './graphql-fetcher';
import { headerFreeStorage } from './playground-storage';

const defaultQuery = `{
  viewer {
    kind
    name
    role
    organization {
      name
    }
  }
  apiKeyCounts {
    active
    revoked
  }
}
`;

/** /playground: GraphiQL against this server's /graphql, as the signed-in person. */
export default function PlaygroundPage() {
  useDocumentTitle('GraphQL Playground');
  // One storage per page: GraphiQL makes its stores again when the prop changes.
  const [storage] = useState(() => headerFreeStorage());
  const live = useLiveClient();
  const fetcher = useMemo(() => graphQLFetcher(live), [live]);
  return (
    <>
      <PageHeader
        crumbs={[{ label: 'Developer' }, { label: 'GraphQL Playground' }]}
        title="GraphQL Playground"
        description={
          <>
            Queries run against <Code>/graphql</Code> as you, with your session, and subscriptions over a WebSocket to it. To act as an
            integration instead, add an <Code>Authorization: Bearer gak_…</Code> header in the Headers tab.
          </>
        }
      />
      <Box h="calc(100vh - 220px)" mih={420} style={{ border: '1px solid var(--mantine-color-gray-3)', borderRadius: 8, overflow: 'hidden' }}>
        {/* Headers hold API keys: kept in memory only, with no setting to persist them. */}
        <GraphiQL fetcher={fetcher} defaultQuery={defaultQuery} forcedTheme="light" storage={storage} shouldPersistHeaders={false} />
      </Box>
    </>
  );
}
