// The built demo's server (dist/demo-app/server/server.mjs, run after `ng build demo-app`) on a
// free port of 127.0.0.1: its pages are rendered in Node (prerendered by the build through the
// same server bundle), after the app was stable, so every panel shows the Source's State, and the
// State is handed to the browser in ng-state (withTransferState).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
let server;
let origin;

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}

before(async () => {
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  server = spawn(process.execPath, [join(root, 'dist/demo-app/server/server.mjs')], {
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('the demo server did not start in 20 s')),
      20_000,
    );
    server.stdout.on('data', (chunk) => {
      if (String(chunk).includes('demo on')) {
        clearTimeout(timer);
        resolve();
      }
    });
    server.on('exit', (code) => reject(new Error(`the demo server exited with ${code}`)));
  });
});

after(() => server?.kill());

async function page(path) {
  const response = await fetch(origin + path, { signal: AbortSignal.timeout(10_000) });
  assert.equal(response.status, 200);
  return response.text();
}

test('the todos page holds the Source’s State in every panel', async () => {
  const html = await page('/todos');
  const panels = html.split('data-testid="todos-').slice(1);
  assert.equal(panels.length, 3); // replica, spectator, source
  for (const panel of panels) assert.match(panel, /Rendered on the server/);
  assert.match(html, /1 of 3 done/);
});

test('the State is handed to the browser in ng-state', async () => {
  const html = await page('/todos');
  const [, json] =
    /<script id="ng-state" type="application\/json">(.*?)<\/script>/s.exec(html) ?? [];
  const handedOver = JSON.parse(json ?? '{}');
  assert.deepEqual(handedOver['ballast-sync:todos']?.todos.at(-1), {
    id: 'todo-server',
    title: 'Rendered on the server',
    done: false,
  });
});

test('the counters page was rendered once every counter followed the Source', async () => {
  const html = await page('/');
  // The Source publishes after the demo's 400 ms propagation delay; the render waited for it.
  assert.equal(html.match(/>connected</g)?.length, 7);
  assert.doesNotMatch(html, /waiting-for-source/);
  assert.equal(html.match(/data-testid="count"[^>]*>0</g)?.length, 7);
});

test('the built files are served too', async () => {
  const html = await page('/todos');
  const [, script] = /<script src="(main-[^"]+\.js)"/.exec(html) ?? [];
  assert.ok(script, 'the page references its script');
  const response = await fetch(`${origin}/${script}`);
  assert.equal(response.headers.get('content-type'), 'text/javascript');
});
