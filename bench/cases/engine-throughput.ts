/*
 * Case 1 — engine throughput: 100 000 Inputs through one BasicViewModel (fifo, a synchronous
 * handler doing one updateState) versus the same state transitions as @ngrx/store dispatches
 * through a createReducer/on reducer, as @ngrx/signals patchState on a signalState, and as a bare
 * Angular signal.update (the floor). One sample = 100 000 updates on a fresh instance.
 */
import { rootInjector } from '../lib/angular-node';
import { signal, type EnvironmentInjector, type WritableSignal } from '@angular/core';
import { patchState, signalState } from '@ngrx/signals';
import {
  createAction,
  createReducer,
  on,
  props,
  provideStore,
  ScannedActionsSubject,
  Store,
} from '@ngrx/store';
import { Bench } from 'tinybench';
import type {
  BallastInterceptor,
  BallastNotification,
} from '../../projects/ballast-sync/core/src/public-api';
import {
  counterViewModel,
  type CounterInput,
  type CounterState,
  type CounterViewModel,
} from '../lib/counter';
import {
  progress,
  quick,
  ratio,
  task,
  taskSummary,
  writeOutput,
  type CaseResult,
} from '../lib/results';

const UPDATES = 100_000;

const increment = createAction('[Counter] Increment', props<{ by: number }>());
const counterReducer = createReducer<CounterState>(
  { count: 0 },
  on(increment, (state, { by }) => ({ count: state.count + by })),
);

const incrementState = (state: CounterState): CounterState => ({ count: state.count + 1 });

function check(name: string, count: number): void {
  if (count !== UPDATES)
    throw new Error(`${name}: expected count ${UPDATES} after the sample, got ${count}`);
}

/** An interceptor that reads every notification, as BallastSyncInterceptor and loggers do. */
function countingInterceptor(counter: {
  seen: number;
}): BallastInterceptor<CounterInput, never, CounterState> {
  return {
    name: 'counting',
    start: (_scope, notifications) =>
      notifications.subscribe(
        (_n: BallastNotification<CounterInput, never, CounterState>) => void counter.seen++,
      ),
  };
}

