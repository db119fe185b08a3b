/*
 * Case 8 — WebSocket fan-out: ballast-sync-server (the BUILT packages, dist/ballast-sync-server on
 * dist/ballast-sync, in plain Node) against a raw `ws` broadcast loop (the floor) and socket.io
 * 4.8 broadcasting to a room, on loopback. Each side's server runs in its own
 * `node --expose-gc` process (bench/websocket/server.mjs) and its N clients in another
 * (bench/websocket/clients.mjs); this process only drives them over IPC and reads the clocks.
 *
 *   8a–8d  One State change fanned out to N = 100 and 1000 clients: from the change on the server
 *          (ours: a Source Input sent on the server) until the LAST client has it (median, p90).
 *   8e–8f  Inputs through one channel: one Replica streams Inputs (at most `window` unacknowledged)
 *          until the Source acknowledged the last one.
 *   8g–8h  Server memory per connected client: heap (and RSS) after connecting N = 1000 clients,
 *          minus before, after gc(), divided by N.
 *
 * The sides alternate (a rotating order per round), each round in fresh processes. Everything is
 * bounded: port 0, a timeout on every wait, every child killed at the end (even on failure), and a
 * watchdog that ends the case. BENCH_WS_PROFILE=<dir> runs our server with --cpu-prof into <dir>;
 * BENCH_WS_PACKAGES=<node_modules dir> measures other builds than dist/.
 */
import { join } from 'node:path';
import { builtServerPackages, type BuiltServerPackages } from '../lib/built-server-package';
import { root } from '../lib/built-package';
import { IpcChild, type ChildMessage } from '../lib/ipc-child';
import {
  median,
  percentile,
  progress,
  quick,
  ratio,
  round,
  timeSummary,
  writeOutput,
  type CaseResult,
  type Goal,
  type Measurement,
} from '../lib/results';

type Side = 'ours' | 'raw' | 'socketio';
const SIDES: readonly Side[] = ['ours', 'raw', 'socketio'];
const LABEL: Record<Side, string> = {
  ours: 'ballast-sync-server',
  raw: 'raw ws broadcast loop',
  socketio: 'socket.io 4.8.4 room broadcast',
};

const SETTINGS = quick
  ? {
      rounds: 1,
      fanOut: [
        { clients: 100, warmup: 10, samples: 30 },
        { clients: 1000, warmup: 10, samples: 20 },
      ],
      inputs: { rounds: 1, inputs: 2000, window: 500, runs: 3 },
      watchdogMs: 180_000,
    }
  : {
      rounds: 3,
      fanOut: [
        { clients: 100, warmup: 20, samples: 60 },
        { clients: 1000, warmup: 15, samples: 40 },
      ],
      inputs: { rounds: 2, inputs: 20_000, window: 500, runs: 4 },
      watchdogMs: 420_000,
    };
/** Quiet time after each sample, so that each change starts from an idle server. */
const PAUSE_MS = 15;
/** Clients that connect and leave before the server's "before" memory reading. */
const WARM_CLIENTS = 10;

const serverScript = join(root, 'bench/websocket/server.mjs');
const clientsScript = join(root, 'bench/websocket/clients.mjs');
const profileDir = process.env['BENCH_WS_PROFILE'];

/**
 * The built packages: dist/ (rebuilt when stale), or BENCH_WS_PACKAGES=<a node_modules folder
 * holding ballast-sync and ballast-sync-server> (another build, e.g. of another commit).
 */
