// Liveness over real sockets on 127.0.0.1 (docs/PROTOCOL.md, Liveness): the `ping` feature is
// negotiated in hello, pings are answered within a rate limit of their own (never the Inputs'),
// a WebSocketSyncTransport behind a half-open link (a TCP proxy that silently stops forwarding,
// closing nothing) finds out, reconnects once the proxy forwards again, and loses or doubles no
// Input, and one behind a slow link (a State longer on its way than timeoutMs) still gets it.
// Bounded: every wait has a deadline. Run with the server's tests: npm run test:server
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { pack } from 'msgpackr';
import { after, before, test } from 'node:test';
import { WebSocket } from 'ws';
import { WebSocketSyncTransport } from 'ballast-sync/websocket';
import { createSyncServer, type SyncServer } from '../src/public-api.js';
import { counterChannel } from './helpers/counter-channel.js';
import { halfOpenProxy, type HalfOpenProxy } from './helpers/half-open-proxy.js';
import { slowProxy } from './helpers/slow-proxy.js';
import { counterClient, recordingLogger } from './helpers/replicas.js';
import { TestClient } from './helpers/test-client.js';
import { sleep, until } from './helpers/wait.js';

const T = { timeout: 30_000 };
let server: SyncServer;
let proxy: HalfOpenProxy;
const counter = counterChannel();
const url = () => `ws://127.0.0.1:${server.port}/ballast-sync`;
/** The clients here ping every 100–200 ms of silence: more than the default one ping a second. */
const FAST_PINGS = { pingsPerSecond: 20, pingBurst: 20 };

before(async () => {
  server = await createSyncServer({
    port: 0,
    host: '127.0.0.1',
    channels: { counter },
    limits: FAST_PINGS,
    logger: recordingLogger(),
  });
  proxy = await halfOpenProxy(server.port);
});
after(async () => {
  await proxy.close();
  await server.close({ graceMs: 1000 });
});

test(
  'negotiation: a client that lists "ping" is told the server answers pings; others are not',
  T,
  async () => {
    const welcomeOf = async (features?: string[]) => {
      const client = await TestClient.connect(url(), {
        hello: { type: 'hello', protocol: 1, ...(features ? { features } : {}) },
      });
      const welcome = await client.next((f) => f['type'] === 'welcome');
      client.socket.close();
      return welcome['features'];
    };
    assert.deepEqual(await welcomeOf(['delta', 'ping']), ['delta', 'ping']);
    assert.deepEqual(await welcomeOf(['ping', 'teleport']), ['ping']);
    assert.deepEqual(await welcomeOf(['delta']), ['delta']); // a client of before pings
    assert.deepEqual(await welcomeOf(), []);
  },
);

test('a ping is answered with a pong, in the socket’s codec, and counted', T, async () => {
  const before = server.stats().pingsAnswered;
  const json = await TestClient.connect(url(), {
    hello: { type: 'hello', protocol: 1, features: ['ping'] },
  });
  json.send({ type: 'ping' });
  await json.next((f) => f['type'] === 'pong');
  const msgpack = await TestClient.connect(url(), {
    hello: { type: 'hello', protocol: 1, codecs: ['msgpack'], features: ['ping'] },
  });
  msgpack.sendRaw(pack({ type: 'ping' }), true);
  await msgpack.next((f) => f['type'] === 'pong'); // the test client unpacks binary frames
  assert.equal(server.stats().pingsAnswered, before + 2);
  for (const client of [json, msgpack]) client.socket.close();
});

