/*
 * Case 2 — in-memory fan-out: one Source and R Replicas of one channel, each a SyncViewModel in
 * its own injector (as each component's providers make one), on the default in-memory transport.
 * 10 000 Inputs are sent the way users would: trySend on the Replicas, round-robin, one Input per
 * event-loop turn (setImmediate). After every turn the harness reads every Replica's `state`
 * signal (what a render pass does); a sample ends when every Replica equals the Source and the
 * Source holds all 10 000. Both sides do the same work: R signal reads per turn, against R
 * `computed()` re-reads.
 *
 * Baseline: R `computed` signals reading one shared `signal` that receives the same updates, read
 * after every turn in the same loop (what sharing one service costs).
 *
 * Case 2b — round trip of one Input, without coalescing, on the core (BasicViewModel +
 * DefaultSyncConnection, observed through observeStates()): one Replica sends one Input and the
 * clock stops when every Replica's observed State shows it AND the Source has acknowledged it to
 * the sender (its InputsAcknowledged sync notification); the next Input goes only then. The event
 * loop runs freely meanwhile (the Source publishes in a later task). Baseline: signal.update, then
 * R computed() re-reads.
 */
// First: it loads @angular/compiler, which @angular/common (imported by the library) needs.
import { rootInjector } from '../lib/angular-node';
import {
  computed,
  Injector,
  provideZonelessChangeDetection,
  signal,
  type EnvironmentInjector,
  type Signal,
  type WritableSignal,
} from '@angular/core';
import { Bench } from 'tinybench';
import type { Unsubscribable } from 'rxjs';
import {
  fifo,
  InMemorySyncAdapter,
  type ClientType,
  type DefaultSyncConnection,
} from '../../projects/ballast-sync/core/src/public-api';
import { provideSyncViewModel, SyncViewModel } from '../../projects/ballast-sync/src/public-api';
import {
  counterHandler,
  syncedCounterViewModel,
  type CounterInput,
  type CounterState,
  type CounterViewModel,
} from '../lib/counter';
import {
  atMost,
  macrotask,
  progress,
  quick,
  ratio,
  ratioAtMost,
  round,
  task,
  taskSummary,
  timeSummary,
  turn,
  writeOutput,
  type CaseResult,
} from '../lib/results';

/** Always 10 000, even in a quick run: the R=1000 goal is stated for 10k Inputs. */
const INPUTS = 10_000;
const REPLICA_COUNTS = [1, 10, 100, 1000];
const LATENCY_REPLICA_COUNTS = [1, 10, 100];
/** Issue 12, goal 2: 10k Inputs at R=1000 no slower than before the new schedule (0.4–0.6 s). */
const THROUGHPUT_GOAL_MS = 600;
/** Issue 12, goal 1: R=10 round trip within 30 µs in Node. */
const LATENCY_GOAL_MS = 0.03;
/** Issue 12, goal 1: per Replica at most 4× a computed() re-read. */
const PER_REPLICA_GOAL_RATIO = 4;
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

/** What a Replica's sender side reports: its last forwarded Input and the acknowledgements. */
interface Acknowledgements {
  /** `seq` of the last Input this Replica forwarded for the first time. */
  forwarded: number;
  /** The Source acknowledged every Input up to this `seq`. */
  acknowledged: number;
  /** Called on every change of the two above. */
  changed?: () => void;
}

/** The counter as an app writes it: a SyncViewModel whose role its provider picks. */
class CounterSyncViewModel extends SyncViewModel<CounterInput, never, CounterState> {
  constructor() {
    super({
      name: 'counter',
      initialState: { count: 0 },
      inputHandler: counterHandler,
      inputStrategy: fifo(),
    });
  }
}

/**
 * Case 2's side: an app (a root injector, zoneless, with the default in-memory transport) whose
 * Source and R Replicas are SyncViewModels, each in its own injector. Its views are their `state`
 * signals.
 */
class SyncViewModelApp implements FanOut {
  private readonly root: EnvironmentInjector = rootInjector(
    [provideZonelessChangeDetection()],
    'case 2',
  );
  private readonly injectors: Injector[] = [];
  readonly source: CounterSyncViewModel;
  readonly replicas: CounterSyncViewModel[];
  /** States the Source published (a publication reaches every Replica). */
  published = 0;

  constructor(replicaCount: number) {
    this.source = this.create('source');
    this.source
      .observeSyncNotifications()
      .subscribe((n) => n.type === 'StatePublished' && this.published++);
    this.replicas = Array.from({ length: replicaCount }, () => this.create('replica'));
  }

  private create(role: ClientType): CounterSyncViewModel {
    const injector = Injector.create({
      providers: provideSyncViewModel(CounterSyncViewModel, { role }),
      parent: this.root,
    });
    this.injectors.push(injector);
    return injector.get(CounterSyncViewModel);
  }

  total(): number {
    return this.source.state().count;
  }

  send(index: number): void {
    (this.replicas[index] as CounterSyncViewModel).trySend({ type: 'Increment', by: 1 });
  }

  readAll(target: number): number {
    let equal = 0;
    for (const replica of this.replicas) if (replica.state().count === target) equal++;
    return equal;
  }

