// @vitest-environment node
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { generate } from '@graphql-codegen/cli';
import { expect, test } from 'vitest';
import config from '../../codegen';

// The committed GraphQL types (src/gql) must be what `npm run codegen` makes of the
// server's schema and the app's operations.
test('generated GraphQL types are fresh', async () => {
  const root = path.resolve(import.meta.dirname, '..', '..');
  // Not saving to disk, generate gives back what it would write.
  const outputs = (await generate({ ...config, cwd: root, silent: true }, false)) as { filename: string; content: string }[];
  expect(outputs.length).toBeGreaterThan(0);
  for (const out of outputs) {
    const committed = readFileSync(path.resolve(root, out.filename), 'utf8');
    expect(committed, `${out.filename} is stale: run npm run codegen`).toBe(out.content);
  }
}, 60_000);
