/*
 * Case 2 — in-memory fan-out: one Source and R Replicas on one InMemorySyncAdapter. 10 000 Inputs
 * are sent the way users would: trySend on the Replicas, round-robin, one Input per event-loop turn
 * (setImmediate). After every turn the harness reads every Replica's State (what a render pass
 * does); a sample ends when every Replica equals the Source and the Source holds all 10 000.
 *
 * Baseline: R `computed` signals reading one shared `signal` that receives the same updates, read
 * after every turn in the same loop (what sharing one service costs).
 *
 * Case 2b — latency of one Input, without coalescing: one Replica sends one Input and the clock
 * stops when every Replica's State (observed as SyncViewModel observes it) shows it; the next
 * Input goes only then. Baseline: signal.update, then every computed() read.
 */
import { computed, signal, type Signal, type WritableSignal } from '@angular/core';
import { Bench } from 'tinybench';
import { InMemorySyncAdapter } from '../../projects/ballast-sync/core/src/public-api';
import {
  syncedCounterViewModel,
  type CounterInput,
  type CounterState,
  type CounterViewModel,
} from '../lib/counter';
import {
  macrotask,
  progress,
  quick,
  ratio,
  round,
  task,
  taskSummary,
  timeSummary,
  turn,
  writeOutput,
  type CaseResult,
} from '../lib/results';

const INPUTS = quick ? 2_000 : 10_000;
const REPLICA_COUNTS = [1, 10, 100, 1000];
/** A sample that has not converged after this long has lost an Input: fail loudly, never hang. */
const TIMEOUT_MS = 120_000;

/** What the sending loop drives: ours (a sync channel) or the baseline (one shared signal). */
interface FanOut {
  /** The value every replica must reach. */
  total(): number;
  /** Sends one Input from replica `index`. */
  send(index: number): void;
  /** Reads every replica's view; returns how many show `target`. */
  readAll(target: number): number;
  dispose(): void;
}

class SyncChannel implements FanOut {
  readonly adapter = new InMemorySyncAdapter<CounterInput, never, CounterState>();
  readonly source: CounterViewModel;
  readonly replicas: CounterViewModel[];
  /** States the Source published (a publication reaches every Replica). */
  published = 0;

  constructor(replicaCount: number) {
    this.source = syncedCounterViewModel(this.adapter, 'source', (connection) =>
      connection
        .observeSyncNotifications()
        .subscribe((n) => n.type === 'StatePublished' && this.published++),
    );
    this.replicas = Array.from({ length: replicaCount }, () =>
      syncedCounterViewModel(this.adapter, 'replica'),
    );
  }

  total(): number {
    return this.source.getCurrentState().count;
  }

  send(index: number): void {
    (this.replicas[index] as CounterViewModel).trySend({ type: 'Increment', by: 1 });
  }

  readAll(target: number): number {
    let equal = 0;
    for (const replica of this.replicas) if (replica.getCurrentState().count === target) equal++;
    return equal;
  }

  dispose(): void {
    for (const replica of this.replicas) replica.clear();
    this.source.clear();
  }
}

class SharedSignal implements FanOut {
  readonly shared: WritableSignal<CounterState> = signal({ count: 0 });
  readonly views: Signal<number>[];

  constructor(replicaCount: number) {
    this.views = Array.from({ length: replicaCount }, () => computed(() => this.shared().count));
  }

  total(): number {
    return this.shared().count;
  }

  send(): void {
    this.shared.update((state) => ({ count: state.count + 1 }));
  }

  readAll(target: number): number {
    let equal = 0;
    for (const view of this.views) if (view() === target) equal++;
    return equal;
  }

  dispose(): void {
    // Nothing to release: the signals are garbage once unreferenced.
  }
}

/** Sends INPUTS Inputs round-robin, one per turn, and resolves once every replica shows them all. */
async function stream(fanOut: FanOut, replicaCount: number): Promise<void> {
  const target = fanOut.total() + INPUTS;
  const deadline = performance.now() + TIMEOUT_MS;
  let sent = 0;
  for (;;) {
    if (sent < INPUTS) fanOut.send(sent++ % replicaCount);
    await turn();
    const equal = fanOut.readAll(target);
    if (sent === INPUTS && equal === replicaCount && fanOut.total() === target) return;
    if (performance.now() > deadline) {
      throw new Error(
        `case 2: R=${replicaCount} did not converge: source ${fanOut.total()}, ${equal}/${replicaCount} replicas at ${target}`,
      );
    }
  }
}