test(
  'pings have a rate limit of their own: a flood gets no more pongs than their bucket holds, and no error frames',
  T,
  async () => {
    const strict = await createSyncServer({
      port: 0,
      host: '127.0.0.1',
      channels: { counter: counterChannel() },
      limits: { pingsPerSecond: 5, pingBurst: 4 },
      logger: recordingLogger(),
    });
    const before = strict.stats();
    const client = await TestClient.connect(`ws://127.0.0.1:${strict.port}/ballast-sync`, {
      hello: { type: 'hello', protocol: 1, features: ['ping'] },
    });
    try {
      const handled = () =>
        strict.stats().pingsAnswered -
        before.pingsAnswered +
        strict.stats().refused['ping-rate-limited'] -
        before.refused['ping-rate-limited'];
      const startedAt = Date.now();
      for (let i = 0; i < 200; i++) client.send({ type: 'ping' });
      await until(() => handled() === 200, 'every ping answered or refused');
      const seconds = (Date.now() - startedAt) / 1000;
      await sleep(100);
      const pongs = client.frames.filter((f) => f['type'] === 'pong').length;
      // pingBurst 4 at once, plus what 5 per second refilled meanwhile.
      assert.ok(
        pongs >= 4 && pongs <= 4 + Math.ceil(5 * seconds),
        `${pongs} pongs in ${seconds} s`,
      );
      assert.equal(strict.stats().pingsAnswered - before.pingsAnswered, pongs);
      assert.equal(
        strict.stats().refused['ping-rate-limited'] - before.refused['ping-rate-limited'],
        200 - pongs,
      );
      assert.equal(strict.stats().refused['rate-limited'], before.refused['rate-limited']);
      assert.deepEqual(client.errors(), []); // a refused ping costs the server no frame
      // The bucket refills: the socket stayed open, and a ping a second later is answered.
      await sleep(1000);
      client.send({ type: 'ping' });
      await until(
        () => client.frames.filter((f) => f['type'] === 'pong').length === pongs + 1,
        'a pong after the refill',
      );
    } finally {
      client.socket.close();
      await strict.close({ graceMs: 1000 });
    }
  },
);

test(
  'a ping never takes an Input’s token: after pings, a full burst of Inputs is applied',
  T,
  async () => {
    const channel = counterChannel();
    const strict = await createSyncServer({
      port: 0,
      host: '127.0.0.1',
      channels: { counter: channel },
      limits: { inputsPerSecond: 1, inputBurst: 3 },
      logger: recordingLogger(),
    });
    const client = await TestClient.connect(`ws://127.0.0.1:${strict.port}/ballast-sync`, {
      hello: { type: 'hello', protocol: 1, features: ['ping'] },
    });
    try {
      assert.equal((await client.join('counter', 'r', 'replica'))['type'], 'joined');
      await client.next((f) => f['type'] === 'state');
      for (let i = 0; i < 3; i++) client.send({ type: 'ping' });
      await until(
        () => client.frames.filter((f) => f['type'] === 'pong').length === 3,
        'three pongs',
      );
      for (let i = 0; i < 3; i++)
        client.send({
          type: 'input',
          channel: 'counter',
          input: client.replicaInput('counter', 'r', { type: 'Add', id: `i-${i}`, by: 1 }),
        });
      await until(() => client.acknowledged('counter', 3), 'the three Inputs acknowledged');
      assert.deepEqual(client.errors(), []);
      assert.deepEqual(
        channel.handled.map((input) => input.id),
        ['i-0', 'i-1', 'i-2'],
      );
      assert.equal(strict.stats().refused['rate-limited'], 0);
    } finally {
      await client.close();
      await strict.close({ graceMs: 1000 });
    }
  },
);

