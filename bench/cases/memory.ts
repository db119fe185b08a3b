/*
 * Case 3 — memory: heap per idle Replica with R = 1000 Replicas of one Source, measured after GC
 * (node --expose-gc). Each sample builds everything afresh and releases it before the next.
 *
 *   3a  core: BasicViewModel + DefaultSyncConnection + BallastSyncInterceptor per Replica, versus
 *       one computed() over one shared signal per Replica (each read once).
 *   3b  Angular: a SyncViewModel provided with provideSyncViewModel in its own injector per Replica
 *       (as each component's providers make one), versus an injector per Replica holding a view
 *       (computed) of a shared signal service.
 */
import { rootInjector } from '../lib/angular-node';
import {
  computed,
  inject,
  Injectable,
  Injector,
  signal,
  type EnvironmentInjector,
  type Signal,
} from '@angular/core';
import { fifo, InMemorySyncAdapter } from '../../projects/ballast-sync/core/src/public-api';
import { provideSyncViewModel, SyncViewModel } from '../../projects/ballast-sync/src/public-api';
import {
  counterHandler,
  syncedCounterViewModel,
  type CounterInput,
  type CounterState,
} from '../lib/counter';
import {
  collectGarbage,
  macrotask,
  median,
  progress,
  quick,
  ratio,
  round,
  writeOutput,
  type CaseResult,
  type Measurement,
} from '../lib/results';

const REPLICAS = 1000;
const SAMPLES = quick ? 2 : 5;

class CounterViewModel extends SyncViewModel<CounterInput, never, CounterState> {
  constructor() {
    super({
      name: 'counter',
      initialState: { count: 0 },
      inputHandler: counterHandler,
      inputStrategy: fifo(),
    });
  }
}

@Injectable()
class SharedCounter {
  readonly state = signal<CounterState>({ count: 0 });
}

@Injectable()
class CounterView {
  private readonly shared = inject(SharedCounter);
  readonly count: Signal<number> = computed(() => this.shared.state().count);
}

function heapUsed(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

/**
 * Bytes per replica: `setUp` builds what stays shared (measured before), `addReplicas` the R
 * replicas (kept alive through its return value until after the second measurement).
 */
async function bytesPerReplica<T, U>(
  setUp: () => T,
  addReplicas: (shared: T) => U,
  tearDown: (shared: T, replicas: U) => void,
): Promise<number> {
  const shared = setUp();
  for (let i = 0; i < 3; i++) await macrotask();
  const before = heapUsed();
  const replicas = addReplicas(shared);
  for (let i = 0; i < 5; i++) await macrotask(); // every Replica connected and idle
  const after = heapUsed();
  tearDown(shared, replicas);
  return (after - before) / REPLICAS;
}

async function samples(name: string, measureOnce: () => Promise<number>): Promise<Measurement> {
  const values: number[] = [];
  await measureOnce(); // warm-up: code compiled, lazily created structures exist
  for (let i = 0; i < SAMPLES; i++) values.push(await measureOnce());
  progress(`case 3: ${name}: ${values.map((v) => Math.round(v)).join(', ')} bytes per replica`);
  return {
    median_bytes: Math.round(median(values)),
    min_bytes: Math.round(Math.min(...values)),
    max_bytes: Math.round(Math.max(...values)),
    samples: values.length,
    replicas: REPLICAS,
  };
}

async function main(): Promise<void> {
  progress(`case 3: heap per idle Replica, R = ${REPLICAS}, ${SAMPLES} samples`);
  const coreOurs = await samples('core replica', () =>
    bytesPerReplica(
      () => {
        const adapter = new InMemorySyncAdapter<CounterInput, never, CounterState>();
        return { adapter, source: syncedCounterViewModel(adapter, 'source') };
      },
      ({ adapter }) =>
        Array.from({ length: REPLICAS }, () => syncedCounterViewModel(adapter, 'replica')),
      ({ source }, replicas) => {
        for (const replica of replicas) replica.clear();
        source.clear();
      },
    ),
  );
  const coreBase = await samples('computed over a shared signal', () =>
    bytesPerReplica(
      () => signal<CounterState>({ count: 0 }),
      (shared) => {
        const views = Array.from({ length: REPLICAS }, () => computed(() => shared().count));
        for (const view of views) view();
        return views;
      },
      () => undefined,
    ),
  );

  const angularOurs = await samples('SyncViewModel in its own injector', () =>
    bytesPerReplica(
      () => {
        const root = rootInjector([], 'app');
        const source = Injector.create({
          providers: provideSyncViewModel(CounterViewModel, { role: 'source' }),
          parent: root,
        });
        source.get(CounterViewModel);
        return root;
      },
      (root) =>
        Array.from({ length: REPLICAS }, () => {
          const injector = Injector.create({
            providers: provideSyncViewModel(CounterViewModel, { role: 'replica' }),
            parent: root,
          });
          injector.get(CounterViewModel).state();
          return injector;
        }),
      (root, injectors) => {
        for (const injector of injectors) (injector as EnvironmentInjector).destroy();
        root.destroy();
      },
    ),
  );
  const angularBase = await samples('shared-signal view in its own injector', () =>
    bytesPerReplica(
      () => {
        const root = rootInjector([SharedCounter], 'app');
        root.get(SharedCounter);
        return root;
      },
      (root) =>
        Array.from({ length: REPLICAS }, () => {
          const injector = Injector.create({ providers: [CounterView], parent: root });
          injector.get(CounterView).count();
          return injector;
        }),
      (root, injectors) => {
        for (const injector of injectors) (injector as EnvironmentInjector).destroy();
        root.destroy();
      },
    ),
  );

  const result = (
    name: string,
    baseline: string,
    ours: Measurement,
    base: Measurement,
    notes: string,
  ): CaseResult => ({
    name,
    baseline,
    unit: 'bytes',
    ours,
    base,
    ratio: ratio(ours.median_bytes as number, base.median_bytes as number),
    derived: {
      ours_kib_for_1000_replicas: round(((ours.median_bytes as number) * REPLICAS) / 1024, 4),
      base_kib_for_1000_replicas: round(((base.median_bytes as number) * REPLICAS) / 1024, 4),
    },
    notes,
  });
  writeOutput({
    cases: [
      result(
        '3a. memory per idle Replica (R=1000), core',
        'one computed() over a shared signal',
        coreOurs,
        coreBase,
        'BasicViewModel + DefaultSyncConnection + BallastSyncInterceptor per Replica, after GC.',
      ),
      result(
        '3b. memory per idle Replica (R=1000), Angular',
        'an injector + computed() over a shared-signal service',
        angularOurs,
        angularBase,
        'A SyncViewModel from provideSyncViewModel in its own injector per Replica (as a component provides it), after GC.',
      ),
    ],
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
