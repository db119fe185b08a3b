import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { SYNC_PROTOCOL_VERSION, type SyncSnapshot } from 'ballast-sync/core';
import { parseClientFrame } from '../src/frames.js';
import { toInputChecker } from '../src/input-validation.js';
import { TokenBucket } from '../src/limits.js';
import { createSyncServer, FileSnapshotStore, type SyncServerOptions } from '../src/public-api.js';
import { counterChannel, isCounterInput } from './helpers/counter-channel.js';
import { recordingLogger } from './helpers/replicas.js';
import { counterInputSchema } from './helpers/standard-schema.js';

test('parseClientFrame: every frame type, and one problem for everything else', () => {
  assert.deepEqual(parseClientFrame('{"type":"hello","protocol":1}'), {
    frame: { type: 'hello', protocol: 1, codecs: ['json'], features: [] },
  });
  assert.deepEqual(
    parseClientFrame(
      '{"type":"hello","protocol":1,"codecs":["msgpack","json"],"features":["delta"]}',
    ),
    { frame: { type: 'hello', protocol: 1, codecs: ['msgpack', 'json'], features: ['delta'] } },
  );
  assert.deepEqual(parseClientFrame('{"type":"resync","channel":"c"}'), {
    frame: { type: 'resync', channel: 'c' },
  });
  assert.deepEqual(parseClientFrame('{"type":"ping","at":123}'), { frame: { type: 'ping' } });
  assert.deepEqual(
    parseClientFrame('{"type":"join","channel":"c","clientId":"a","role":"spectator","x":1}'),
    {
      frame: { type: 'join', channel: 'c', clientId: 'a', role: 'spectator' },
    },
  );
  assert.deepEqual(parseClientFrame('{"type":"leave","channel":"c","clientId":"a"}'), {
    frame: { type: 'leave', channel: 'c', clientId: 'a' },
  });
  assert.ok('frame' in parseClientFrame('{"type":"input","channel":"c","input":{}}'));
  const problems: [string, RegExp][] = [
    ['nope', /not JSON/],
    ['[1]', /not a JSON object/],
    ['null', /not a JSON object/],
    ['{}', /no string "type"/],
    ['{"type":"state"}', /unknown frame type "state"/],
    ['{"type":"hello","protocol":"1"}', /protocol must be a whole number/],
    ['{"type":"join","channel":"","clientId":"a","role":"replica"}', /join.channel/],
    [
      `{"type":"join","channel":"${'c'.repeat(257)}","clientId":"a","role":"replica"}`,
      /at most 256/,
    ],
    ['{"type":"join","channel":"c","clientId":"a","role":"source"}', /role must be/],
    ['{"type":"input","channel":"c","input":5}', /SyncedInput object/],
  ];
  for (const [text, problem] of problems) {
    const parsed = parseClientFrame(text);
    assert.ok('problem' in parsed, text);
    assert.match(parsed.problem, problem);
  }
});

test('validateInput: a function (true, false, a problem, a throw) or a Standard Schema', async () => {
  const fn = toInputChecker(isCounterInput);
  assert.deepEqual(fn({ type: 'Add', id: 'a', by: 1 }), {
    ok: true,
    input: { type: 'Add', id: 'a', by: 1 },
  });
  assert.deepEqual(fn({ type: 'Add', id: 'a' }), {
    ok: false,
    problem: 'by must be a number from -100 to 100',
  });
  assert.deepEqual(toInputChecker(() => false)(1), { ok: false, problem: 'invalid' });
  assert.deepEqual(
    toInputChecker(() => {
      throw new Error('boom');
    })(1),
    { ok: false, problem: 'the validator threw: boom' },
  );
  assert.deepEqual(
    await toInputChecker(async () => {
      throw new Error('late');
    })(1),
    { ok: false, problem: 'the validator threw: late' },
  );
  const schema = toInputChecker(counterInputSchema);
  assert.deepEqual(await schema({ type: 'Add', id: 'a', by: 2, extra: true }), {
    ok: true,
    input: { type: 'Add', id: 'a', by: 2 },
  });
  assert.deepEqual(await schema({ type: 'Add', by: 0.5 }), {
    ok: false,
    problem: 'id: expected a string; by: expected an integer',
  });
  assert.deepEqual(toInputChecker(undefined)('anything'), { ok: true, input: 'anything' });
});

test('TokenBucket: a burst, then the refill rate', () => {
  let now = 0;
  const bucket = new TokenBucket(10, 3, () => now);
  assert.deepEqual(
    [bucket.take(), bucket.take(), bucket.take(), bucket.take()],
    [true, true, true, false],
  );
  now = 100; // 0.1 s: one token
  assert.deepEqual([bucket.take(), bucket.take()], [true, false]);
  now = 10_000; // capped at the capacity
  assert.equal([1, 2, 3, 4].filter(() => bucket.take()).length, 3);
});