async function measure(replicaCount: number): Promise<CaseResult> {
  const ours = new SyncChannel(replicaCount);
  const base = new SharedSignal(replicaCount);
  for (let i = 0; i < 5; i++) await macrotask(); // every Replica connected and holding the first State
  const samples = quick ? 3 : replicaCount >= 1000 ? 7 : 10;
  const bench = new Bench({
    name: `fan-out R=${replicaCount}`,
    time: 0,
    iterations: samples,
    warmupTime: 0,
    warmupIterations: 2,
  });
  let publishedInRun = 0;
  bench
    .add('ours', () => stream(ours, replicaCount), {
      async: true,
      beforeAll: (mode) => void (mode === 'run' && (ours.published = 0)),
      afterAll: (mode) => void (mode === 'run' && (publishedInRun = ours.published)),
    })
    .add('base', () => stream(base, replicaCount), { async: true });
  const started = performance.now();
  await bench.run();
  ours.dispose();
  base.dispose();

  const oursTask = task(bench, 'ours');
  const statesPerSample = publishedInRun / samples;
  const oursSummary = taskSummary(oursTask, {
    inputs: INPUTS,
    replicas: replicaCount,
    published_states_per_sample: round(statesPerSample),
  });
  const baseSummary = taskSummary(task(bench, 'base'), { inputs: INPUTS, replicas: replicaCount });
  progress(
    `case 2: R=${replicaCount} done in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  const perInputPerReplicaNs = (ms: number) => round((ms * 1e6) / INPUTS / replicaCount, 4);
  return {
    name: `2. fan-out R=${replicaCount}: ${INPUTS / 1000}k Inputs until all Replicas equal the Source`,
    baseline: `${replicaCount} computed() over one shared signal`,
    unit: 'ms',
    ours: oursSummary,
    base: baseSummary,
    ratio: ratio(oursSummary.median_ms as number, baseSummary.median_ms as number),
    derived: {
      ours_ns_per_input_per_replica: perInputPerReplicaNs(oursSummary.median_ms as number),
      base_ns_per_input_per_replica: perInputPerReplicaNs(baseSummary.median_ms as number),
      ours_us_per_input: round(((oursSummary.median_ms as number) * 1e3) / INPUTS),
      base_us_per_input: round(((baseSummary.median_ms as number) * 1e3) / INPUTS),
      inputs_per_published_state: round(INPUTS / statesPerSample),
    },
    notes:
      "One Input per event-loop turn, round-robin over the Replicas; both sides read every Replica's view after every turn. " +
      'The Source coalesces the States it publishes (one per macrotask): see inputs_per_published_state.',
  };
}

/** 2b: one Input at a time, from trySend until every Replica's observed State shows it. */
async function measureLatency(replicaCount: number): Promise<CaseResult> {
  const ours = new SyncChannel(replicaCount);
  for (let i = 0; i < 5; i++) await macrotask();
  let target = ours.total();
  let reached = 0;
  let done: (() => void) | undefined;
  const seen = new Array<number>(replicaCount).fill(target);
  const subscriptions = ours.replicas.map((replica, index) =>
    replica.observeStates().subscribe((state) => {
      if (state.count !== target || seen[index] === target) return;
      seen[index] = target;
      if (++reached === replicaCount) done?.();
    }),
  );
  const warmUp = 20;
  const samples = quick ? 20 : replicaCount >= 1000 ? 100 : 300;
  const oursTimes: number[] = [];
  for (let k = 0; k < warmUp + samples; k++) {
    target++;
    reached = 0;
    const allReached = new Promise<void>((resolve) => (done = resolve));
    const start = performance.now();
    ours.send(k % replicaCount);
    await allReached;
    const elapsed = performance.now() - start;
    if (ours.total() !== target)
      throw new Error(`case 2b: the Source holds ${ours.total()}, expected ${target}`);
    if (k >= warmUp) oursTimes.push(elapsed);
  }
  for (const subscription of subscriptions) subscription.unsubscribe();
  ours.dispose();

  const base = new SharedSignal(replicaCount);
  const baseTimes: number[] = [];
  for (let k = 0; k < warmUp + samples; k++) {
    const start = performance.now();
    base.send();
    const equal = base.readAll(base.total());
    const elapsed = performance.now() - start;
    if (equal !== replicaCount) throw new Error('case 2b: a computed missed the update');
    if (k >= warmUp) baseTimes.push(elapsed);
    await turn();
  }
  const oursSummary = timeSummary(oursTimes, { replicas: replicaCount });
  const baseSummary = timeSummary(baseTimes, { replicas: replicaCount });
  progress(`case 2b: R=${replicaCount} done`);
  return {
    name: `2b. latency R=${replicaCount}: one Input until all Replicas show it`,
    baseline: `signal.update + ${replicaCount} computed() reads`,
    unit: 'ms',
    ours: oursSummary,
    base: baseSummary,
    ratio: ratio(oursSummary.median_ms as number, baseSummary.median_ms as number),
    derived: {
      ours_us_per_replica: round(((oursSummary.median_ms as number) * 1e3) / replicaCount),
      base_us_per_replica: round(((baseSummary.median_ms as number) * 1e3) / replicaCount),
    },
    notes:
      replicaCount === 1
        ? 'The only Replica is the sender: it applies its Input at once (optimistically), so no publication is awaited.'
        : "Includes the Source's publication delay: one setTimeout(0), which Node clamps to 1 ms (browsers do not for a click).",
  };
}

async function main(): Promise<void> {
  progress(`case 2: ${INPUTS} Inputs per sample, R = ${REPLICA_COUNTS.join(', ')}`);
  const cases: CaseResult[] = [];
  for (const replicaCount of REPLICA_COUNTS) cases.push(await measure(replicaCount));
  // How the cost grows with R, relative to R = 1.
  const first = cases[0] as CaseResult;
  for (const [index, result] of cases.entries()) {
    Object.assign(result.derived as object, {
      ours_growth_vs_r1: round(
        (result.ours.median_ms as number) / (first.ours.median_ms as number),
        3,
      ),
      base_growth_vs_r1: round(
        (result.base.median_ms as number) / (first.base.median_ms as number),
        3,
      ),
      r_growth_vs_r1: REPLICA_COUNTS[index] as number,
    });
  }
  for (const replicaCount of REPLICA_COUNTS) cases.push(await measureLatency(replicaCount));
  writeOutput({ cases });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