async function main(): Promise<void> {
  let vm: CounterViewModel | undefined;
  let injector: EnvironmentInjector | undefined;
  let store: Store<{ counter: CounterState }> | undefined;
  let state: ReturnType<typeof signalState<CounterState>> | undefined;
  let floor: WritableSignal<CounterState> | undefined;
  const observed = { seen: 0 };
  const actionsSeen = { count: 0 };

  const bench = new Bench({
    name: 'engine throughput',
    time: 0,
    iterations: quick ? 5 : 30,
    warmupTime: 0,
    warmupIterations: quick ? 3 : 10,
  });

  const endViewModel = (name: string) => {
    const current = vm as CounterViewModel;
    check(name, current.getCurrentState().count);
    current.clear();
  };
  const newStore = (observeActions: boolean) => {
    injector?.destroy();
    injector = rootInjector([provideStore({ counter: counterReducer })], 'ngrx-bench');
    store = injector.get(Store) as Store<{ counter: CounterState }>;
    // What @ngrx/effects and the devtools do: observe every action after the reducers ran.
    if (observeActions)
      injector.get(ScannedActionsSubject).subscribe(() => void actionsSeen.count++);
  };
  const endStore = (name: string) => {
    let count = -1;
    store?.subscribe((s) => (count = s.counter.count)).unsubscribe();
    check(name, count);
  };

  bench
    .add(
      'ours',
      () => {
        const target = vm as CounterViewModel;
        for (let i = 0; i < UPDATES; i++) target.trySend({ type: 'Increment', by: 1 });
      },
      {
        async: false,
        beforeEach: () => void (vm = counterViewModel({ interceptors: [] })),
        afterEach: () => endViewModel('ours'),
      },
    )
    .add(
      'ours-observed',
      () => {
        const target = vm as CounterViewModel;
        for (let i = 0; i < UPDATES; i++) target.trySend({ type: 'Increment', by: 1 });
      },
      {
        async: false,
        beforeEach: () =>
          void (vm = counterViewModel({ interceptors: [countingInterceptor(observed)] })),
        afterEach: () => endViewModel('ours-observed'),
      },
    )
    .add(
      'ngrx-store',
      () => {
        const target = store as Store<{ counter: CounterState }>;
        for (let i = 0; i < UPDATES; i++) target.dispatch(increment({ by: 1 }));
      },
      { async: false, beforeEach: () => newStore(false), afterEach: () => endStore('ngrx-store') },
    )
    .add(
      'ngrx-store-observed',
      () => {
        const target = store as Store<{ counter: CounterState }>;
        for (let i = 0; i < UPDATES; i++) target.dispatch(increment({ by: 1 }));
      },
      {
        async: false,
        beforeEach: () => newStore(true),
        afterEach: () => endStore('ngrx-store-observed'),
      },
    )
    .add(
      'ngrx-signals',
      () => {
        const target = state as ReturnType<typeof signalState<CounterState>>;
        for (let i = 0; i < UPDATES; i++) patchState(target, incrementState);
      },
      {
        async: false,
        beforeEach: () => void (state = signalState<CounterState>({ count: 0 })),
        afterEach: () =>
          check('ngrx-signals', (state as ReturnType<typeof signalState<CounterState>>).count()),
      },
    )
    .add(
      'signal',
      () => {
        const target = floor as WritableSignal<CounterState>;
        for (let i = 0; i < UPDATES; i++) target.update(incrementState);
      },
      {
        async: false,
        beforeEach: () => void (floor = signal<CounterState>({ count: 0 })),
        afterEach: () => check('signal', (floor as WritableSignal<CounterState>)().count),
      },
    );

  bench.addEventListener('cycle', (event) => progress(`case 1: ${event.task?.name ?? '?'} done`));
  progress(
    `case 1: ${UPDATES} updates per sample, ${bench.iterations} samples per task after ${bench.warmupIterations} warm-up samples`,
  );
  await bench.run();
  injector?.destroy();
  if (observed.seen === 0 || actionsSeen.count === 0)
    throw new Error('case 1: the observers saw nothing');

  const perUpdate = (ms: number | undefined) =>
    `${(((ms as number) * 1e6) / UPDATES).toFixed(0)} ns`;
  const ours = taskSummary(task(bench, 'ours'), { updates: UPDATES });
  const oursObserved = taskSummary(task(bench, 'ours-observed'), {
    updates: UPDATES,
    observers: 1,
  });
  const compare = (
    taskName: string,
    name: string,
    baseline: string,
    mine = ours,
    notes?: string,
  ): CaseResult => {
    const base = taskSummary(task(bench, taskName), { updates: UPDATES });
    return {
      name,
      baseline,
      unit: 'ms',
      ours: mine,
      base,
      ratio: ratio(mine.median_ms as number, base.median_ms as number),
      derived: {
        ours_per_update: perUpdate(mine.median_ms),
        base_per_update: perUpdate(base.median_ms),
      },
      ...(notes && { notes }),
    };
  };
  writeOutput({
    cases: [
      compare(
        'ngrx-store',
        '1a. engine: 100k Inputs, one BasicViewModel',
        '@ngrx/store dispatch + createReducer/on',
      ),
      compare(
        'ngrx-signals',
        '1b. engine: 100k Inputs, one BasicViewModel',
        '@ngrx/signals signalState + patchState',
      ),
      compare(
        'signal',
        '1c. engine: 100k Inputs, one BasicViewModel',
        'Angular signal.update (floor)',
      ),
      compare(
        'ngrx-store-observed',
        '1d. engine, one interceptor reading every notification',
        '@ngrx/store + one subscriber of every action',
        oursObserved,
        'What a synced ViewModel always has: BallastSyncInterceptor observes every notification. NgRx counterpart: an ScannedActionsSubject subscriber, as @ngrx/effects has.',
      ),
    ],
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
