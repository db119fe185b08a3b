// A link dead one way only, over real sockets on 127.0.0.1 (docs/PROTOCOL.md, Liveness): client
// A talks to the server through a TCP proxy that starts losing A's bytes while still passing the
// server's on; client B, direct, keeps sending Inputs, so A keeps receiving States and never
// hears silence. A finds out from its own Inputs going unanswered, reconnects (through a fresh,
// healthy path), and every one of its Inputs reaches the Source exactly once. Bounded: every wait
// has a deadline. Run with the server's tests: npm run test:server
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { WebSocket } from 'ws';
import type { SyncStatus } from 'ballast-sync/core';
import { WebSocketSyncTransport } from 'ballast-sync/websocket';
import { createSyncServer, type SyncServer } from '../src/public-api.js';
import { counterChannel } from './helpers/counter-channel.js';
import { oneWayProxy, type OneWayProxy } from './helpers/one-way-proxy.js';
import { counterClient, recordingLogger, type CounterClient } from './helpers/replicas.js';
import { sleep, until } from './helpers/wait.js';

/** At the server's default ping limit (one a second), as an app would run. */
const LIVENESS = { pingAfterMs: 1_000, timeoutMs: 1_000 };
let server: SyncServer;
let proxy: OneWayProxy;
const counter = counterChannel();

before(async () => {
  server = await createSyncServer({
    port: 0,
    host: '127.0.0.1',
    channels: { counter },
    // The server's own WebSocket heartbeat would find A's dead way up too, after a minute: not here.
    limits: { heartbeatMs: 60_000 },
    logger: recordingLogger(),
  });
  proxy = await oneWayProxy(server.port);
});
after(async () => {
  await proxy.close();
  await server.close({ graceMs: 1000 });
});

function app(port: number): WebSocketSyncTransport {
  return new WebSocketSyncTransport({
    url: `ws://127.0.0.1:${port}/ballast-sync`,
    WebSocket,
    reconnect: { initialDelayMs: 20, maxDelayMs: 200, jitter: 0.5 },
    liveness: LIVENESS,
    onError: () => undefined,
  });
}

/** Every status `client` went through. */
function statuses(client: CounterClient): SyncStatus[] {
  const seen: SyncStatus[] = [];
  client.connection.observeStatus().subscribe((status) => seen.push(status));
  return seen;
}

test(
  'a link that loses only what the client sends is found out although States keep arriving; every Input reaches the Source once',
  { timeout: 30_000 },
  async () => {
    const transports = [app(proxy.port), app(server.port)];
    const a = counterClient(transports[0] as WebSocketSyncTransport, 'replica');
    const b = counterClient(transports[1] as WebSocketSyncTransport, 'replica');
    const aStatuses = statuses(a);
    const ids = (prefix: string) =>
      counter.handled.filter((input) => input.id.startsWith(prefix)).map((input) => input.id);
    // B sends an Input every 50 ms until told to stop (or 25 s at most): A's way down is busy.
    let bSending = true;
    let bSent = 0;
    const bLoop = (async () => {
      const deadline = Date.now() + 25_000;
      while (bSending && Date.now() < deadline) {
        b.vm.trySend({ type: 'Add', id: `b-${bSent++}`, by: 1 });
        await sleep(50);
      }
    })();
    try {
      await until(() => a.status() === 'connected' && b.status() === 'connected', 'connected');
      assert.equal(proxy.accepted, 1);

      // Busy and healthy both ways: A's Inputs are acknowledged, B's States arrive. No ping.
      await sleep(300);
      const pongs = server.stats().pingsAnswered;
      for (let i = 0; i < 25; i++) {
        a.vm.trySend({ type: 'Add', id: `a-before-${i}`, by: 1 });
        await sleep(100);
      }
      await until(() => ids('a-before-').length === 25, "A's first Inputs at the Source");
      assert.equal(server.stats().pingsAnswered - pongs, 0, 'a busy, healthy link is not pinged');
      assert.equal(proxy.accepted, 1, 'no reconnect');

      // A's way up dies. States keep coming (B), so A hears no silence; its Inputs go nowhere.
      proxy.dropUpstream();
      const droppedAt = Date.now();
      const handledBefore = counter.handled.length;
      for (let i = 0; i < 10; i++) a.vm.trySend({ type: 'Add', id: `a-during-${i}`, by: 1 });
      await until(() => a.vm.getCurrentState().applied['a-during-9'] === 1, 'applied locally');
      await until(() => aStatuses.at(-1) === 'disconnected', 'the dead way up found out', 8_000);
      const foundAfter = Date.now() - droppedAt;
      // pingAfterMs after the first Input it swallowed, then timeoutMs after the ping (and room
      // for a busy machine).
      assert.ok(foundAfter <= LIVENESS.pingAfterMs + LIVENESS.timeoutMs + 1500, `${foundAfter} ms`);
      assert.ok(foundAfter >= LIVENESS.pingAfterMs, `${foundAfter} ms: too soon`);
      assert.deepEqual(ids('a-during-'), [], 'nothing got through the dead way up');
      assert.ok(counter.handled.length > handledBefore, "B's Inputs kept flowing meanwhile");

      // A reconnects through a fresh (healthy) path and re-sends what was not acknowledged.
      await until(() => a.status() === 'connected', 'A reconnected', 5_000);
      assert.equal(proxy.accepted, 2);
      await until(() => ids('a-during-').length === 10, "A's Inputs at the Source", 5_000);

      bSending = false;
      await bLoop;
      await Promise.all([a.connection.whenSynced?.(), b.connection.whenSynced?.()]);
      const total = 25 + 10 + bSent;
      await until(
        () => a.vm.getCurrentState().count === total && b.vm.getCurrentState().count === total,
        `both at ${total}`,
      );
      const handled = counter.handled.map((input) => input.id);
      assert.equal(handled.length, total, 'the Source handled each Input once');
      assert.equal(new Set(handled).size, total);
      for (const client of [a, b])
        assert.ok(Object.values(client.vm.getCurrentState().applied).every((n) => n === 1));
      assert.deepEqual(a.vm.getCurrentState(), b.vm.getCurrentState());
      assert.equal(proxy.accepted, 2, 'one reconnect, no more');
    } finally {
      bSending = false;
      await bLoop;
      for (const client of [a, b]) client.vm.clear();
      for (const transport of transports) transport.close();
    }
  },
);