function packagesUnderTest(): BuiltServerPackages {
  const given = process.env['BENCH_WS_PACKAGES'];
  if (!given) return builtServerPackages();
  return { modules: given, info: { packages_from: given }, remove: () => undefined };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Memory extends ChildMessage {
  readonly heapUsed: number;
  readonly rss: number;
  readonly external: number;
}

interface FanOutRun {
  readonly samples: number[];
  /** First client's arrival → last client's arrival (ms), per sample. */
  readonly spreads: number[];
  readonly frameBytes: number;
  readonly perClient: { heap: number; rss: number; external: number };
}

/** One side's server in its own process; resolves with it and its port. */
async function startServer(
  side: Side,
  modules: string,
  frameBytes: number,
): Promise<{ server: IpcChild; port: number }> {
  const args = side === 'ours' ? [side, modules] : [side];
  if (frameBytes) args.push(`--frame-bytes=${frameBytes}`);
  const nodeArgs = ['--expose-gc'];
  if (profileDir && side === 'ours') nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${profileDir}`);
  const server = new IpcChild(`${side} server`, serverScript, args, { cwd: root, nodeArgs });
  try {
    const { port } = await server.next<ChildMessage & { port: number }>('listening', 30_000);
    return { server, port };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

async function withProcesses<T>(
  side: Side,
  modules: string,
  frameBytes: number,
  body: (server: IpcChild, clients: IpcChild, port: number) => Promise<T>,
): Promise<T> {
  const { server, port } = await startServer(side, modules, frameBytes);
  const clients = new IpcChild(`${side} clients`, clientsScript, [], { cwd: root });
  try {
    await clients.next('ready', 30_000);
    return await body(server, clients, port);
  } finally {
    await Promise.all([clients.stop(), server.stop()]);
  }
}

async function fanOutRun(
  side: Side,
  modules: string,
  frameBytes: number,
  n: number,
  warmup: number,
  samples: number,
): Promise<FanOutRun> {
  return withProcesses(side, modules, frameBytes, async (server, clients, port) => {
    const memory = () => server.request<Memory>({ cmd: 'memory' }, 'memory', 30_000);
    await clients.request({ cmd: 'warm', side, port, n: WARM_CLIENTS }, 'warmed', 30_000);
    await sleep(300);
    const before = await memory();
    await clients.request({ cmd: 'open', side, port, n }, 'opened', 120_000);
    await sleep(500);
    const after = await memory();
    const times: number[] = [];
    const spreads: number[] = [];
    let bytes = 0;
    for (let k = 1; k <= warmup + samples; k++) {
      await clients.request({ cmd: 'expect', k }, 'expecting', 10_000);
      server.send({ cmd: 'change', k });
      const received = await clients.next<
        ChildMessage & { first: string; last: string; bytes: number }
      >('received', 20_000);
      const { t0, bytes: sent } = await server.request<
        ChildMessage & { t0: string; bytes: number }
      >({ cmd: 't0', k }, 't0', 10_000);
      if (k > warmup) {
        times.push(Number(BigInt(received.last) - BigInt(t0)) / 1e6);
        spreads.push(Number(BigInt(received.last) - BigInt(received.first)) / 1e6);
      }
      // Ours: as received (the clients measure); the baselines: the JSON the server serialized.
      bytes = side === 'ours' ? received.bytes : sent;
      await sleep(PAUSE_MS);
    }
    return {
      samples: times,
      spreads,
      frameBytes: bytes,
      perClient: {
        heap: (after.heapUsed - before.heapUsed) / n,
        rss: (after.rss - before.rss) / n,
        external: (after.external - before.external) / n,
      },
    };
  });
}

async function inputRuns(side: Side, modules: string): Promise<number[]> {
  const { inputs, window, runs } = SETTINGS.inputs;
  return withProcesses(side, modules, 0, async (_server, clients, port) => {
    const { durations } = await clients.request<ChildMessage & { durations: number[] }>(
      { cmd: 'replica', side, port, inputs, window, runs: runs + 1, timeoutMs: 60_000 },
      'replica',
      (runs + 1) * 60_000 + 10_000,
    );
    return durations.slice(1); // the first run warms up
  });
}

/** The rounds' sides, in a rotating order so that drift affects every side alike. */
function order(round: number): Side[] {
  return SIDES.map((_, i) => SIDES[(i + round) % SIDES.length] as Side);
}

const fanOutSummary = (runs: FanOutRun[], n: number): Measurement =>
  timeSummary(
    runs.flatMap((r) => r.samples),
    {
      clients: n,
      frame_bytes: runs[0]?.frameBytes ?? 0,
      spread_median_ms: round(median(runs.flatMap((r) => r.spreads))),
      rounds: runs.length,
    },
  );

function memorySummary(runs: FanOutRun[], n: number): Measurement {
  const heap = runs.map((r) => r.perClient.heap);
  const rss = runs.map((r) => r.perClient.rss);
  const external = runs.map((r) => r.perClient.external);
  return {
    median_bytes: Math.round(median(heap)),
    min_bytes: Math.round(Math.min(...heap)),
    max_bytes: Math.round(Math.max(...heap)),
    rss_median_bytes: Math.round(median(rss)),
    external_median_bytes: Math.round(median(external)),
    samples: heap.length,
    clients: n,
  };
}

function inputSummary(durations: number[]): Measurement {
  const { inputs, window } = SETTINGS.inputs;
  const ms = median(durations);
  return {
    ...timeSummary(durations),
    inputs_per_run: inputs,
    window,
    inputs_per_second: Math.round((inputs / ms) * 1000),
  };
}

async function main(): Promise<void> {
  const watchdog = setTimeout(() => {
    progress(`case 8: over its ${SETTINGS.watchdogMs / 1000} s limit; stopping`);
    process.exit(1); // ipc-child kills every child on exit
  }, SETTINGS.watchdogMs);
  const packages = packagesUnderTest();
  const fanOut = new Map<string, FanOutRun[]>();
  const inputs = new Map<Side, number[]>();
  let frameBytes = 0;
  try {
    for (const { clients: n, warmup, samples } of SETTINGS.fanOut) {
      for (let r = 0; r < SETTINGS.rounds; r++) {
        // Ours first in the first round: its State frame's size is what the others send.
        for (const side of order(r)) {
          progress(`case 8: fan-out to ${n} clients, ${LABEL[side]} (round ${r + 1})`);
          const run = await fanOutRun(side, packages.modules, frameBytes, n, warmup, samples);
          if (side === 'ours' && !frameBytes) frameBytes = run.frameBytes;
          const key = `${side}:${n}`;
          fanOut.set(key, [...(fanOut.get(key) ?? []), run]);
        }
      }
    }
    for (let r = 0; r < SETTINGS.inputs.rounds; r++) {
      for (const side of order(r)) {
        progress(`case 8: Inputs through one channel, ${LABEL[side]} (round ${r + 1})`);
        inputs.set(side, [
          ...(inputs.get(side) ?? []),
          ...(await inputRuns(side, packages.modules)),
        ]);
      }
    }
  } finally {
    packages.remove();
    clearTimeout(watchdog);
  }

  const cases: CaseResult[] = [];
  const fanOutNote = (n: number) =>
    `From the change on the server until the last of ${n} clients (another process, one event ` +
    'loop, loopback) has the State and parsed it; one CLOCK_MONOTONIC for both processes. Ours: a ' +
    'Source Input sent on the server (channel interceptor) → publication → one `state` frame; ' +
    'clients are raw-protocol Spectators. Same frame bytes on every side (see frame_bytes).';
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  let letter = 0;
  for (const { clients: n } of SETTINGS.fanOut) {
    const ours = fanOutSummary(fanOut.get(`ours:${n}`) ?? [], n);
    for (const base of ['raw', 'socketio'] as const) {
      const baseline = fanOutSummary(fanOut.get(`${base}:${n}`) ?? [], n);
      const oursMs = ours.median_ms as number;
      const baseMs = baseline.median_ms as number;
      let goal: Goal | undefined;
      if (n === 1000 && base === 'raw')
        goal = { text: 'ours ≤ 1.3× raw ws (N = 1000)', met: oursMs / baseMs <= 1.3 };
      if (n === 1000 && base === 'socketio')
        goal = { text: 'ahead of socket.io (N = 1000)', met: oursMs < baseMs };
      cases.push({
        name: `8${letters[letter++]} WebSocket fan-out, N = ${n}: last client has the State (ours vs ${base === 'raw' ? 'raw ws' : 'socket.io'})`,
        baseline: LABEL[base],
        unit: 'ms',
        ours,
        base: baseline,
        ratio: ratio(oursMs, baseMs),
        derived: {
          ours_p90_ms: ours['p90_ms'] as number,
          base_p90_ms: baseline['p90_ms'] as number,
          p90_ratio: ratio(ours['p90_ms'] as number, baseline['p90_ms'] as number),
        },
        ...(goal ? { goal } : {}),
        notes: fanOutNote(n),
      });
    }
  }
  const oursInputs = inputSummary(inputs.get('ours') ?? []);
  for (const base of ['raw', 'socketio'] as const) {
    const baseline = inputSummary(inputs.get(base) ?? []);
    const perInput = (m: Measurement) =>
      round(((m.median_ms as number) * 1000) / SETTINGS.inputs.inputs, 4);
    cases.push({
      name: `8${letters[letter++]} Inputs through one channel, one Replica (ours vs ${base === 'raw' ? 'raw ws' : 'socket.io'})`,
      baseline: `${LABEL[base]}: parse, apply, acknowledge once per event-loop turn`,
      unit: 'ms',
      ours: oursInputs,
      base: baseline,
      ratio: ratio(oursInputs.median_ms as number, baseline.median_ms as number),
      derived: {
        ours_us: perInput(oursInputs),
        base_us: perInput(baseline),
        ours_inputs_per_second: oursInputs['inputs_per_second'] as number,
        base_inputs_per_second: baseline['inputs_per_second'] as number,
      },
      notes:
        `A run: ${SETTINGS.inputs.inputs} Inputs from one Replica (client process), at most ` +
        `${SETTINGS.inputs.window} unacknowledged, until the State acknowledging the last one ` +
        'arrives. Ours with the rate limit raised (the default 100/s would be the measure).',
    });
  }
  const memoryN = 1000;
  const oursMemory = memorySummary(fanOut.get(`ours:${memoryN}`) ?? [], memoryN);
  for (const base of ['raw', 'socketio'] as const) {
    const baseline = memorySummary(fanOut.get(`${base}:${memoryN}`) ?? [], memoryN);
    cases.push({
      name: `8${letters[letter++]} Server memory per connected client, N = ${memoryN} (ours vs ${base === 'raw' ? 'raw ws' : 'socket.io'})`,
      baseline: LABEL[base],
      unit: 'bytes',
      ours: oursMemory,
      base: baseline,
      ratio: ratio(oursMemory.median_bytes as number, baseline.median_bytes as number),
      derived: {
        ours_kib_for_1000_replicas: round(((oursMemory.median_bytes as number) * 1000) / 1024, 4),
        base_kib_for_1000_replicas: round(((baseline.median_bytes as number) * 1000) / 1024, 4),
        ours_rss_bytes_per_client: oursMemory['rss_median_bytes'] as number,
        base_rss_bytes_per_client: baseline['rss_median_bytes'] as number,
      },
      notes:
        'Server process only: heap used after gc() with N clients connected (ours: joined as ' +
        'Spectators and sent the State) minus before, / N; RSS delta in rss_median_bytes.',
    });
  }
  writeOutput({
    cases,
    info: {
      websocket_fan_out: {
        packages: 'built: dist/ballast-sync-server on dist/ballast-sync',
        ...packages.info,
        frame_bytes: frameBytes,
        p90_note: 'p90 over every sample of every round',
        spread_p90_ms: Object.fromEntries(
          [...fanOut].map(([key, runs]) => [
            key,
            round(
              percentile(
                runs.flatMap((r) => r.spreads),
                90,
              ),
            ),
          ]),
        ),
      },
    },
  });
}

main().catch((error: unknown) => {
  progress(`case 8 failed: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
