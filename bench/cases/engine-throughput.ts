/*
 * Case 1 — engine throughput: 100 000 Inputs through one BasicViewModel (fifo, a synchronous
 * handler doing one updateState) versus the same state transitions as @ngrx/store dispatches
 * through a createReducer/on reducer, as @ngrx/signals patchState on a signalState, and as a bare
 * Angular signal.update (the floor). One sample = 100 000 updates on a fresh instance.
 *
 * Every headline row is observed on both sides, as in an app: ours through
 * `toSignal(observeStates())` (what SyncViewModel does), NgRx Store through
 * `toSignal(store.select(...))`, and each of those signals — and the baselines' own signals — is
 * read by a live view (bench/lib/render.ts) rendered once at the end of the sample. Row 1e keeps
 * the unobserved pair, labeled as such.
 */
import { rootInjector } from '../lib/angular-node';
import { signal, type EnvironmentInjector, type WritableSignal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
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
import { view, type View } from '../lib/render';
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
  /** The live view of the current sample, when it is observed (rendered once at its end). */
  let shown: View | undefined;
  let rendered = 0;
  const observed = { seen: 0 };
  const actionsSeen = { count: 0 };

  const bench = new Bench({
    name: 'engine throughput',
    time: 0,
    iterations: quick ? 5 : 30,
    warmupTime: 0,
    warmupIterations: quick ? 3 : 10,
  });

  /** A view of `count` (the template an app has), or none for the unobserved rows. */
  const show = (count: () => number) => void (shown = view(count));
  /** Renders the view once (what change detection does after the burst) and checks it. */
  const endView = (name: string, count: () => number) => {
    check(name, count());
    if (!shown) return;
    shown.render();
    rendered += shown.renders;
    shown.destroy();
    shown = undefined;
  };
  const newViewModel = (observe: boolean, interceptors = false) => {
    vm = counterViewModel({ interceptors: interceptors ? [countingInterceptor(observed)] : [] });
    if (!observe) return;
    const states = toSignal(vm.observeStates(), { requireSync: true, manualCleanup: true });
    show(() => states().count);
  };
  const endViewModel = (name: string) => {
    const current = vm as CounterViewModel;
    endView(name, () => current.getCurrentState().count);
    current.clear();
  };
  const newStore = (observe: boolean, observeActions = false) => {
    injector?.destroy();
    injector = rootInjector([provideStore({ counter: counterReducer })], 'ngrx-bench');
    store = injector.get(Store) as Store<{ counter: CounterState }>;
    // What @ngrx/effects and the devtools do: observe every action after the reducers ran.
    if (observeActions)
      injector.get(ScannedActionsSubject).subscribe(() => void actionsSeen.count++);
    if (!observe) return;
    // What a component reading the Store does: a `select` subscriber feeding a signal.
    const count = toSignal(
      store.select((s) => s.counter.count),
      {
        requireSync: true,
        manualCleanup: true,
      },
    );
    show(count);
  };
  const endStore = (name: string) =>
    endView(name, () => {
      let count = -1;
      store?.subscribe((s) => (count = s.counter.count)).unsubscribe();
      return count;
    });

  const sendAll = () => {
    const target = vm as CounterViewModel;
    for (let i = 0; i < UPDATES; i++) target.trySend({ type: 'Increment', by: 1 });
  };
  const dispatchAll = () => {
    const target = store as Store<{ counter: CounterState }>;
    for (let i = 0; i < UPDATES; i++) target.dispatch(increment({ by: 1 }));
  };

  bench
    .add('ours-observed', sendAll, {
      async: false,
      beforeEach: () => newViewModel(true),
      afterEach: () => endViewModel('ours-observed'),
    })
    .add('ngrx-store-observed', dispatchAll, {
      async: false,
      beforeEach: () => newStore(true),
      afterEach: () => endStore('ngrx-store-observed'),
    })
    .add(
      'ngrx-signals-observed',
      () => {
        const target = state as ReturnType<typeof signalState<CounterState>>;
        for (let i = 0; i < UPDATES; i++) patchState(target, incrementState);
      },
      {
        async: false,
        beforeEach: () => {
          const current = signalState<CounterState>({ count: 0 });
          state = current;
          show(current.count);
        },
        afterEach: () =>
          endView('ngrx-signals-observed', () =>
            (state as ReturnType<typeof signalState<CounterState>>).count(),
          ),
      },
    )
    .add(
      'signal-observed',
      () => {
        const target = floor as WritableSignal<CounterState>;
        for (let i = 0; i < UPDATES; i++) target.update(incrementState);
      },
      {
        async: false,
        beforeEach: () => {
          const current = signal<CounterState>({ count: 0 });
          floor = current;
          show(() => current().count);
        },
        afterEach: () =>
          endView('signal-observed', () => (floor as WritableSignal<CounterState>)().count),
      },
    )
    .add('ours-observed-interceptor', sendAll, {
      async: false,
      beforeEach: () => newViewModel(true, true),
      afterEach: () => endViewModel('ours-observed-interceptor'),
    })
    .add('ngrx-store-observed-actions', dispatchAll, {
      async: false,
      beforeEach: () => newStore(true, true),
      afterEach: () => endStore('ngrx-store-observed-actions'),
    })
    .add('ours-unobserved', sendAll, {
      async: false,
      beforeEach: () => newViewModel(false),
      afterEach: () => endViewModel('ours-unobserved'),
    })
    .add('ngrx-store-unobserved', dispatchAll, {
      async: false,
      beforeEach: () => newStore(false),
      afterEach: () => endStore('ngrx-store-unobserved'),
    });

  bench.addEventListener('cycle', (event) => progress(`case 1: ${event.task?.name ?? '?'} done`));
  progress(
    `case 1: ${UPDATES} updates per sample, ${bench.iterations} samples per task after ${bench.warmupIterations} warm-up samples`,
  );
  await bench.run();
  injector?.destroy();
  if (observed.seen === 0 || actionsSeen.count === 0 || rendered === 0)
    throw new Error('case 1: the observers saw nothing');

  const perUpdate = (ms: number | undefined) =>
    `${(((ms as number) * 1e6) / UPDATES).toFixed(0)} ns`;
  const compare = (
    oursTask: string,
    baseTask: string,
    name: string,
    baseline: string,
    notes: string,
  ): CaseResult => {
    const ours = taskSummary(task(bench, oursTask), { updates: UPDATES, task: oursTask });
    const base = taskSummary(task(bench, baseTask), { updates: UPDATES, task: baseTask });
    return {
      name,
      baseline,
      unit: 'ms',
      ours,
      base,
      ratio: ratio(ours.median_ms as number, base.median_ms as number),
      derived: {
        ours_per_update: perUpdate(ours.median_ms),
        base_per_update: perUpdate(base.median_ms),
      },
      notes,
    };
  };
  const observedNote =
    'Observed on both sides: ours through toSignal(observeStates()) as SyncViewModel does, the baseline through its own signal; a live view reads it and renders once per sample.';
  writeOutput({
    cases: [
      compare(
        'ours-observed',
        'ngrx-store-observed',
        '1a. engine: 100k Inputs, one BasicViewModel, State observed',
        '@ngrx/store dispatch + createReducer/on, toSignal(store.select()) observed',
        observedNote,
      ),
      compare(
        'ours-observed',
        'ngrx-signals-observed',
        '1b. engine: 100k Inputs, one BasicViewModel, State observed',
        '@ngrx/signals signalState + patchState, read by a live view',
        observedNote,
      ),
      compare(
        'ours-observed',
        'signal-observed',
        '1c. engine: 100k Inputs, one BasicViewModel, State observed',
        'Angular signal.update read by a live view (floor)',
        observedNote,
      ),
      compare(
        'ours-observed-interceptor',
        'ngrx-store-observed-actions',
        '1d. engine, State observed + one interceptor reading every notification',
        '@ngrx/store, select observed + one subscriber of every action',
        'What a synced ViewModel always has: BallastSyncInterceptor observes every notification. NgRx counterpart: an ScannedActionsSubject subscriber, as @ngrx/effects has. Both sides also observe the State as in 1a.',
      ),
      compare(
        'ours-unobserved',
        'ngrx-store-unobserved',
        '1e. UNOBSERVED (no app runs this way): 100k Inputs, nobody observing',
        '@ngrx/store dispatch, nobody selecting',
        'Nobody observes either side: ours skips notifications and the State stream. Kept to show what observation costs; the headline is 1a.',
      ),
    ],
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
