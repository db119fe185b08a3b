// Real sockets on 127.0.0.1: a ballast-sync-server hosts the Source; two Replicas and a Spectator
// (two apps, so two sockets) sync through WebSocketSyncTransport (Node `ws`). A TCP proxy between
// them cuts the link and restores it: Inputs made offline apply locally, reach the Source after
// the reconnect, and every Input is applied exactly once. Bounded: every wait has a deadline.
// Run with the server's tests: npm run test:server
import assert from 'node:assert/strict';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { WebSocket } from 'ws';
import {
  BallastSyncInterceptor,
  BasicViewModel,
  DefaultSyncConnection,
  fifo,
  noOpLogger,
  type SyncStatus,
} from 'ballast-sync/core';
import { WebSocketSyncTransport } from 'ballast-sync/websocket';
import { createSyncServer, defineSyncChannel, type SyncServer } from '../src/public-api.js';

type Add = { readonly type: 'Add'; readonly id: string };
interface Tally {
  readonly count: number;
  /** How many times each Input was applied: 1 each, or it was lost or doubled. */
  readonly applied: Readonly<Record<string, number>>;
}
const apply = (s: Tally, input: Add): Tally => ({
  count: s.count + 1,
  applied: { ...s.applied, [input.id]: (s.applied[input.id] ?? 0) + 1 },
});
const initialState: Tally = { count: 0, applied: {} };

let handledBySource = 0;
let server: SyncServer;
let proxy: CuttableProxy;

before(async () => {
  server = await createSyncServer({
    port: 0,
    host: '127.0.0.1',
    logger: noOpLogger,
    channels: {
      tally: defineSyncChannel<Add, never, Tally>({
        initialState,
        inputStrategy: fifo(),
        inputHandler: (input, scope) => {
          handledBySource++;
          scope.updateState((s) => apply(s, input));
        },
      }),
    },
  });
  proxy = await cuttableProxy(server.port);
});
after(async () => {
  await proxy.close();
  await server.close({ graceMs: 1000 });
});

function client(transport: WebSocketSyncTransport, role: 'replica' | 'spectator') {
  const connection = new DefaultSyncConnection<Add, never, Tally>({
    clientType: role,
    adapter: transport.adapterFor<Add, never, Tally>('tally'),
    retransmit: { intervalMs: 100, maxIntervalMs: 500 },
  });
  let status: SyncStatus = 'disconnected';
  connection.observeStatus().subscribe((s) => (status = s));
  const vm = new BasicViewModel<Add, never, Tally>({
    name: 'tally',
    initialState,
    inputStrategy: fifo(),
    inputHandler: (input, scope) => scope.updateState((s) => apply(s, input)),
    interceptors: [new BallastSyncInterceptor(connection)],
    logger: noOpLogger,
  });
  return { vm, connection, status: () => status };
}

test(
  'two Replicas and a Spectator converge over real sockets, and lose nothing when the link is cut',
  { timeout: 30_000 },
  async () => {
    const errors: string[] = [];
    const app = (): WebSocketSyncTransport =>
      new WebSocketSyncTransport({
        url: `ws://127.0.0.1:${proxy.port}/ballast-sync`,
        WebSocket,
        reconnect: { initialDelayMs: 20, maxDelayMs: 200, jitter: 0.5 },
        onError: (error) => errors.push(error.message),
      });
    const transports = [app(), app()];
    // The first app has a Replica and a Spectator on one socket; the second app one Replica.
    const first = client(transports[0] as WebSocketSyncTransport, 'replica');
    const spectator = client(transports[0] as WebSocketSyncTransport, 'spectator');
    const second = client(transports[1] as WebSocketSyncTransport, 'replica');
    const everyone = [first, spectator, second];
    const converged = (count: number) => () =>
      everyone.every(
        (c) =>
          c.vm.getCurrentState().count === count &&
          Object.values(c.vm.getCurrentState().applied).every((n) => n === 1),
      );
    try {
      await until(() => everyone.every((c) => c.status() === 'connected'), 'everyone connected');
      assert.equal(server.stats().channels['tally']?.sockets, 2); // one socket per app
      for (let i = 0; i < 20; i++) {
        first.vm.trySend({ type: 'Add', id: `first-${i}` });
        second.vm.trySend({ type: 'Add', id: `second-${i}` });
      }
      await until(converged(40), 'everyone at 40');

      proxy.cut();
      await until(
        () => everyone.every((c) => c.status() === 'disconnected'),
        'everyone disconnected',
      );
      for (let i = 20; i < 30; i++) {
        first.vm.trySend({ type: 'Add', id: `first-${i}` });
        second.vm.trySend({ type: 'Add', id: `second-${i}` });
      }
      await until(() => first.vm.getCurrentState().count === 50, 'offline Inputs applied locally');
      assert.equal(second.vm.getCurrentState().count, 50);
      assert.equal(spectator.vm.getCurrentState().count, 40);
      await sleep(150); // a few failed reconnect attempts
      assert.equal(handledBySource, 40);

      proxy.restore();
      await until(converged(60), 'everyone at 60 after the reconnect');
      await Promise.all([first.connection.whenSynced?.(), second.connection.whenSynced?.()]);
      assert.equal(handledBySource, 60, 'the Source applied each Input exactly once');
      assert.ok(everyone.every((c) => c.status() === 'connected'));
      // The outage was reported once per app (not once per attempt).
      assert.ok(errors.length <= 2, errors.join('\n'));
    } finally {
      for (const c of everyone) c.vm.clear();
      for (const transport of transports) transport.close();
    }
    await until(() => server.stats().connections === 0, 'every socket closed');
  },
);

interface CuttableProxy {
  readonly port: number;
  /** Drops every connection, and refuses new ones until restore(). */
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

/** A TCP proxy to `targetPort` on 127.0.0.1 that can cut the link. */
async function cuttableProxy(targetPort: number): Promise<CuttableProxy> {
  const sockets = new Set<Socket>();
  let refusing = false;
  const proxyServer: Server = createServer((downstream) => {
    if (refusing) return void downstream.destroy();
    const upstream = connect(targetPort, '127.0.0.1');
    const pair = [downstream, upstream];
    const end = () => pair.forEach((s) => (s.destroy(), sockets.delete(s)));
    for (const s of pair) {
      sockets.add(s);
      s.on('error', end);
      s.on('close', end);
    }
    downstream.pipe(upstream);
    upstream.pipe(downstream);
  });
  await new Promise<void>((resolve) => proxyServer.listen(0, '127.0.0.1', resolve));
  const address = proxyServer.address();
  assert.ok(address && typeof address === 'object');
  return {
    port: address.port,
    cut: () => {
      refusing = true;
      for (const s of sockets) s.destroy();
    },
    restore: () => {
      refusing = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        proxyServer.close(() => resolve());
      }),
  };
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
