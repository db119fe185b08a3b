// Runs in plain `node --expose-gc` (no tsx, no transpiler): measures the BUILT package, the
// fesm2022 files a production app bundles. bench/cases/memory.ts and bench/cases/lifecycle.ts
// start it and turn its raw samples into rows (bench/lib/results.ts stays the one writer).
//
//   node --expose-gc bench/built/replicas.mjs <package-dir> memory|lifecycle <quick:0|1>
//
// <package-dir> is a copy of dist/ballast-sync inside the repository (so that @angular/core and
// rxjs resolve from its node_modules, and the package's own `ballast-sync/core` import resolves to
// the same copy). Prints one JSON object on stdout; progress goes to stderr.
//
// @angular/compiler is loaded first only because @angular/common (imported by the package) ships
// partial declarations that an app build links ahead of time: it compiles them once per class, at
// import, before anything is measured; no instance is created through it.
import '@angular/compiler';
import {
  computed,
  createEnvironmentInjector,
  enableProdMode,
  inject,
  Injector,
  provideZonelessChangeDetection,
  signal,
  ɵINJECTOR_SCOPE as INJECTOR_SCOPE,
} from '@angular/core';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

// Production mode, as users ship it (an AOT build also defines ngDevMode = false).
enableProdMode();

const [packageDir, mode, quickFlag] = process.argv.slice(2);
if (!packageDir || !['memory', 'lifecycle'].includes(mode ?? '')) {
  console.error(
    'usage: node --expose-gc bench/built/replicas.mjs <package-dir> memory|lifecycle [1]',
  );
  process.exit(2);
}
const quick = quickFlag === '1';
const fesm = (file) => import(pathToFileURL(join(packageDir, 'fesm2022', file)).href);
const core = await fesm('ballast-sync-core.mjs');
const angular = await fesm('ballast-sync.mjs');
const {
  BallastSyncInterceptor,
  BasicViewModel,
  DefaultSyncConnection,
  fifo,
  InMemorySyncAdapter,
  noOpLogger,
} = core;
const { provideSyncViewModel, SyncViewModel } = angular;

const progress = (message) => process.stderr.write(`[bench] ${message}\n`);
const macrotask = () => new Promise((resolve) => setTimeout(resolve, 0));
const settle = async (turns) => {
  for (let i = 0; i < turns; i++) await macrotask();
};
function heapUsed() {
  if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
}

// --- the counter (the same as bench/lib/counter.ts, in plain JavaScript) ---
const counterHandler = (input, scope) =>
  scope.updateState((state) => ({ count: state.count + input.by }));

/** Core: BasicViewModel + DefaultSyncConnection + BallastSyncInterceptor, logging nothing. */
function syncedCounter(adapter, clientType) {
  const connection = new DefaultSyncConnection({ clientType, adapter });
  return new BasicViewModel({
    name: 'counter',
    initialState: { count: 0 },
    inputHandler: counterHandler,
    inputStrategy: fifo(),
    logger: noOpLogger,
    interceptors: [new BallastSyncInterceptor(connection)],
  });
}

/** Angular: a SyncViewModel subclass, as an app writes it. */
class CounterViewModel extends SyncViewModel {
  constructor() {
    super({
      name: 'counter',
      initialState: { count: 0 },
      inputHandler: counterHandler,
      inputStrategy: fifo(),
    });
  }
}

/** The baseline's shared service and per-view class (a component's view of it). */
class SharedCounter {
  state = signal({ count: 0 });
}
class CounterView {
  shared = inject(SharedCounter);
  count = computed(() => this.shared.state().count);
}

/**
 * A root environment injector, like the one bootstrapApplication creates for a zoneless app (the
 * change-detection scheduler that PendingTasks notifies), without a platform or a DOM.
 */
function rootInjector(providers) {
  return createEnvironmentInjector(
    [{ provide: INJECTOR_SCOPE, useValue: 'root' }, provideZonelessChangeDetection(), ...providers],
    Injector.NULL,
    'app',
  );
}

/** An app whose root holds the channel's Source; replicas are made in child injectors. */
function syncApp() {
  const root = rootInjector([]);
  const source = Injector.create({
    providers: provideSyncViewModel(CounterViewModel, { role: 'source' }),
    parent: root,
  });
  source.get(CounterViewModel);
  return {
    root,
    add: () => {
      const injector = Injector.create({
        providers: provideSyncViewModel(CounterViewModel, { role: 'replica' }),
        parent: root,
      });
      injector.get(CounterViewModel).state();
      return injector;
    },
    dispose: () => root.destroy(),
  };
}

