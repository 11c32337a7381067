import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// Builds and starts the real server on a fresh SQLite database and hands its URL and
// one-time setup link to the tests (environment variables reach the test workers).
export default async function globalSetup() {
  const root = path.resolve(import.meta.dirname, '..', '..');
  const dist = path.join(root, 'frontend', 'dist', 'index.html');
  if (!existsSync(dist)) throw new Error(`${dist} is missing: run npm run build first`);
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(chromium)) throw new Error(`no browser at ${chromium}: apt-get install -y chromium`);

  const dir = mkdtempSync(path.join(tmpdir(), 'apikeys-e2e-'));
  // The binary as `make build` makes it: the app built into it (-tags embedapp), run from
  // a folder that has no app, so the tests also show that it serves the app from anywhere.
  // APIKEYS_E2E_BIN: a server built beforehand (a tree whose Go code is mid-change), which
  // may not carry the app: it is pointed at frontend/dist.
  let bin = process.env.APIKEYS_E2E_BIN;
  const prebuilt = !!bin;
  if (!bin) {
    bin = path.join(dir, 'apikeys');
    execFileSync('go', ['build', '-tags', 'embedapp', '-o', bin, './server'], { cwd: root, stdio: 'inherit' });
  }
  const databaseURL = `sqlite:${path.join(dir, 'apikeys.db')}`;
  const server = spawn(bin, ['serve'], {
    cwd: dir,
    env: {
      ...process.env,
      APIKEYS_ADDR: '127.0.0.1:0',
      DATABASE_URL: databaseURL,
      APIKEYS_STATIC_DIR: prebuilt ? path.join(root, 'frontend', 'dist') : '',
      // Key uses are written in batches; make the batches quick for the tests.
      APIKEYS_LAST_USED_FLUSH: '100ms',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  server.stderr.on('data', (d) => (log += d));
  const { url, setup } = await new Promise<{ url: string; setup: string }>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}\n${log}`)), 30_000);
    server.stdout.on('data', (d) => {
      out += d;
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      const setup = /(http:\/\/\S+\/setup\?token=\S+)/.exec(out)?.[1];
      if (url && setup) {
        clearTimeout(timer);
        resolve({ url, setup });
      }
    });
    server.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${out}\n${log}`)));
  });
  process.env.APIKEYS_E2E_URL = url;
  process.env.APIKEYS_E2E_SETUP_URL = setup;
  process.env.APIKEYS_E2E_LOG = path.join(dir, 'server.log');
  // For tests that run the server's own commands (create-org) on the same database.
  process.env.APIKEYS_E2E_BIN = bin;
  process.env.APIKEYS_E2E_DATABASE_URL = databaseURL;

  return async () => {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    if (process.env.APIKEYS_E2E_KEEP) console.log(`server log:\n${log}`);
    rmSync(dir, { recursive: true, force: true });
  };
}
