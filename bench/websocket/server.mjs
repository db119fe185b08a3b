// The server side of case 8 (WebSocket fan-out), in its own plain `node --expose-gc` process so that
// its memory is its own and a CPU profile (--cpu-prof) holds nothing else. Started by
// bench/cases/websocket-fan-out.ts, which talks to it over the IPC channel:
//
//   node --expose-gc bench/websocket/server.mjs ours <node_modules dir with the built packages>
//   node --expose-gc bench/websocket/server.mjs raw
//   node --expose-gc bench/websocket/server.mjs socketio
//
// All three serve one channel "bench" on 127.0.0.1, port 0, and hold the same State (see
// benchState). A change (`{ cmd: 'change', k }`) sets `seq: k` in the State and publishes it to
// every connected client:
//   ours      a Source Input sent on the server, through an interceptor of the channel's Source
//             ViewModel (scope.sendToQueue), which ballast-sync-server fans out as a `state` frame;
//   raw       JSON.stringify of a frame of the same shape and size, once, then ws.send of those
//             bytes to every socket (the floor);
//   socketio  io.to('bench').emit('state', frame) with that same frame object.
// The clock starts (process.hrtime.bigint(), CLOCK_MONOTONIC, shared by every process of the
// machine) just before the change; the harness asks for it afterwards (`t0`), so no IPC message
// is sent while the fan-out is under way. Replicas' Inputs ({ by }) add to `count` on every side.
import { createServer } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Server as SocketIoServer } from 'socket.io';
import { WebSocketServer } from 'ws';

const [side, modulesDir] = process.argv.slice(2);
if (!['ours', 'raw', 'socketio'].includes(side ?? '') || (side === 'ours' && !modulesDir)) {
  console.error('usage: node --expose-gc server.mjs ours <node_modules dir> | raw | socketio');
  process.exit(2);
}
if (typeof process.send !== 'function') {
  console.error('server.mjs runs as a child process with an IPC channel');
  process.exit(2);
}

const CHANNEL = 'bench';

/** The State every side holds (about 1 KiB of JSON): a todo list, `seq` (the change) and `count`. */
function benchState(seq) {
  return {
    seq,
    count: 0,
    title: 'Groceries and chores for the week',
    items: Array.from({ length: 12 }, (_, i) => ({
      id: `item-${String(i).padStart(3, '0')}`,
      title: `Todo item number ${i}, with a short description`,
      done: i % 3 === 0,
    })),
  };
}

const reply = (message) => process.send(message);
const t0s = new Map();

/** A fresh id of `length` characters (the baselines' stand-in for ours' sourceId). */
const filler = (length) => 'x'.repeat(Math.max(1, length));

/**
 * The baselines' publication: the same shape as ours' `state` frame
 * ({ type, channel, state: SyncedState }), its `sourceId` padded so that the JSON has exactly
 * `frameBytes` bytes (the size ours' frame had, measured by the harness), when given.
 */
class BaselineSource {
  constructor(frameBytes) {
    this.frameBytes = frameBytes;
    this.state = benchState(0);
    this.version = 1;
    this.acks = {};
    this.incarnation = 'baseline-incarnation';
    this.sourceId = 'baseline-source';
    this.scheduled = false;
    this.sized = false;
  }

  /** The frame object of the current State (not serialized: each side serializes it once). */
  frame() {
    const state = {
      protocol: 1,
      sourceId: this.sourceId,
      incarnation: this.incarnation,
      version: this.version,
      state: this.state,
      acks: this.acks,
    };
    return { type: 'state', channel: CHANNEL, state };
  }

  /**
   * Before the clock starts: the next State. At the first change, sizes the filler so that the
   * frame has `frameBytes` bytes (ours' first frame); later frames grow with `seq` and `version`
   * digit by digit, as ours' do.
   */
  prepare(k) {
    this.state = { ...this.state, seq: k };
    this.version++;
    if (!this.frameBytes || this.sized) return;
    this.sized = true;
    this.sourceId = 'x';
    const bytes = Buffer.byteLength(JSON.stringify(this.frame()));
    this.sourceId = filler(1 + this.frameBytes - bytes);
  }

  /** A Replica's Input: applied, acknowledged in the next publication (one per event-loop turn). */
  input(frame, publish) {
    const envelope = frame?.input;
    if (frame?.type !== 'input' || typeof envelope?.seq !== 'number') return;
    this.state = { ...this.state, count: this.state.count + envelope.input.by };
    this.acks[envelope.incarnation] = envelope.seq;
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.version++;
      publish(this.frame());
      this.acks = {};
    });
  }
}

