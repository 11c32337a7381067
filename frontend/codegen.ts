import type { CodegenConfig } from '@graphql-codegen/cli';

// Typed documents from the server's own schema files: the GraphQL operations and
// fragments written next to the components become typed in src/gql/.
const config: CodegenConfig = {
  schema: ['../graph/*.graphqls'],
  documents: ['src/**/*.{ts,tsx}', '!src/gql/**/*'],
  ignoreNoDocuments: true,
  generates: {
    'src/gql/': {
      preset: 'client',
      config: {
        scalars: { Time: 'string', Cursor: 'string', ID: 'string' },
        enumsAsTypes: true,
        useTypeImports: true,
      },
      presetConfig: { fragmentMasking: { unmaskFunctionName: 'useFragment' } },
    },
  },
};

export default config;