test(
  'behind a half-open link: the client finds out within its liveness timeout, reconnects once the link forwards again, and every Input reaches the Source once',
  T,
  async () => {
    const liveness = { pingAfterMs: 200, timeoutMs: 300 };
    const errors: string[] = [];
    const app = (withLiveness: boolean) =>
      new WebSocketSyncTransport({
        url: `ws://127.0.0.1:${proxy.port}/ballast-sync`,
        WebSocket,
        reconnect: { initialDelayMs: 20, maxDelayMs: 200, jitter: 0.5 },
        connectTimeoutMs: 400, // attempts into the black hole
        liveness: withLiveness ? liveness : false,
        onError: (error) => errors.push(error.message),
      });
    const transports = [app(true), app(false)];
    const replica = counterClient(transports[0] as WebSocketSyncTransport, 'replica');
    // Without the liveness check, as before it existed: nothing tells it the link is dead.
    const blind = counterClient(transports[1] as WebSocketSyncTransport, 'spectator');
    const handledBefore = counter.handled.length;
    const count = () => replica.vm.getCurrentState().count;
    try {
      await until(
        () => replica.status() === 'connected' && blind.status() === 'connected',
        'connected',
      );
      for (let i = 0; i < 10; i++) replica.vm.trySend({ type: 'Add', id: `before-${i}`, by: 1 });
      await until(() => blind.vm.getCurrentState().count === 10, 'the Spectator at 10');

      // A quiet, healthy link: pinged and answered, never taken for dead.
      const accepted = server.stats().connectionsAccepted;
      const pongs = server.stats().pingsAnswered;
      await sleep(4 * liveness.pingAfterMs);
      assert.ok(server.stats().pingsAnswered - pongs >= 2, 'the quiet client pinged');
      assert.equal(server.stats().connectionsAccepted, accepted, 'no reconnect');
      assert.equal(replica.status(), 'connected');

      proxy.stall();
      const stalledAt = Date.now();
      for (let i = 0; i < 20; i++) replica.vm.trySend({ type: 'Add', id: `during-${i}`, by: 1 });
      await until(() => count() === 30, 'the Inputs applied locally');
      await until(() => replica.status() === 'disconnected', 'the dead link found out', 5000);
      const foundAfter = Date.now() - stalledAt;
      // At most pingAfterMs of silence, then timeoutMs after the ping (and room for a busy machine).
      assert.ok(foundAfter <= liveness.pingAfterMs + liveness.timeoutMs + 1000, `${foundAfter} ms`);
      assert.equal(blind.status(), 'connected', 'without liveness, the dead link looks fine');
      await sleep(1000); // attempts that vanish into the black hole, each timed out
      assert.equal(replica.status(), 'disconnected');
      assert.equal(counter.handled.length - handledBefore, 10, 'nothing got through the stall');

      proxy.resume();
      await until(() => replica.status() === 'connected', 'reconnected', 5000);
      await replica.connection.whenSynced?.();
      await until(() => count() === 30, 'the replica at 30');
      const handled = counter.handled.slice(handledBefore).map((input) => input.id);
      assert.equal(handled.length, 30, 'the Source handled each Input once');
      assert.equal(new Set(handled).size, 30);
      assert.ok(Object.values(replica.vm.getCurrentState().applied).every((n) => n === 1));
      // The blind Spectator still sits on its dead socket, stale and 'connected'.
      assert.equal(blind.status(), 'connected');
      assert.equal(blind.vm.getCurrentState().count, 10);
      // The outage was reported once (attempts that time out), not once per attempt.
      assert.ok(
        errors.length === 1 && /did not welcome this client in time/.test(errors[0] ?? ''),
        errors.join('\n'),
      );
    } finally {
      for (const client of [replica, blind]) client.vm.clear();
      for (const transport of transports) transport.close();
    }
  },
);

test(
  'behind a slow link (a State longer on its way than pingAfterMs + timeoutMs): with liveness on, the State arrives, and the link then stays up',
  T,
  async () => {
    // ~31 KB of State (random keys: nothing compresses it) over 30 KB/s: about 1 s on its way,
    // while a ping finds no answer within 100 + 300 ms. Each socket taken for dead that the
    // server welcomes again waits twice as long (600, 1 200 ms…): the third one gets the State.
    const applied: Record<string, number> = {};
    for (let i = 0; i < 700; i++) applied[randomBytes(20).toString('hex')] = 1;
    const big = await createSyncServer({
      port: 0,
      host: '127.0.0.1',
      channels: { counter: counterChannel({ initialState: { count: 7, applied } }) },
      limits: FAST_PINGS,
      logger: recordingLogger(),
    });
    const slow = await slowProxy(big.port, 30_000);
    const transport = new WebSocketSyncTransport({
      url: `ws://127.0.0.1:${slow.port}/ballast-sync`,
      WebSocket,
      reconnect: { initialDelayMs: 20, maxDelayMs: 200, jitter: 0 },
      liveness: { pingAfterMs: 100, timeoutMs: 300 },
      onError: () => undefined,
    });
    const client = counterClient(transport, 'spectator');
    try {
      const startedAt = Date.now();
      await until(() => client.vm.getCurrentState().count === 7, 'the State', 8_000);
      const tookMs = Date.now() - startedAt;
      const accepted = big.stats().connectionsAccepted;
      assert.ok(accepted >= 2 && accepted <= 5, `${accepted} connections in ${tookMs} ms`);
      // Converged: pings answered (in time again: the timeout is back to 300 ms), no reconnect.
      const pongs = big.stats().pingsAnswered;
      await sleep(600);
      assert.ok(big.stats().pingsAnswered - pongs >= 3, 'the quiet link pinged');
      assert.equal(big.stats().connectionsAccepted, accepted, 'no reconnect once converged');
      assert.equal(client.status(), 'connected');
    } finally {
      client.vm.clear();
      transport.close();
      await slow.close();
      await big.close({ graceMs: 500 });
    }
  },
);
