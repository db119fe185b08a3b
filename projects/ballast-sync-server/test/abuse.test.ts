import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { WebSocket } from 'ws';
import { createSyncServer, type SyncServer } from '../src/public-api.js';
import { counterChannel, isCounterInput } from './helpers/counter-channel.js';
import { clientTransport, counterClient, recordingLogger } from './helpers/replicas.js';
import { counterInputSchema } from './helpers/standard-schema.js';
import { TestClient } from './helpers/test-client.js';
import { sleep, until, within } from './helpers/wait.js';

const T = { timeout: 30_000 };
let server: SyncServer;
const logger = recordingLogger();
const counter = counterChannel({ validateInput: isCounterInput });
const schema = counterChannel({ validateInput: counterInputSchema });
const users: Record<string, { name: string; canEdit: boolean }> = {
  good: { name: 'alice', canEdit: true },
  viewer: { name: 'bob', canEdit: false },
};
const url = (token = 'good') => `ws://127.0.0.1:${server.port}/ballast-sync?token=${token}`;
const refused = () => server.stats().refused;

before(async () => {
  server = await createSyncServer({
    port: 0,
    host: '127.0.0.1',
    channels: { counter, schema },
    authenticate: ({ token }) => (token ? users[token] : undefined),
    authorize: (user, _channel, role) => role === 'spectator' || user.canEdit,
    limits: {
      inputsPerSecond: 20,
      inputBurst: 40,
      maxBadFrames: 3,
      heartbeatMs: 200,
      helloTimeoutMs: 500,
    },
    logger,
  });
});
after(() => server.close({ graceMs: 2000 }));

/** A raw client joined to a channel as a Replica, with the channel's State received. */
async function rawReplica(channel = 'counter', clientId = `raw-${Math.random()}`) {
  const client = await TestClient.connect(url());
  assert.equal((await client.join(channel, clientId, 'replica'))['type'], 'joined');
  await client.next((f) => f['type'] === 'state' && f['channel'] === channel);
  return { client, clientId };
}

test('no token or an unknown token: HTTP 401, no socket', T, async () => {
  const before = refused().unauthenticated;
  for (const target of [`ws://127.0.0.1:${server.port}/ballast-sync`, url('stolen')]) {
    await assert.rejects(
      TestClient.connect(target),
      (error: { status?: number }) => error.status === 401,
    );
  }
  assert.equal(refused().unauthenticated, before + 2);
  assert.equal(server.stats().connections, 0);
});

test('another path: HTTP 404', T, async () => {
  await assert.rejects(
    TestClient.connect(`ws://127.0.0.1:${server.port}/elsewhere?token=good`),
    (error: { status?: number }) => error.status === 404,
  );
});

test(
  'a wrong protocol version is closed with 4000, saying which the server speaks',
  T,
  async () => {
    const client = await TestClient.connect(url(), { speaks: 2 });
    const closed = await within(client.closed, 5000, 'close');
    assert.equal(closed.code, 4000);
    assert.match(closed.reason, /protocol 1/);
    assert.equal(refused()['protocol-mismatch'] >= 1, true);
  },
);

test(
  'a frame before hello: hello-first, closed with 4001; no hello at all: 4001 too',
  T,
  async () => {
    const early = await TestClient.connect(url(), { hello: false });
    early.send({ type: 'join', channel: 'counter', clientId: 'x', role: 'replica' });
    assert.equal((await within(early.closed, 5000, 'close')).code, 4001);
    assert.equal(early.errors('hello-first').length, 1);
    const silent = await TestClient.connect(url(), { hello: false });
    assert.equal((await within(silent.closed, 5000, 'close')).code, 4001);
  },
);

test('joins: unknown channel and a forbidden role are refused', T, async () => {
  const viewer = await TestClient.connect(url('viewer'));
  assert.equal((await viewer.join('nowhere', 'v1', 'spectator'))['code'], 'unknown-channel');
  assert.equal((await viewer.join('counter', 'v1', 'replica'))['code'], 'forbidden');
  assert.equal((await viewer.join('counter', 'v1', 'spectator'))['type'], 'joined');
  await viewer.close();
});

test(
  "a Spectator's Inputs and a non-joined client's Inputs never reach the handler",
  T,
  async () => {
    const { client } = await rawReplica();
    assert.equal((await client.join('counter', 'watcher', 'spectator'))['type'], 'joined');
    const handled = counter.handled.length;
    for (let i = 0; i < 20; i++) {
      client.send({
        type: 'input',
        channel: 'counter',
        input: client.replicaInput('counter', 'watcher', { type: 'Add', id: `spy-${i}`, by: 1 }),
      });
      client.send({
        type: 'input',
        channel: 'counter',
        input: client.replicaInput('counter', 'stranger', { type: 'Add', id: `str-${i}`, by: 1 }),
      });
    }
    await until(() => client.errors().length >= 40, '40 error frames');
    assert.equal(client.errors('not-a-replica').length, 20);
    assert.equal(client.errors('not-joined').length, 20);
    assert.equal(counter.handled.length, handled);
    assert.equal(client.socket.readyState, WebSocket.OPEN); // not a bad frame: the socket goes on
    await client.close();
  },
);