  dispose(): void {
    for (const injector of this.injectors) (injector as unknown as { destroy(): void }).destroy();
    this.root.destroy();
  }
}

/**
 * Case 2b's side: core ViewModels on one adapter. The harness watches the acknowledgements of the
 * sender only (one subscription per round trip, made before the clock starts): instrumentation
 * on every Replica would add R listeners to our side that the baseline does not have.
 */
class SyncChannel {
  readonly adapter = new InMemorySyncAdapter<CounterInput, never, CounterState>();
  readonly source: CounterViewModel;
  readonly replicas: CounterViewModel[];
  readonly connections: DefaultSyncConnection<CounterInput, never, CounterState>[] = [];

  constructor(replicaCount: number) {
    this.source = syncedCounterViewModel(this.adapter, 'source');
    this.replicas = Array.from({ length: replicaCount }, () =>
      syncedCounterViewModel(this.adapter, 'replica', (connection) =>
        this.connections.push(connection),
      ),
    );
  }

  total(): number {
    return this.source.getCurrentState().count;
  }

  send(index: number): void {
    (this.replicas[index] as CounterViewModel).trySend({ type: 'Increment', by: 1 });
  }

  dispose(): void {
    for (const replica of this.replicas) replica.clear();
    this.source.clear();
  }
}

