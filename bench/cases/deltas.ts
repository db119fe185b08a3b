/*
 * Case 9 — deltas (issue 15): a State of N todos (≈100 bytes each: 100 ≈ 10 KB, 1 000 ≈ 100 KB,
 * 10 000 ≈ 1 MB) and four edits made immutably (toggle one, rename one, insert one in the middle,
 * remove one). For each: bytes on the wire per change and CPU time, for
 * - ours: `diffStates` + the `delta` frame encoded at the Source, and decoding it + `applyDelta`
 *   at a Replica (JSON codec; the MessagePack frame's size is in `derived`);
 * - base: the full `state` frame (what every change cost before): JSON.stringify at the Source,
 *   JSON.parse at a Replica;
 * - fast-json-patch `compare` (a deep diff of the two States) in `derived`, for the diff time.
 *   jsondiffpatch is not installed here: not measured.
 * Goals (issue 15): ≥ 50× fewer bytes than the full State for a one-field change of the 100 KB
 * State (checked from 1 000 todos up; at 10 KB the ≈250-byte envelope caps the gain near 30×);
 * diff time independent of the State's size (compare the rows of one edit across sizes: it grows
 * only by one reference comparison per element of the changed array).
 */
import { compare } from 'fast-json-patch';
import { Packr } from 'msgpackr';
import {
  applyDelta,
  diffStates,
  SYNC_PROTOCOL_VERSION,
  type SyncedState,
} from '../../projects/ballast-sync/core/src/public-api';
import {
  atMost,
  median,
  progress,
  quick,
  ratio,
  round,
  writeOutput,
  type CaseResult,
} from '../lib/results';

interface Todo {
  readonly id: string;
  readonly title: string;
  readonly done: boolean;
  readonly tags: readonly string[];
}
interface Todos {
  readonly todos: readonly Todo[];
  readonly filter: string;
}

const SIZES = [100, 1_000, 10_000];
const packr = new Packr({ useRecords: false });

function makeState(n: number): Todos {
  return {
    filter: 'all',
    todos: Array.from({ length: n }, (_, i) => ({
      id: `todo-${i}`,
      title: `Todo number ${i}: buy milk`,
      done: i % 3 === 0,
      tags: ['home'],
    })),
  };
}

const EDITS: Record<string, (s: Todos) => Todos> = {
  'toggle one': (s) => {
    const todos = s.todos.slice();
    const i = todos.length >> 2;
    todos[i] = { ...(todos[i] as Todo), done: !todos[i]?.done };
    return { ...s, todos };
  },
  'rename one': (s) => {
    const todos = s.todos.slice();
    const i = todos.length >> 1;
    todos[i] = { ...(todos[i] as Todo), title: 'Renamed todo' };
    return { ...s, todos };
  },
  'insert one in the middle': (s) => {
    const todos = s.todos.slice();
    todos.splice(todos.length >> 1, 0, { id: 'new', title: 'A new one', done: false, tags: [] });
    return { ...s, todos };
  },
  'remove one': (s) => ({ ...s, todos: s.todos.filter((_, i) => i !== s.todos.length >> 1) }),
};

const envelope = (version: number, state: Todos): SyncedState<Todos> => ({
  protocol: SYNC_PROTOCOL_VERSION,
  sourceId: 'source-4q0v1c7',
  incarnation: 'incarnation-0vtqvac',
  version,
  state,
  acks: { 'replica-9fz3k': version },
});

/** Median ms per call of `fn`, over batches sized to last ≈ 5 ms. */
function time(fn: () => unknown): { median_ms: number; samples: number } {
  let batch = 1;
  for (;;) {
    const start = performance.now();
    for (let i = 0; i < batch; i++) fn();
    if (performance.now() - start > 5 || batch > 1 << 16) break;
    batch *= 2;
  }
  const samples: number[] = [];
  for (let s = 0; s < (quick ? 5 : 25); s++) {
    const start = performance.now();
    for (let i = 0; i < batch; i++) fn();
    samples.push((performance.now() - start) / batch);
  }
  return { median_ms: round(median(samples)), samples: samples.length };
}

const cases: CaseResult[] = [];
for (const n of SIZES) {
  const before = envelope(1, makeState(n));
  for (const [edit, change] of Object.entries(EDITS)) {
    const after = envelope(2, change(before.state));
    const { state: _state, ...to } = after;
    const deltaFrame = (ops: unknown) => ({
      type: 'delta',
      channel: 'todos',
      from: { incarnation: before.incarnation, version: 1 },
      to,
      ops,
    });
    const stateFrame = { type: 'state', channel: 'todos', state: after };
    const deltaJson = JSON.stringify(deltaFrame(diffStates(before.state, after.state)));
    const stateJson = JSON.stringify(stateFrame);
    const deltaBytes = Buffer.byteLength(deltaJson);
    const stateBytes = Buffer.byteLength(stateJson);
    const received = JSON.parse(deltaJson) as { ops: Parameters<typeof applyDelta>[1] };
    if (JSON.stringify(applyDelta(before.state, received.ops)) !== JSON.stringify(after.state))
      throw new Error(`deltas: ${edit} at ${n} todos does not round-trip`);

    const sourceOurs = time(() =>
      JSON.stringify(deltaFrame(diffStates(before.state, after.state))),
    );
    const replicaOurs = time(() =>
      applyDelta(before.state, (JSON.parse(deltaJson) as typeof received).ops),
    );
    const sourceFull = time(() => JSON.stringify(stateFrame));
    const replicaFull = time(() => JSON.parse(stateJson));
    const deepDiff = time(() => compare(before.state, after.state));
    const diffOnly = time(() => diffStates(before.state, after.state));
    const kb = Math.round(stateBytes / 1000);
    progress(`${edit}, ${n} todos (${kb} KB): ${deltaBytes} vs ${stateBytes} bytes`);
    cases.push({
      name: `9 deltas: ${edit}, ${n} todos (${kb} KB State)`,
      baseline: 'the full State frame (JSON)',
      unit: 'bytes',
      ours: {
        median_bytes: deltaBytes,
        samples: 1,
        msgpack_bytes: packr.pack(deltaFrame(diffStates(before.state, after.state))).length,
      },
      base: {
        median_bytes: stateBytes,
        samples: 1,
        msgpack_bytes: packr.pack(stateFrame).length,
      },
      ratio: ratio(deltaBytes, stateBytes),
      derived: {
        // CPU per change, Source + one Replica (the report's "per unit" column).
        ours_us: round((sourceOurs.median_ms + replicaOurs.median_ms) * 1000, 3),
        base_us: round((sourceFull.median_ms + replicaFull.median_ms) * 1000, 3),
        'fewer bytes (×)': round(stateBytes / deltaBytes, 3),
        'source µs, ours (diff + encode)': round(sourceOurs.median_ms * 1000, 3),
        'source µs, full (encode)': round(sourceFull.median_ms * 1000, 3),
        'replica µs, ours (decode + apply)': round(replicaOurs.median_ms * 1000, 3),
        'replica µs, full (decode)': round(replicaFull.median_ms * 1000, 3),
        'diffStates µs': round(diffOnly.median_ms * 1000, 3),
        'fast-json-patch compare µs': round(deepDiff.median_ms * 1000, 3),
      },
      goal:
        n >= 1_000 && (edit === 'toggle one' || edit === 'rename one')
          ? atMost(deltaBytes, stateBytes / 50, '≥ 50× fewer bytes than the full State')
          : undefined,
    });
  }
}
writeOutput({
  cases,
  info: { deltas: 'jsondiffpatch not installed: not compared' },
});