function signalApp() {
  const root = rootInjector([{ provide: SharedCounter, useClass: SharedCounter }]);
  root.get(SharedCounter);
  return {
    root,
    add: () => {
      const injector = Injector.create({ providers: [CounterView], parent: root });
      injector.get(CounterView).count();
      return injector;
    },
    dispose: () => root.destroy(),
  };
}

// --- memory: heap per idle replica, R = 1000 ---
const REPLICAS = 1000;

async function bytesPerReplica(setUp, addReplicas, tearDown) {
  const shared = setUp();
  await settle(3);
  const before = heapUsed();
  const replicas = addReplicas(shared);
  await settle(5); // every Replica connected and idle
  const after = heapUsed();
  tearDown(shared, replicas);
  await settle(2);
  return (after - before) / REPLICAS;
}

async function memorySamples(name, measureOnce) {
  const samples = quick ? 2 : 5;
  const values = [];
  await measureOnce(); // warm-up: code compiled, lazily created structures exist
  for (let i = 0; i < samples; i++) values.push(await measureOnce());
  progress(`case 3: ${name}: ${values.map((v) => Math.round(v)).join(', ')} bytes per replica`);
  return values;
}

const inInjectors = (app) => () =>
  bytesPerReplica(
    app,
    (shared) => Array.from({ length: REPLICAS }, () => shared.add()),
    (shared, injectors) => {
      for (const injector of injectors) injector.destroy();
      shared.dispose();
    },
  );

async function memory() {
  const coreOurs = await memorySamples('core replica', () =>
    bytesPerReplica(
      () => {
        const adapter = new InMemorySyncAdapter();
        return { adapter, source: syncedCounter(adapter, 'source') };
      },
      ({ adapter }) => Array.from({ length: REPLICAS }, () => syncedCounter(adapter, 'replica')),
      ({ source }, replicas) => {
        for (const replica of replicas) replica.clear();
        source.clear();
      },
    ),
  );
  const coreBase = await memorySamples('computed over a shared signal', () =>
    bytesPerReplica(
      () => signal({ count: 0 }),
      (shared) => {
        const views = Array.from({ length: REPLICAS }, () => computed(() => shared().count));
        for (const view of views) view();
        return views;
      },
      () => undefined,
    ),
  );
  const angularOurs = await memorySamples(
    'SyncViewModel in its own injector',
    inInjectors(syncApp),
  );
  const angularBase = await memorySamples(
    'injector + computed() view of a shared-signal service',
    inInjectors(signalApp),
  );
  return { replicas: REPLICAS, coreOurs, coreBase, angularOurs, angularBase };
}

// --- lifecycle: create and destroy time of one instance in its own injector ---
async function lifecycleSamples(name, app) {
  const batch = 200;
  const warmUp = quick ? 3 : 10;
  const samples = quick ? 7 : 30;
  const shared = app();
  await settle(3);
  const create = [];
  const destroy = [];
  for (let k = 0; k < warmUp + samples; k++) {
    const injectors = new Array(batch);
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) injectors[i] = shared.add();
    const t1 = performance.now();
    await settle(2); // connected and idle, as a component is between its creation and its end
    const t2 = performance.now();
    for (let i = 0; i < batch; i++) injectors[i].destroy();
    const t3 = performance.now();
    await settle(1);
    if (k >= warmUp) {
      create.push(((t1 - t0) * 1e3) / batch);
      destroy.push(((t3 - t2) * 1e3) / batch);
    }
  }
  shared.dispose();
  progress(`case 6: ${name}: ${samples} batches of ${batch}`);
  return { create_us: create, destroy_us: destroy, batch };
}

async function lifecycle() {
  // Alternate the sides twice, so that drift and warm-up affect both alike.
  const ours = await lifecycleSamples('SyncViewModel in its own injector', syncApp);
  const base = await lifecycleSamples('injector + computed()', signalApp);
  const ours2 = await lifecycleSamples('SyncViewModel in its own injector', syncApp);
  const base2 = await lifecycleSamples('injector + computed()', signalApp);
  const join2 = (a, b) => ({
    create_us: [...a.create_us, ...b.create_us],
    destroy_us: [...a.destroy_us, ...b.destroy_us],
    batch: a.batch,
  });
  return { ours: join2(ours, ours2), base: join2(base, base2) };
}

const result = mode === 'memory' ? await memory() : await lifecycle();
process.stdout.write(`${JSON.stringify(result)}\n`);
