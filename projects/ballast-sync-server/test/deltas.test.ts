// Deltas and codecs over real sockets (docs/PROTOCOL.md, "Deltas" and "Codecs"): clients that ask
// for deltas get `delta` frames much smaller than the State, in JSON or MessagePack; a client
// that does not ask gets `state` frames as before; every client converges to the Source; a State
// that is not plain data is not published. Bounded: every wait has a deadline.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { unpack } from 'msgpackr';
import { WebSocket } from 'ws';
import {
  BallastSyncInterceptor,
  BasicViewModel,
  DefaultSyncConnection,
  fifo,
  type SyncedState,
} from 'ballast-sync/core';
import { msgpackCodec } from 'ballast-sync/msgpack';
import { WebSocketSyncTransport, type WebSocketSyncCodec } from 'ballast-sync/websocket';
import { createSyncServer, defineSyncChannel } from '../src/public-api.js';
import { recordingLogger } from './helpers/replicas.js';
import { TestClient, type Frame } from './helpers/test-client.js';
import { until } from './helpers/wait.js';

interface Todo {
  readonly id: string;
  readonly title: string;
  readonly done: boolean;
}
interface Todos {
  readonly todos: readonly Todo[];
}
type TodoInput =
  | { readonly type: 'Toggle'; readonly id: string }
  | { readonly type: 'Insert'; readonly id: string; readonly at: number }
  | { readonly type: 'Remove'; readonly id: string }
  | { readonly type: 'Stamp' };

const initialState: Todos = {
  todos: Array.from({ length: 1000 }, (_, i) => ({
    id: `t${i}`,
    title: `Todo number ${i}: something to do`,
    done: false,
  })),
};

function reduce(state: Todos, input: TodoInput): Todos {
  switch (input.type) {
    case 'Toggle':
      return {
        todos: state.todos.map((t) => (t.id === input.id ? { ...t, done: !t.done } : t)),
      };
    case 'Insert': {
      const todos = state.todos.slice();
      todos.splice(input.at, 0, { id: input.id, title: 'New', done: false });
      return { todos };
    }
    case 'Remove':
      return { todos: state.todos.filter((t) => t.id !== input.id) };
    case 'Stamp':
      return state; // on the server: see the channel below
  }
}

/** A `ws` WebSocket that records the size and type of every frame it receives. */
function countingWebSocket(received: { bytes: number; type: string }[]) {
  return class extends WebSocket {
    constructor(url: string) {
      super(url);
      this.on('message', (data: Buffer | ArrayBuffer, isBinary: boolean) => {
        // The transport asks for ArrayBuffers when it uses a binary codec.
        const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data);
        const frame = (isBinary ? unpack(bytes) : JSON.parse(bytes.toString())) as Frame;
        received.push({ bytes: bytes.length, type: String(frame['type']) });
      });
    }
  };
}

function replica(transport: WebSocketSyncTransport) {
  const connection = new DefaultSyncConnection<TodoInput, never, Todos>({
    clientType: 'replica',
    adapter: transport.adapterFor<TodoInput, never, Todos>('todos'),
    retransmit: { intervalMs: 200, maxIntervalMs: 1000 },
  });
  const vm = new BasicViewModel<TodoInput, never, Todos>({
    name: 'todos',
    initialState,
    inputStrategy: fifo(),
    inputHandler: (input, scope) => scope.updateState((s) => reduce(s, input)),
    interceptors: [new BallastSyncInterceptor(connection)],
    logger: recordingLogger(),
  });
  return { vm, connection };
}