test(
  'invalid Inputs are refused and acknowledged; a client-sent `refused` is stripped',
  T,
  async () => {
    const { client, clientId } = await rawReplica();
    const handled = counter.handled.length;
    const bad = [
      { type: 'Add', id: 'b1', by: 'lots' },
      { type: 'Drop' },
      { type: 'Add', id: 'b3', by: 1e9 },
    ];
    for (const input of bad)
      client.send({
        type: 'input',
        channel: 'counter',
        input: client.replicaInput('counter', clientId, input),
      });
    // A valid Input that claims to be refused: the server builds its own envelope, so it is applied.
    const sneaky = {
      ...client.replicaInput('counter', clientId, { type: 'Add', id: 'ok-4', by: 1 }),
      refused: 'no',
    };
    client.send({ type: 'input', channel: 'counter', input: sneaky });
    await until(() => client.acknowledged('counter', 4), 'all 4 Inputs acknowledged');
    assert.equal(client.errors('invalid-input').length, 3);
    assert.deepEqual(
      client.errors('invalid-input').map((e) => e['seq']),
      [1, 2, 3],
    );
    assert.deepEqual(counter.handled.slice(handled), [{ type: 'Add', id: 'ok-4', by: 1 }]);
    await client.close();
  },
);

test(
  'a Standard Schema validateInput: issues refuse, the output is what the Source receives',
  T,
  async () => {
    const { client, clientId } = await rawReplica('schema');
    client.send({
      type: 'input',
      channel: 'schema',
      input: client.replicaInput('schema', clientId, { type: 'Add', id: 's1', by: 1.5 }),
    });
    client.send({
      type: 'input',
      channel: 'schema',
      input: client.replicaInput('schema', clientId, {
        type: 'Add',
        id: 's2',
        by: 2,
        extra: 'x'.repeat(100),
      }),
    });
    await until(() => client.acknowledged('schema', 2), 'both acknowledged');
    assert.match(client.errors('invalid-input')[0]?.['message'], /by: expected an integer/);
    assert.deepEqual(schema.handled, [{ type: 'Add', id: 's2', by: 2 }]);
    assert.equal(client.latestState<{ count: number }>('schema')?.state.count, 2);
    await client.close();
  },
);

test('a flood over the rate limit: refused and acknowledged, logged once', T, async () => {
  const { client, clientId } = await rawReplica();
  const handled = counter.handled.length;
  const before = refused()['rate-limited'];
  for (let i = 0; i < 100; i++)
    client.send({
      type: 'input',
      channel: 'counter',
      input: client.replicaInput('counter', clientId, { type: 'Add', id: `f-${i}`, by: 1 }),
    });
  await until(() => client.acknowledged('counter', 100), 'all 100 acknowledged');
  const limited = client.errors('rate-limited').length;
  // 40 in the bucket, plus the refill (20/s) while the flood arrives.
  assert.ok(limited >= 50 && limited <= 60, `${limited} rate-limited`);
  assert.equal(counter.handled.length - handled, 100 - limited);
  assert.equal(refused()['rate-limited'] - before, limited);
  assert.equal(logger.lines.filter((l) => l.includes('(rate-limited)')).length, 1);
  await client.close();
});

test('a 10 MiB frame closes the socket with 1009; others are not affected', T, async () => {
  const { client: bystander } = await rawReplica();
  const client = await TestClient.connect(url());
  client.sendRaw(JSON.stringify({ type: 'hello', pad: 'x'.repeat(10 * 1024 * 1024) }));
  assert.equal((await within(client.closed, 10_000, 'close')).code, 1009);
  assert.ok(refused()['frame-too-large'] >= 1);
  assert.equal(bystander.socket.readyState, WebSocket.OPEN);
  await bystander.close();
});