async function startOurs() {
  const load = (path) => import(pathToFileURL(join(modulesDir, path)).href);
  const { createSyncServer, defineSyncChannel } = await load(
    'ballast-sync-server/lib/public-api.js',
  );
  const { fifo } = await load('ballast-sync/fesm2022/ballast-sync-core.mjs');
  let scope;
  const channel = defineSyncChannel({
    initialState: benchState(0),
    inputStrategy: fifo(),
    inputHandler: (input, handler) =>
      handler.updateState((state) =>
        input.type === 'set'
          ? { ...state, seq: input.seq }
          : { ...state, count: state.count + input.by },
      ),
    // The app's own hook into its server-side Source: here, to send it Inputs on the server.
    interceptors: [
      { name: 'bench-trigger', start: (interceptorScope) => void (scope = interceptorScope) },
    ],
  });
  const server = await createSyncServer({
    port: 0,
    host: '127.0.0.1',
    channels: { [CHANNEL]: channel },
    // The default (100 Inputs per second per connection) would be what the Inputs row measures.
    limits: { inputsPerSecond: 1e9, inputBurst: 1e9 },
  });
  if (!scope) throw new Error('the channel interceptor did not start');
  return {
    port: server.port,
    change(k) {
      const t0 = process.hrtime.bigint();
      void scope.sendToQueue({ type: 'input', input: { type: 'set', seq: k } });
      return t0;
    },
    stats: () => server.stats(),
    close: () => server.close({ graceMs: 2000 }),
  };
}

function listening(http) {
  return new Promise((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, '127.0.0.1', () => resolve(http.address().port));
  });
}

async function startRaw(frameBytes) {
  const source = new BaselineSource(frameBytes);
  const sockets = new Set();
  const http = createServer();
  const wss = new WebSocketServer({
    server: http,
    perMessageDeflate: false,
    clientTracking: false,
    maxPayload: 1024 * 1024,
  });
  const publish = (frame) => {
    const bytes = Buffer.from(JSON.stringify(frame));
    for (const socket of sockets) socket.send(bytes, { binary: false });
  };
  wss.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.on('message', (data) => source.input(JSON.parse(data.toString()), publish));
    socket.send(JSON.stringify(source.frame()));
  });
  const port = await listening(http);
  return {
    port,
    prepare: (k) => source.prepare(k),
    change() {
      const t0 = process.hrtime.bigint();
      publish(source.frame());
      return t0;
    },
    frameBytes: () => Buffer.byteLength(JSON.stringify(source.frame())),
    stats: () => ({ connections: sockets.size }),
    close: async () => {
      for (const socket of sockets) socket.terminate();
      wss.close();
      http.closeAllConnections();
      await new Promise((resolve) => http.close(() => resolve()));
    },
  };
}

async function startSocketIo(frameBytes) {
  const source = new BaselineSource(frameBytes);
  const http = createServer();
  const io = new SocketIoServer(http, {
    serveClient: false,
    transports: ['websocket'],
    perMessageDeflate: false,
    maxHttpBufferSize: 1024 * 1024,
  });
  const publish = (frame) => io.to(CHANNEL).emit('state', frame);
  io.on('connection', (socket) => {
    void socket.join(CHANNEL);
    socket.on('input', (frame) => source.input(frame, publish));
    socket.emit('state', source.frame());
  });
  const port = await listening(http);
  return {
    port,
    prepare: (k) => source.prepare(k),
    change() {
      const t0 = process.hrtime.bigint();
      publish(source.frame());
      return t0;
    },
    frameBytes: () => Buffer.byteLength(JSON.stringify(source.frame())),
    stats: () => ({ connections: io.of('/').sockets.size }),
    close: async () => {
      io.disconnectSockets(true);
      http.closeAllConnections();
      await new Promise((resolve) => io.close(() => resolve()));
    },
  };
}

function memory() {
  globalThis.gc();
  globalThis.gc();
  const usage = process.memoryUsage();
  return {
    heapUsed: usage.heapUsed,
    rss: usage.rss,
    external: usage.external,
    arrayBuffers: usage.arrayBuffers,
  };
}

const frameBytesArg = process.argv.find((a) => a.startsWith('--frame-bytes='));
const frameBytes = frameBytesArg ? Number(frameBytesArg.slice('--frame-bytes='.length)) : 0;
const server =
  side === 'ours'
    ? await startOurs()
    : side === 'raw'
      ? await startRaw(frameBytes)
      : await startSocketIo(frameBytes);

process.on('message', (message) => {
  switch (message.cmd) {
    case 'memory':
      return reply({ type: 'memory', ...memory() });
    case 'change':
      // Sizing the baselines' filler is the harness's business: done before the clock starts.
      server.prepare?.(message.k);
      t0s.set(message.k, server.change(message.k));
      return;
    case 't0':
      // After the fact: the bytes of the baselines' frame (socket.io adds its own framing).
      return reply({
        type: 't0',
        k: message.k,
        t0: String(t0s.get(message.k)),
        bytes: server.frameBytes?.() ?? 0,
      });
    case 'stats':
      return reply({ type: 'stats', stats: server.stats() });
    case 'exit':
      // A normal exit, so that --cpu-prof writes its profile.
      void server.close().finally(() => process.exit(0));
      setTimeout(() => process.exit(0), 3000).unref();
      return;
  }
});
process.on('disconnect', () => process.exit(0));
reply({ type: 'listening', port: server.port });
