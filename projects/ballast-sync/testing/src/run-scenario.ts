import {
  BasicViewModel,
  ballastError,
  noOpLogger,
  type BallastInterceptor,
  type BallastNotification,
  type BallastViewModelConfiguration,
  type EventHandler,
  type InputDropReason,
  type RestartState,
} from 'ballast-sync/core';

/** A scenario: a ViewModel configuration, an optional starting State, and what to do with it. */
export interface Scenario<I, E, S> extends BallastViewModelConfiguration<I, E, S> {
  /** The State to start from instead of `initialState`. */
  given?: S;
  /** Attached when the ViewModel starts; without one, Events stay buffered (and are still recorded). */
  eventHandler?: EventHandler<I, E>;
  /** Sends Inputs (awaiting or not) and may inspect the ViewModel. */
  running: (vm: BasicViewModel<I, E, S>) => void | Promise<void>;
  /** How long to wait, after `running` returned, for queued work and side jobs to settle (default 1000 ms). */
  timeoutMs?: number;
}

/** Everything a scenario's ViewModel did, read from its notifications. */
export interface ScenarioResults<I, E, S> {
  /** Every notification, in order, from start-up until the harness cleared the ViewModel (included). */
  readonly notifications: readonly BallastNotification<I, E, S>[];
  readonly queuedInputs: readonly I[];
  readonly acceptedInputs: readonly I[];
  readonly rejectedInputs: readonly I[];
  readonly droppedInputs: readonly { readonly input: I; readonly reason: InputDropReason }[];
  readonly successfulInputs: readonly I[];
  readonly cancelledInputs: readonly I[];
  readonly inputHandlerErrors: readonly { readonly input: I; readonly error: unknown }[];
  /** Events posted (`EventQueued`), whether or not a handler received them. */
  readonly events: readonly E[];
  readonly eventHandlerErrors: readonly { readonly event: E; readonly error: unknown }[];
  /** Every `StateChanged`, the initial State first (not deduplicated). */
  readonly states: readonly S[];
  readonly sideJobs: {
    readonly queued: readonly string[];
    readonly started: readonly { readonly key: string; readonly restartState: RestartState }[];
    readonly completed: readonly string[];
    readonly cancelled: readonly string[];
    readonly errors: readonly { readonly key: string; readonly error: unknown }[];
  };
  readonly unhandledErrors: readonly unknown[];
  readonly latestState: S;
  /** Whether work was still running when `timeoutMs` elapsed (it was then cancelled by clearing: see `sideJobs.cancelled`). */
  readonly timedOut: boolean;
}

/**
 * Runs a scenario against a fresh ViewModel and returns what it recorded, in the spirit of
 * Ballast's `viewModelTest { scenario { running { } resultsIn { } } }`.
 *
 * @example
 * const results = await runScenario({
 *   ...counterConfig,
 *   given: { count: 1 },
 *   running: async (vm) => { await vm.sendAndAwaitCompletion({ type: 'Increment' }); },
 * });
 * expect(results.latestState).toEqual({ count: 2 });
 * expect(results.successfulInputs).toEqual([{ type: 'Increment' }]);
 */
export async function runScenario<I, E, S>(
  scenario: Scenario<I, E, S>,
): Promise<ScenarioResults<I, E, S>> {
  if (scenario === null || typeof scenario !== 'object' || typeof scenario.running !== 'function') {
    throw ballastError('runScenario() needs { initialState, inputHandler, running: (vm) => ... }.');
  }
  const timeoutMs = scenario.timeoutMs ?? 1000;
  if (typeof timeoutMs !== 'number' || !(timeoutMs >= 0)) {
    throw ballastError(`runScenario({ timeoutMs }) needs a number >= 0; got ${String(timeoutMs)}.`);
  }
  const notifications: BallastNotification<I, E, S>[] = [];
  let recording = true;
  const recorder: BallastInterceptor<I, E, S> = {
    name: 'scenario-recorder',
    start: (_scope, stream) => stream.subscribe((n) => recording && notifications.push(n)),
  };
  const { running, given, eventHandler, timeoutMs: _timeout, ...config } = scenario;
  const vm = new BasicViewModel<I, E, S>(
    {
      logger: noOpLogger,
      ...config,
      initialState: 'given' in scenario ? (given as S) : config.initialState,
      interceptors: [recorder, ...(config.interceptors ?? [])],
    },
    eventHandler,
  );
  let timedOut = false;
  try {
    await running(vm);
    timedOut = !(await settlesWithin(vm.whenIdle(), timeoutMs));
  } finally {
    vm.clear(); // what clearing cancels or drops is recorded too
    recording = false;
  }
  return summarize(notifications, timedOut);
}

/** Whether `promise` settles within `ms` milliseconds. */
async function settlesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function summarize<I, E, S>(
  notifications: readonly BallastNotification<I, E, S>[],
  timedOut: boolean,
): ScenarioResults<I, E, S> {
  const pick = <T extends BallastNotification<I, E, S>['type']>(type: T) =>
    notifications.filter(
      (n): n is Extract<BallastNotification<I, E, S>, { type: T }> => n.type === type,
    );
  const states = pick('StateChanged').map((n) => n.state);
  return {
    notifications,
    queuedInputs: pick('InputQueued').map((n) => n.input),
    acceptedInputs: pick('InputAccepted').map((n) => n.input),
    rejectedInputs: pick('InputRejected').map((n) => n.input),
    droppedInputs: pick('InputDropped').map(({ input, reason }) => ({ input, reason })),
    successfulInputs: pick('InputHandledSuccessfully').map((n) => n.input),
    cancelledInputs: pick('InputCancelled').map((n) => n.input),
    inputHandlerErrors: pick('InputHandlerError').map(({ input, error }) => ({ input, error })),
    events: pick('EventQueued').map((n) => n.event),
    eventHandlerErrors: pick('EventHandlerError').map(({ event, error }) => ({ event, error })),
    states,
    sideJobs: {
      queued: pick('SideJobQueued').map((n) => n.key),
      started: pick('SideJobStarted').map(({ key, restartState }) => ({ key, restartState })),
      completed: pick('SideJobCompleted').map((n) => n.key),
      cancelled: pick('SideJobCancelled').map((n) => n.key),
      errors: pick('SideJobError').map(({ key, error }) => ({ key, error })),
    },
    unhandledErrors: pick('UnhandledError').map((n) => n.error),
    latestState: states[states.length - 1] as S,
    timedOut,
  };
}