function watchAcknowledgements(
  connection: DefaultSyncConnection<CounterInput, never, CounterState>,
): Acknowledgements & Unsubscribable {
  const acks = { forwarded: 0, acknowledged: 0 } as Acknowledgements & Unsubscribable;
  const subscription = connection.observeSyncNotifications().subscribe((n) => {
    if (n.type === 'InputForwarded' && !n.resent) acks.forwarded = n.input.seq;
    else if (n.type === 'InputsAcknowledged') acks.acknowledged = n.upToSeq;
    else return;
    acks.changed?.();
  });
  acks.unsubscribe = () => subscription.unsubscribe();
  return acks;
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
  const ours = new SyncViewModelApp(replicaCount);
  const base = new SharedSignal(replicaCount);
  for (let i = 0; i < 5; i++) await macrotask(); // every Replica connected and holding the first State
  const samples = quick ? 3 : replicaCount >= 1000 ? 7 : 10;
  const bench = new Bench({
    name: `fan-out R=${replicaCount}`,
    time: 0,
    iterations: samples,
    warmupTime: 0,
    warmupIterations: quick ? 1 : 2,
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
    ...(replicaCount === 1000 && {
      goal: atMost(
        oursSummary.median_ms as number,
        THROUGHPUT_GOAL_MS,
        `ours ≤ ${THROUGHPUT_GOAL_MS} ms (no slower than before)`,
      ),
    }),
    notes:
      "One Input per event-loop turn, round-robin over the Replicas; after every turn ours reads every Replica's `state` signal (SyncViewModels, each in its own injector, on the default in-memory transport), the baseline re-reads every computed(). " +
      'The Source coalesces the States it publishes: see inputs_per_published_state. In Node, setTimeout(0) is clamped to 1 ms, so a timer-based schedule coalesces far more Inputs per State than a browser would.',
  };
}

/** A sample of 2b that does not complete within this long has lost its Input or its ack. */
const ROUND_TRIP_TIMEOUT_MS = 10_000;

/**
 * 2b, our side for one R: one Input at a time, from trySend until every Replica's observed State
 * shows it and the Source has acknowledged it to the sender.
 */
class RoundTrips {
  private readonly ours: SyncChannel;
  private target = 0;
  private reached = 0;
  private check: (() => void) | undefined;
  private readonly subscriptions: Unsubscribable[];
  private sent = 0;

  constructor(readonly replicaCount: number) {
    this.ours = new SyncChannel(replicaCount);
    const seen = new Array<number>(replicaCount).fill(0);
    this.subscriptions = this.ours.replicas.map((replica, index) =>
      replica.observeStates().subscribe((state) => {
        if (state.count !== this.target || seen[index] === this.target) return;
        seen[index] = this.target;
        this.reached++;
        this.check?.();
      }),
    );
  }

  /** Every Replica connected and holding the first State. */
  async ready(): Promise<void> {
    for (let i = 0; i < 5; i++) await macrotask();
    this.target = this.ours.total();
  }

  /** One round trip from the next Replica in turn; returns its time in ms. */
  async once(): Promise<number> {
    const { ours, replicaCount } = this;
    const k = this.sent++;
    this.target++;
    this.reached = 0;
    const acks = watchAcknowledgements(
      ours.connections[k % replicaCount] as DefaultSyncConnection<
        CounterInput,
        never,
        CounterState
      >,
    );
    const before = acks.forwarded;
    let timer: NodeJS.Timeout | undefined;
    const complete = new Promise<void>((resolve, reject) => {
      // Done when every Replica shows the Input and the sender's forwarded Input is acknowledged.
      this.check = () => {
        if (
          this.reached === replicaCount &&
          acks.forwarded > before &&
          acks.acknowledged >= acks.forwarded
        )
          resolve();
      };
      timer = setTimeout(
        () =>
          reject(
            new Error(
              `case 2b: R=${replicaCount} round trip ${k} incomplete after ${ROUND_TRIP_TIMEOUT_MS} ms: ` +
                `${this.reached}/${replicaCount} Replicas show it, forwarded ${acks.forwarded} (was ${before}), acknowledged ${acks.acknowledged}`,
            ),
          ),
        ROUND_TRIP_TIMEOUT_MS,
      );
    });
    acks.changed = this.check;
    const start = performance.now();
    ours.send(k % replicaCount);
    this.check?.();
    await complete;
    const elapsed = performance.now() - start;
    clearTimeout(timer);
    acks.unsubscribe();
    if (ours.total() !== this.target)
      throw new Error(`case 2b: the Source holds ${ours.total()}, expected ${this.target}`);
    return elapsed;
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    this.ours.dispose();
  }
}

/**
 * 2b at every R of LATENCY_REPLICA_COUNTS. Our round trips at the different R alternate, one
 * each in turn, so that every R is measured in the same state of the process (JIT, heap,
 * machine): the per-Replica row is a difference between them. The baseline is synchronous.
 */
async function measureLatencies(): Promise<CaseResult[]> {
  const runs = LATENCY_REPLICA_COUNTS.map((replicaCount) => new RoundTrips(replicaCount));
  for (const run of runs) await run.ready();
  const warmUp = 20;
  const samples = quick ? 30 : 300;
  const oursTimes = runs.map((): number[] => []);
  for (let k = 0; k < warmUp + samples; k++) {
    for (const [index, run] of runs.entries()) {
      const elapsed = await run.once();
      if (k >= warmUp) (oursTimes[index] as number[]).push(elapsed);
    }
  }
  for (const run of runs) run.dispose();
  const results: CaseResult[] = [];
  for (const [index, replicaCount] of LATENCY_REPLICA_COUNTS.entries()) {
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
    results.push(latencyRow(replicaCount, oursTimes[index] as number[], baseTimes));
  }
  progress(`case 2b: R = ${LATENCY_REPLICA_COUNTS.join(', ')} done`);
  return results;
}

function latencyRow(replicaCount: number, oursTimes: number[], baseTimes: number[]): CaseResult {
  const oursSummary = timeSummary(oursTimes, { replicas: replicaCount });
  const baseSummary = timeSummary(baseTimes, { replicas: replicaCount });
  const oursMs = oursSummary.median_ms as number;
  return {
    name: `2b. round trip R=${replicaCount}: one Input until all Replicas show it and it is acknowledged`,
    baseline: `signal.update + ${replicaCount} computed() re-reads`,
    unit: 'ms',
    ours: oursSummary,
    base: baseSummary,
    ratio: ratio(oursMs, baseSummary.median_ms as number),
    derived: {
      ours_us_per_replica: round((oursMs * 1e3) / replicaCount),
      base_us_per_replica: round(((baseSummary.median_ms as number) * 1e3) / replicaCount),
    },
    ...(replicaCount === 10 && {
      goal: atMost(oursMs, LATENCY_GOAL_MS, 'ours ≤ 30 µs (Node)'),
    }),
    notes:
      'The clock stops when every Replica (the sender included) shows the Input and the sender got InputsAcknowledged for it; the event loop runs meanwhile. ' +
      'Our round trips at R = 1, 10 and 100 alternate (one each in turn). ' +
      'Any timer in the path counts: Node clamps setTimeout(0) to 1 ms; browsers do not clamp an un-nested setTimeout(0).',
  };
}

/**
 * 2b per Replica: what one more Replica adds to a round trip, from the R=10 and R=100 medians,
 * against what one more computed() re-read adds to the baseline.
 */
function perReplicaRow(r10: CaseResult, r100: CaseResult): CaseResult {
  const extra = 100 - 10;
  const per = (m100: number, m10: number) => round((m100 - m10) / extra, 4);
  const oursMs = per(r100.ours.median_ms as number, r10.ours.median_ms as number);
  const baseMs = per(r100.base.median_ms as number, r10.base.median_ms as number);
  return {
    name: '2b. round trip, cost of one more Replica (R=10 → R=100)',
    baseline: 'one more computed() re-read of the shared signal',
    unit: 'ms',
    ours: { median_ms: oursMs, samples: r100.ours.samples, derived_from: [r10.name, r100.name] },
    base: { median_ms: baseMs, samples: r100.base.samples, derived_from: [r10.name, r100.name] },
    ratio: ratio(oursMs, baseMs),
    derived: {
      ours_us_per_replica: round(oursMs * 1e3),
      base_us_per_replica: round(baseMs * 1e3),
    },
    goal: ratioAtMost(oursMs, baseMs, PER_REPLICA_GOAL_RATIO, 'ratio ≤ 4'),
    notes:
      '(median at R=100 − median at R=10) / 90, on both sides: the per-Replica apply cost without the fixed cost of the round trip. A difference of two medians: noisier than the rows it comes from.',
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
  const latency = await measureLatencies();
  cases.push(...latency, perReplicaRow(latency[1] as CaseResult, latency[2] as CaseResult));
  writeOutput({ cases });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