test('createSyncServer rejects wrong options with errors that say what to do', async () => {
  const channels = { counter: counterChannel() };
  const cases: [unknown, RegExp][] = [
    [undefined, /needs options/],
    [{ channels }, /either port .* or server/],
    [{ port: 1, server: {}, channels }, /either port/],
    [{ port: -1, channels }, /port must be a whole number/],
    [{ port: 0, channels: {} }, /at least one channel/],
    [
      { port: 0, channels: { c: { inputHandler: () => undefined } } },
      /channels\["c"\] needs an initialState/,
    ],
    [{ port: 0, channels: { c: { initialState: 1 } } }, /inputHandler must be a function/],
    [{ port: 0, channels: { c: { ...channels.counter, roles: ['source'] } } }, /roles lists/],
    [{ port: 0, channels: { c: { ...channels.counter, validateInput: 5 } } }, /Standard Schema/],
    [{ port: 0, path: 'x', channels }, /path must start with/],
    [{ port: 0, channels, limits: { inputsPerSecond: 0 } }, /inputsPerSecond.*> 0/],
    [{ port: 0, channels, limits: { bogus: 1 } }, /no limit "bogus"/],
    [{ port: 0, channels, snapshots: {} }, /snapshotStoreFor/],
    [{ port: 0, channels, prot: 1 }, /no option "prot"/],
  ];
  for (const [options, message] of cases) {
    await assert.rejects(createSyncServer(options as SyncServerOptions), (error: Error) => {
      assert.match(error.message, /^ballast-sync: /);
      assert.match(error.message, message);
      return true;
    });
  }
});

test('a port in use: a clear error, and nothing left running', async () => {
  const first = await createSyncServer({
    port: 0,
    host: '127.0.0.1',
    channels: { counter: counterChannel() },
    logger: recordingLogger(),
  });
  await assert.rejects(
    createSyncServer({
      port: first.port,
      host: '127.0.0.1',
      channels: { counter: counterChannel() },
      logger: recordingLogger(),
    }),
    /^Error: ballast-sync: createSyncServer could not listen on 127\.0\.0\.1:\d+ .*choose another port/,
  );
  await first.close();
});

const snapshot = (count: number): SyncSnapshot<{ count: number }> => ({
  protocol: SYNC_PROTOCOL_VERSION,
  state: { count },
  acks: { a: count },
});

test('FileSnapshotStore: one file per channel, written atomically; saves in flight collapse into the latest', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'ballast-file-store-'));
  try {
    const files = new FileSnapshotStore(join(directory, 'nested'));
    const store = files.snapshotStoreFor<{ count: number }>('a/b c');
    assert.equal(await store.load(), undefined);
    const saves = Array.from({ length: 50 }, (_, i) => store.save(snapshot(i + 1)));
    await Promise.all(saves);
    assert.deepEqual(await store.load(), snapshot(50));
    assert.deepEqual(await readdir(join(directory, 'nested')), ['a%2Fb%20c.snapshot.json']);
    assert.deepEqual(JSON.parse(await readFile(files.fileFor('a/b c'), 'utf8')), snapshot(50));
    // A new store (a restarted server) reads it back.
    assert.deepEqual(
      await new FileSnapshotStore(join(directory, 'nested')).snapshotStoreFor('a/b c').load(),
      snapshot(50),
    );
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
});

test('a snapshot the server cannot use stops createSyncServer with a clear error', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'ballast-file-store-'));
  try {
    const files = new FileSnapshotStore(directory);
    await writeFile(files.fileFor('counter'), '{"torn');
    await assert.rejects(
      createSyncServer({
        port: 0,
        channels: { counter: counterChannel() },
        snapshots: files,
        logger: recordingLogger(),
      }),
      /^Error: ballast-sync: the snapshot of channel "counter" cannot be loaded .*is not JSON.*Fix or remove it/,
    );
    await writeFile(files.fileFor('counter'), JSON.stringify({ protocol: 9, state: 1, acks: {} }));
    await assert.rejects(
      createSyncServer({
        port: 0,
        channels: { counter: counterChannel() },
        snapshots: files,
        logger: recordingLogger(),
      }),
      /is not a SyncSnapshot \(it was taken with protocol 9/,
    );
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
});

test('a restarted server continues from the FileSnapshotStore', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'ballast-file-store-'));
  try {
    const files = new FileSnapshotStore(directory, { durability: 'os' });
    await files
      .snapshotStoreFor('counter')
      .save({ protocol: SYNC_PROTOCOL_VERSION, state: { count: 7, applied: {} }, acks: { x: 3 } });
    const server = await createSyncServer({
      port: 0,
      host: '127.0.0.1',
      channels: { counter: counterChannel() },
      snapshots: files,
      logger: recordingLogger(),
    });
    const { TestClient } = await import('./helpers/test-client.js');
    const client = await TestClient.connect(`ws://127.0.0.1:${server.port}/ballast-sync`);
    await client.join('counter', 'w', 'spectator');
    const state = (await client.next((f) => f['type'] === 'state'))['state'];
    assert.equal(state.state.count, 7);
    await server.close();
    assert.equal((await client.closed).code, 1001);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
});
