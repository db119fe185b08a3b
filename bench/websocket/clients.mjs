// The client side of case 8 (WebSocket fan-out): N sockets in one plain `node` process, separate
// from the server's, started by bench/cases/websocket-fan-out.ts and driven over the IPC channel.
//
//   ours      raw `ws` sockets speaking docs/PROTOCOL.md: hello, then join channel "bench" as a
//             Spectator (one participant per socket); each `state` frame is JSON.parse'd, as
//             WebSocketSyncTransport does before the core sees it;
//   raw       raw `ws` sockets; each frame is JSON.parse'd the same way;
//   socketio  socket.io-client sockets (WebSocket transport only, one Manager each, no
//             reconnection), in the room "bench"; socket.io decodes each packet itself.
//
// Every client stamps (process.hrtime.bigint(), shared by every process of the machine) the
// arrival of the State carrying the expected `seq`; when the last of the N has it, the process
// reports the first and last stamps. Nothing is sent to the harness before the last arrival, so
// the report's own hop is outside the measured time, alike on every side.
import { io } from 'socket.io-client';
import { WebSocket } from 'ws';

const CHANNEL = 'bench';
const reply = (message) => process.send(message);
const fail = (error) => reply({ type: 'error', message: String(error?.stack ?? error) });

/** Resolves `promise`, or rejects after `ms` saying what did not happen. */
function within(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** What every client does with a State that arrives (the fan-out measurement). */
const expecting = { k: -1, received: 0, first: 0n, last: 0n, bytes: 0 };
let clientCount = 0;

function arrived(seq, bytes) {
  if (seq !== expecting.k) return;
  const now = process.hrtime.bigint();
  if (expecting.received++ === 0) {
    expecting.first = now;
    expecting.bytes = bytes;
  }
  if (expecting.received === clientCount) {
    expecting.last = now;
    reply({
      type: 'received',
      k: expecting.k,
      first: String(expecting.first),
      last: String(expecting.last),
      bytes: expecting.bytes,
    });
  }
}

/** A `state` frame's `seq`, or undefined. */
const seqOf = (frame) => (frame?.type === 'state' ? frame.state?.state?.seq : undefined);

/** One socket of `side`; `onState(frame, bytes)` sees every State. Resolves once it has one. */
async function connect(side, port, id, onState) {
  if (side === 'socketio') {
    const socket = io(`http://127.0.0.1:${port}`, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      timeout: 10_000,
    });
    const ready = new Promise((resolve, reject) => {
      socket.once('state', () => resolve());
      socket.once('connect_error', reject);
    });
    socket.on('state', (frame) => onState(frame, 0));
    await ready;
    return {
      emit: (frame) => socket.emit('input', frame),
      close: () => socket.disconnect(),
    };
  }
  const url = side === 'ours' ? `ws://127.0.0.1:${port}/ballast-sync` : `ws://127.0.0.1:${port}/`;
  const role = id.startsWith('replica') ? 'replica' : 'spectator';
  const socket = new WebSocket(url, { perMessageDeflate: false });
  socket.on('error', () => undefined);
  const ready = new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.once('close', (code) => reject(new Error(`socket ${id} closed (${code})`)));
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString());
      if (frame.type === 'welcome')
        socket.send(JSON.stringify({ type: 'join', channel: CHANNEL, clientId: id, role }));
      else if (frame.type === 'state') {
        resolve();
        onState(frame, data.length);
      } else if (frame.type === 'error') reject(new Error(`server error: ${frame.message}`));
    });
  });
  if (side === 'ours') socket.once('open', () => socket.send('{"type":"hello","protocol":1}'));
  await ready;
  return {
    emit: (frame) => socket.send(JSON.stringify(frame)),
    close: () => socket.terminate(),
  };
}

const fanOutClients = [];

/** Opens `n` fan-out clients, `parallel` handshakes at a time. */
async function open(side, port, n, prefix) {
  const opened = [];
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const id = `${prefix}-${next++}`;
      opened.push(
        await within(
          connect(side, port, id, (frame, bytes) => arrived(seqOf(frame), bytes)),
          10_000,
          `connecting ${id}`,
        ),
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(50, n) }, worker));
  return opened;
}

/**
 * One Replica sends `inputs` Inputs per run, keeping at most `window` unacknowledged (as a Replica
 * with a bounded pending queue does), and stops the run's clock when the Source acknowledged the
 * last one. Returns each run's duration (ms).
 */
async function replicaRuns(side, port, { inputs, window, runs, timeoutMs }) {
  const incarnation = `replica-inc-${process.pid}`;
  const clientId = `replica-${process.pid}`;
  let to = 'unknown';
  let seen = 0;
  let acknowledged = 0;
  let wake = () => undefined;
  const client = await within(
    connect(side, port, clientId, (frame) => {
      const state = frame.state;
      to = state.incarnation;
      seen = state.version;
      const ack = state.acks?.[incarnation];
      if (ack !== undefined && ack > acknowledged) {
        acknowledged = ack;
        wake();
      }
    }),
    10_000,
    'connecting the Replica',
  );
  const durations = [];
  let seq = 0;
  try {
    for (let run = 0; run < runs; run++) {
      const last = seq + inputs;
      const started = process.hrtime.bigint();
      await within(
        new Promise((resolve) => {
          const pump = () => {
            while (seq < last && seq - acknowledged < window) {
              seq++;
              client.emit({
                type: 'input',
                channel: CHANNEL,
                input: {
                  protocol: 1,
                  id: `${incarnation}:${seq}`,
                  clientId,
                  incarnation,
                  seq,
                  firstUnacknowledged: acknowledged + 1,
                  to,
                  seen,
                  input: { type: 'add', by: 1 },
                },
              });
            }
            if (acknowledged >= last) resolve();
          };
          wake = pump;
          pump();
        }),
        timeoutMs,
        `the Source acknowledging ${inputs} Inputs`,
      );
      durations.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  } finally {
    wake = () => undefined;
    client.close();
  }
  return durations;
}

process.on('message', (message) => {
  const { cmd } = message;
  const run = async () => {
    if (cmd === 'warm') {
      // A few clients connect and leave, so that the server's first-connection costs (lazy
      // modules, compiled code) are paid before its memory is measured.
      const warm = await open(message.side, message.port, message.n, 'warm');
      for (const client of warm) client.close();
      return reply({ type: 'warmed' });
    }
    if (cmd === 'open') {
      fanOutClients.push(...(await open(message.side, message.port, message.n, 'spectator')));
      clientCount = fanOutClients.length;
      return reply({ type: 'opened', clients: clientCount });
    }
    if (cmd === 'expect') {
      Object.assign(expecting, { k: message.k, received: 0, first: 0n, last: 0n, bytes: 0 });
      return reply({ type: 'expecting', k: message.k });
    }
    if (cmd === 'replica') {
      const durations = await replicaRuns(message.side, message.port, message);
      return reply({ type: 'replica', durations });
    }
    if (cmd === 'exit') {
      for (const client of fanOutClients) client.close();
      process.exit(0);
    }
  };
  run().catch(fail);
});
process.on('disconnect', () => process.exit(0));
reply({ type: 'ready' });
