// Checks the built library (run after `npm run build:lib`, by .ci/run): ballast-sync/core is
// free of Angular and works when imported in plain Node; every entry point is exported;
// ballast-sync/cross-tab and ballast-sync/websocket are free of Angular and read no browser global
// at import.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'ballast-sync');
const read = (path) => readFileSync(join(dist, path), 'utf8');
const importsOf = (code) =>
  [...code.matchAll(/^(?:import|export)[^;]*? from '([^']+)'/gm)].map((m) => m[1]);

test('the package exports the primary, core and testing entry points', () => {
  const manifest = JSON.parse(read('package.json'));
  assert.ok(manifest.exports['.'], 'exports "."');
  assert.ok(manifest.exports['./core'], 'exports "./core"');
  assert.ok(manifest.exports['./testing'], 'exports "./testing"');
  assert.ok(manifest.exports['./cross-tab'], 'exports "./cross-tab"');
  assert.ok(manifest.exports['./websocket'], 'exports "./websocket"');
});

test('ballast-sync/websocket imports only ballast-sync/core and rxjs (no Angular, no ws)', () => {
  assert.deepEqual([...new Set(importsOf(read('fesm2022/ballast-sync-websocket.mjs')))].sort(), [
    'ballast-sync/core',
    'rxjs',
  ]);
});

test('the built ballast-sync/websocket imports in plain Node without touching WebSocket', async () => {
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'WebSocket');
  Object.defineProperty(globalThis, 'WebSocket', {
    configurable: true,
    get: () => assert.fail('WebSocket was read at import time'),
  });
  try {
    const websocket = await import(
      pathToFileURL(join(dist, 'fesm2022/ballast-sync-websocket.mjs')).href
    );
    assert.equal(typeof websocket.WebSocketSyncTransport, 'function');
    new websocket.WebSocketSyncTransport({ url: 'ws://127.0.0.1:1/ballast-sync' }).close();
  } finally {
    if (descriptor) Object.defineProperty(globalThis, 'WebSocket', descriptor);
    else delete globalThis.WebSocket;
  }
});

test('ballast-sync/cross-tab imports only ballast-sync/core and rxjs (no Angular)', () => {
  assert.deepEqual([...new Set(importsOf(read('fesm2022/ballast-sync-cross-tab.mjs')))].sort(), [
    'ballast-sync/core',
    'rxjs',
  ]);
});

test('the built ballast-sync/cross-tab imports in plain Node without touching browser globals', async () => {
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'BroadcastChannel');
  Object.defineProperty(globalThis, 'BroadcastChannel', {
    configurable: true,
    get: () => assert.fail('BroadcastChannel was read at import time'),
  });
  try {
    const crossTab = await import(
      pathToFileURL(join(dist, 'fesm2022/ballast-sync-cross-tab.mjs')).href
    );
    assert.equal(typeof crossTab.BroadcastChannelSyncTransport, 'function');
    assert.equal(typeof crossTab.WebLocksSyncElection, 'function');
  } finally {
    Object.defineProperty(globalThis, 'BroadcastChannel', descriptor);
  }
});

test('ballast-sync/core imports only rxjs', () => {
  assert.deepEqual([...new Set(importsOf(read('fesm2022/ballast-sync-core.mjs')))], ['rxjs']);
});

test('ballast-sync/testing imports only ballast-sync/core and rxjs', () => {
  assert.deepEqual([...new Set(importsOf(read('fesm2022/ballast-sync-testing.mjs')))].sort(), [
    'ballast-sync/core',
    'rxjs',
  ]);
});

test('the built ballast-sync/core runs a synced Source and Replica in plain Node', async () => {
  const core = await import(pathToFileURL(join(dist, 'fesm2022/ballast-sync-core.mjs')).href);
  const adapter = new core.InMemorySyncAdapter();
  const create = (clientType) =>
    new core.BasicViewModel({
      name: 'dist-check',
      initialState: { n: 0 },
      inputHandler: (input, scope) => scope.updateState((s) => ({ n: s.n + input.by })),
      interceptors: [
        new core.BallastSyncInterceptor(new core.DefaultSyncConnection({ clientType, adapter })),
      ],
    });
  const source = create(core.ClientType.Source);
  const replica = create(core.ClientType.Replica);
  replica.trySend({ type: 'Add', by: 3 });
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual([source.getCurrentState(), replica.getCurrentState()], [{ n: 3 }, { n: 3 }]);
  source.clear();
  replica.clear();
});

test('over the built faulty adapter (20 % loss), a Replica still converges, in plain Node', async () => {
  const core = await import(pathToFileURL(join(dist, 'fesm2022/ballast-sync-core.mjs')).href);
  const testing = await import(pathToFileURL(join(dist, 'fesm2022/ballast-sync-testing.mjs')).href);
  const faults = { loss: 0.2, duplicate: 0.2, delayMs: [0, 3] };
  const network = testing.createFaultyAdapter(new core.InMemorySyncAdapter(), {
    seed: 7,
    inputs: faults,
    states: faults,
  });
  const create = (clientType) =>
    new core.BasicViewModel({
      name: 'dist-check-lossy',
      initialState: { n: 0 },
      inputHandler: (input, scope) => scope.updateState((s) => ({ n: s.n + input.by })),
      interceptors: [
        new core.BallastSyncInterceptor(
          new core.DefaultSyncConnection({
            clientType,
            adapter: network,
            retransmit: { intervalMs: 5, maxIntervalMs: 20 },
          }),
        ),
      ],
    });
  const source = create('source');
  const replica = create('replica');
  for (let i = 0; i < 50; i++) replica.trySend({ type: 'Add', by: 1 });
  const deadline = Date.now() + 5000;
  while (source.getCurrentState().n !== 50 || replica.getCurrentState().n !== 50) {
    assert.ok(
      Date.now() < deadline,
      `no convergence: ${JSON.stringify([source.getCurrentState(), replica.getCurrentState()])}`,
    );
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  assert.ok(network.stats().inputs.lost > 0, 'the wire lost Inputs');
  source.clear();
  replica.clear();
});