test('deltas in JSON and MessagePack: clients converge, and a delta is a small fraction of the State', async (t) => {
  const logger = recordingLogger();
  const server = await createSyncServer({
    port: 0,
    host: '127.0.0.1',
    logger,
    channels: {
      todos: defineSyncChannel<TodoInput, never, Todos>({
        initialState,
        inputStrategy: fifo(),
        inputHandler: (input, scope) => scope.updateState((s) => reduce(s, input)),
      }),
    },
  });
  const url = `ws://127.0.0.1:${server.port}/ballast-sync`;
  const made = (codec: WebSocketSyncCodec | undefined, frames: { bytes: number; type: string }[]) =>
    new WebSocketSyncTransport({
      url,
      codec,
      WebSocket: countingWebSocket(frames) as never,
      reconnect: { initialDelayMs: 20, maxDelayMs: 200, jitter: 0 },
      onError: () => undefined,
    });
  const packed: { bytes: number; type: string }[] = [];
  const text: { bytes: number; type: string }[] = [];
  const transports = [made(msgpackCodec(), packed), made(undefined, text)];
  const [a, b] = transports.map(replica) as [
    ReturnType<typeof replica>,
    ReturnType<typeof replica>,
  ];
  const legacy = await TestClient.connect(url); // says hello without features: full States
  try {
    assert.equal((await legacy.join('todos', 'legacy', 'spectator'))['type'], 'joined');
    await until(
      () => [packed, text].every((frames) => frames.some((f) => f.type === 'state')),
      'the first State on both sockets',
    );
    const inputs: TodoInput[] = [
      { type: 'Toggle', id: 't3' },
      { type: 'Insert', id: 'n1', at: 500 },
      { type: 'Remove', id: 't700' },
      { type: 'Toggle', id: 't999' },
    ];
    for (const [i, input] of inputs.entries()) {
      void (i % 2 ? b : a).vm.send(input);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    let expected = initialState;
    for (const input of inputs) expected = reduce(expected, input);
    const settled = () =>
      [a, b].every((r) => JSON.stringify(r.vm.getCurrentState()) === JSON.stringify(expected)) &&
      JSON.stringify(legacy.latestState<Todos>('todos')?.state) === JSON.stringify(expected);
    await until(settled, 'every client at the Source State', 10_000);

    const stats = server.stats();
    assert.ok(stats.deltaFramesSent >= 8, `delta frames sent: ${stats.deltaFramesSent}`);
    for (const [name, frames] of [
      ['msgpack', packed],
      ['json', text],
    ] as const) {
      const snapshots = frames.filter((f) => f.type === 'state');
      const deltas = frames.filter((f) => f.type === 'delta');
      assert.ok(deltas.length >= 4, `${name}: ${deltas.length} delta frames`);
      const full = Math.min(...snapshots.map((f) => f.bytes));
      const largest = Math.max(...deltas.map((f) => f.bytes));
      assert.ok(full > 50_000, `${name}: a full State is ${full} bytes`);
      assert.ok(largest * 50 < full, `${name}: deltas up to ${largest} bytes vs ${full}`);
      t.diagnostic(
        `${name}: full State ${full} bytes, delta frames ${deltas.map((f) => f.bytes).join(', ')} bytes`,
      );
    }
    // The MessagePack socket's frames are binary, and smaller than JSON.
    const packedState = packed.find((f) => f.type === 'state')!.bytes;
    const textState = text.find((f) => f.type === 'state')!.bytes;
    assert.ok(packedState < textState, `msgpack ${packedState} vs json ${textState}`);
    // The legacy client got no delta at all.
    assert.equal(legacy.frames.filter((f) => f['type'] === 'delta').length, 0);
    assert.deepEqual(logger.lines, []);
  } finally {
    await legacy.close();
    for (const r of [a, b]) r.vm.clear();
    for (const transport of transports) transport.close();
    await server.close({ graceMs: 1000 });
  }
});

test('negotiation: hello lists codecs and features; welcome answers; resync answers a snapshot', async () => {
  const server = await createSyncServer({
    port: 0,
    host: '127.0.0.1',
    logger: recordingLogger(),
    codecs: ['json', 'msgpack'],
    channels: {
      todos: defineSyncChannel<TodoInput, never, Todos>({
        initialState: { todos: [] },
        inputHandler: (input, scope) => scope.updateState((s) => reduce(s, input)),
      }),
    },
  });
  const url = `ws://127.0.0.1:${server.port}/ballast-sync`;
  const packed = await TestClient.connect(url, {
    hello: { type: 'hello', protocol: 1, codecs: ['cbor', 'msgpack', 'json'], features: ['delta'] },
  });
  const unknown = await TestClient.connect(url, { hello: false });
  const jsonOnly = await createSyncServer({
    port: 0,
    host: '127.0.0.1',
    logger: recordingLogger(),
    codecs: ['json'],
    channels: { todos: defineSyncChannel({ initialState: {}, inputHandler: () => undefined }) },
  });
  try {
    const welcome = packed.frames.find((f) => f['type'] === 'welcome')!;
    assert.equal(welcome['codec'], 'msgpack');
    assert.deepEqual(welcome['features'], ['delta']);
    // From the welcome on, the client speaks MessagePack too.
    const { pack } = await import('msgpackr');
    packed.sendRaw(pack({ type: 'join', channel: 'todos', clientId: 'p', role: 'replica' }), true);
    await packed.next((f) => f['type'] === 'joined');
    await packed.next((f) => f['type'] === 'state');
    const before = packed.frames.length;
    packed.sendRaw(pack({ type: 'resync', channel: 'todos' }), true);
    await until(() => packed.frames.slice(before).some((f) => f['type'] === 'state'), 'a snapshot');
    packed.sendRaw(pack({ type: 'resync', channel: 'elsewhere' }), true);
    await packed.next((f) => f['type'] === 'error' && f['code'] === 'unknown-channel');

    unknown.send({ type: 'hello', protocol: 1, codecs: ['cbor'] });
    const closed = await unknown.closed;
    assert.equal(closed.code, 4000);
    assert.match(closed.reason, /codec json, msgpack; got codec cbor/);

    // A JSON-only server answers a client that prefers MessagePack in JSON, without deltas if not asked.
    const fallback = await TestClient.connect(`ws://127.0.0.1:${jsonOnly.port}/ballast-sync`, {
      hello: { type: 'hello', protocol: 1, codecs: ['msgpack', 'json'] },
    });
    const answer = fallback.frames.find((f) => f['type'] === 'welcome')!;
    assert.equal(answer['codec'], 'json');
    assert.deepEqual(answer['features'], []);
    await fallback.close();
  } finally {
    await packed.close();
    await server.close({ graceMs: 500 });
    await jsonOnly.close({ graceMs: 500 });
  }
});

test('a State that is not plain data is not published: the error names the channel and the path', async () => {
  const logger = recordingLogger();
  const server = await createSyncServer({
    port: 0,
    host: '127.0.0.1',
    logger,
    channels: {
      todos: defineSyncChannel<TodoInput, never, Todos & { readonly stamped?: unknown }>({
        initialState: { todos: [{ id: 'a', title: 'A', done: false }] },
        inputHandler: (input, scope) =>
          scope.updateState((s) =>
            input.type === 'Stamp' ? { ...s, stamped: new Date(0) } : { ...s, ...reduce(s, input) },
          ),
      }),
    },
  });
  const url = `ws://127.0.0.1:${server.port}/ballast-sync`;
  const client = await TestClient.connect(url, {
    hello: { type: 'hello', protocol: 1, features: ['delta'] },
  });
  try {
    await client.join('todos', 'r', 'replica');
    await client.next((f) => f['type'] === 'state');
    client.send({
      type: 'input',
      channel: 'todos',
      input: client.replicaInput('todos', 'r', { type: 'Stamp' }),
    });
    await until(() => logger.lines.length > 0, 'the error');
    assert.match(
      logger.lines[0] as string,
      /^ballast-sync: channel "todos" did not publish version \d+ of its State, which is not plain data: state\.stamped: a Date/,
    );
    assert.equal(server.stats().channels['todos']?.statesRefused, 1);
    const states = client.frames.filter((f) => f['type'] === 'state' || f['type'] === 'delta');
    assert.equal(states.length, 1); // only the State sent on join
    assert.ok(!JSON.stringify(client.frames).includes('stamped'));
  } finally {
    await client.close();
    await server.close({ graceMs: 500 });
  }
});

// Keep the types honest: a delta frame's `to` is an envelope without its `state`.
export type DeltaTo = Omit<SyncedState<Todos>, 'state'>;