test(
  '1000 garbage frames: answered, closed with 1008 when repeated; the server stays up and good clients converge',
  T,
  async () => {
    const transports = [clientTransport(url()), clientTransport(url())];
    const good = counterClient(transports[0], 'replica');
    const spectator = counterClient(transports[1], 'spectator');
    try {
      await until(() => good.status() === 'connected', 'the good Replica connected');
      const handled = counter.handled.length;
      const startCount = good.vm.getCurrentState().count;
      const random = seeded(42);
      let client = await TestClient.connect(url());
      const closes: Record<number, number> = {};
      const tooManyBefore = refused()['too-many-bad-frames'];
      let goodSent = 0;
      for (let i = 0; i < 1000; i++) {
        if (client.socket.readyState !== WebSocket.OPEN) {
          const { code } = await within(client.closed, 5000, 'close');
          assert.ok([1008, 1007, 1002].includes(code), `closed with ${code}`);
          closes[code] = (closes[code] ?? 0) + 1;
          client = await TestClient.connect(url());
        }
        const garbage = garbageFrame(random, i);
        client.sendRaw(garbage.data, garbage.binary);
        if (i % 50 === 0) {
          good.vm.trySend({ type: 'Add', id: `good-${i}`, by: 1 });
          goodSent++;
        }
        if (i % 4 === 3) await sleep(0); // let the server answer and close
      }
      await client.close();
      await until(
        () => good.vm.getCurrentState().count === startCount + goodSent,
        'the good Replica converged',
      );
      await good.connection.whenSynced();
      await until(
        () => spectator.vm.getCurrentState().count === startCount + goodSent,
        'the Spectator converged',
      );
      assert.equal(counter.handled.length - handled, goodSent);
      // 1008: too many bad frames; 1007/1002: ws itself refused a broken frame (invalid UTF-8…).
      assert.ok((closes[1008] ?? 0) >= 10, `closes: ${JSON.stringify(closes)}`);
      assert.equal(refused()['too-many-bad-frames'] - tooManyBefore, closes[1008]);
      // Only the good Replica's and the Spectator's sockets are left.
      await until(() => server.stats().connections === 2, 'the garbage sockets closed');
    } finally {
      good.vm.clear();
      spectator.vm.clear();
      for (const transport of transports) transport.close();
    }
  },
);

test('a socket that stops answering pings is terminated', T, async () => {
  const before = refused()['heartbeat-timeout'];
  const deaf = await TestClient.connect(url(), { autoPong: false });
  const closed = await within(deaf.closed, 5000, 'termination');
  assert.equal(closed.code, 1006);
  assert.equal(refused()['heartbeat-timeout'], before + 1);
});

test('max connections: HTTP 503 beyond the limit', T, async () => {
  const small = await createSyncServer({
    port: 0,
    host: '127.0.0.1',
    channels: { counter: counterChannel() },
    limits: { maxConnections: 2 },
    logger: recordingLogger(),
  });
  const target = `ws://127.0.0.1:${small.port}/ballast-sync`;
  const open = [await TestClient.connect(target), await TestClient.connect(target)];
  await assert.rejects(
    TestClient.connect(target),
    (error: { status?: number }) => error.status === 503,
  );
  assert.equal(small.stats().refused['too-many-connections'], 1);
  await open[0]?.close();
  await until(() => small.stats().connections === 1, 'one closed');
  const again = await TestClient.connect(target);
  await small.close({ graceMs: 1000 });
  assert.equal((await again.closed).code, 1001);
  assert.equal((await open[1]?.closed)?.code, 1001);
});

/** A deterministic PRNG (mulberry32). */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function garbageFrame(random: () => number, i: number): { data: string | Buffer; binary: boolean } {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const text = () =>
    Array.from({ length: Math.floor(random() * 200) }, () =>
      String.fromCharCode(Math.floor(random() * 0xffff)),
    ).join('');
  const bytes = () =>
    Buffer.from(
      Array.from({ length: Math.floor(random() * 300) }, () => Math.floor(random() * 256)),
    );
  const value = (): unknown =>
    pick([null, true, 1.5, -1, 'x', [], {}, [1, [2, [3]]], { type: 'input' }, 1e308, '\u0000']);
  switch (i % 10) {
    case 0:
      return { data: bytes(), binary: true };
    case 1:
      return { data: text(), binary: false };
    case 2:
      return { data: bytes(), binary: false }; // often invalid UTF-8: ws closes with 1007
    case 3:
      return { data: JSON.stringify(value()), binary: false };
    case 4:
      return {
        data: JSON.stringify({
          type: pick(['join', 'leave', 'input', 'hello', 'state', 'nope']),
          channel: value(),
          clientId: value(),
          role: value(),
        }),
        binary: false,
      };
    case 5:
      return {
        data: JSON.stringify({
          type: 'input',
          channel: 'counter',
          input: {
            protocol: 1,
            clientId: 'x',
            incarnation: value(),
            seq: value(),
            to: 'y',
            seen: 0,
            input: value(),
          },
        }),
        binary: false,
      };
    case 6:
      return {
        data: JSON.stringify({
          type: 'input',
          channel: pick(['counter', 'schema']),
          input: {
            protocol: 1,
            id: 'a:1',
            clientId: 'nobody',
            incarnation: 'a',
            seq: 1,
            firstUnacknowledged: 1,
            to: 'z',
            seen: 0,
            input: { type: 'Add', id: 'evil', by: 1 },
          },
        }),
        binary: false,
      };
    case 7:
      return { data: '['.repeat(5000) + ']'.repeat(5000), binary: false };
    case 8:
      return {
        data: JSON.stringify({
          type: 'join',
          channel: 'counter'.repeat(100),
          clientId: 'c',
          role: 'replica',
        }),
        binary: false,
      };
    default:
      return {
        data: `{"type":"hello","protocol":${pick(['1', '"1"', 'null', '1.5'])}}`,
        binary: false,
      };
  }
}
