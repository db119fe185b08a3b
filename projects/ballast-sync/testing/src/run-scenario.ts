import {
  BasicViewModel,
  ɵballastError as ballastError,
  ɵsetLongTimeout as setLongTimeout,
  noOpLogger,
  type BallastInterceptor,
  type BallastInterceptorScope,
  type BallastNotification,
  type BallastViewModelConfiguration,
  type EventHandler,
  type InputDropReason,
  type RestartState,
} from 'ballast-sync/core';

/** The longest delay `setTimeout` honours; a longer `timeoutMs` is cut to it (about 24.8 days). */

/**
 * What `running` gets besides the ViewModel, like Ballast's `running { }` block.
 *
 * @example
 * running: async (vm, scenario) => {
 *   scenario.postEvent({ type: 'ShowToast', text: 'hello' }); // delivered to `eventHandler`
 *   while (!scenario.signal.aborted) await vm.sendAndAwaitCompletion({ type: 'Tick' });
 * },
 */
export interface ScenarioScope<E> {
  /**
   * Posts an Event to the ViewModel, as an interceptor would (Ballast's `postEvent()` in
   * `running { }`): it is recorded in `events` and delivered to the scenario's `eventHandler`.
   */
  postEvent(event: E): void;
  /**
   * Aborted once the scenario is over: when `timeoutMs` elapsed (the ViewModel was cleared
   * first), or when `runScenario()` returns. A `running` that loops or waits should stop then.
   */
  readonly signal: AbortSignal;
}

/** A scenario: a ViewModel configuration, an optional starting State, and what to do with it. */
export interface Scenario<I, E, S> extends BallastViewModelConfiguration<I, E, S> {
  /** The State to start from instead of `initialState`. */
  given?: S;
  /** Attached when the ViewModel starts; without one, Events stay buffered (and are still recorded). */
  eventHandler?: EventHandler<I, E>;
  /** Sends Inputs (awaiting or not), may post Events and inspect the ViewModel. */
  running: (vm: BasicViewModel<I, E, S>, scenario: ScenarioScope<E>) => void | Promise<void>;
  /**
   * How long the whole scenario may take, `running` included, until nothing is queued or running
   * (default 1000 ms; `Infinity` for no limit). When it elapses, whatever still runs is cancelled
   * (the ViewModel is cleared), `signal` is aborted, `timedOut` is true, and the results are
   * returned at once: what `running` does afterwards is neither awaited nor recorded.
   */
  timeoutMs?: number;
}

/** Everything a scenario's ViewModel did, read from its notifications. */
export interface ScenarioResults<I, E, S> {
  /** Every notification, in order, from start-up until the harness cleared the ViewModel (included). */
  readonly notifications: readonly BallastNotification<I, E, S>[];
  readonly queuedInputs: readonly I[];
  readonly acceptedInputs: readonly I[];
  readonly rejectedInputs: readonly I[];
  /** With the message of the input guard that refused it (reason `refused` only). */
  readonly droppedInputs: readonly {
    readonly input: I;
    readonly reason: InputDropReason;
    readonly message?: string;
  }[];
  readonly successfulInputs: readonly I[];
  readonly cancelledInputs: readonly I[];
  readonly inputHandlerErrors: readonly { readonly input: I; readonly error: unknown }[];
  /**
   * Events posted (`EventQueued`), whether or not a handler received them. Ballast-test records
   * delivered Events instead: its ViewModel always has an Event handler, so there the two lists
   * differ only when the scenario ends before delivery; here `eventHandler` is optional, so
   * `events` is what the ViewModel posted, handler or not (see `deliveredEvents`).
   */
  readonly events: readonly E[];
  /** Events handed to the `eventHandler` (`EventEmitted`), in order: ballast-test's `events`. */
  readonly deliveredEvents: readonly E[];
  /** Events discarded unread because the Event buffer was full (`EventDropped`). */
  readonly droppedEvents: readonly E[];
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
  /**
   * Whether `running`, or the work it started, was still going when `timeoutMs` elapsed. It was
   * then cancelled by clearing: see `cancelledInputs`, `droppedInputs` and `sideJobs.cancelled`.
   */
  readonly timedOut: boolean;
}

/**
 * Runs a scenario against a fresh ViewModel and returns what it recorded, in the spirit of
 * Ballast's `viewModelTest { scenario { running { } resultsIn { } } }`. `timeoutMs` covers the
 * whole scenario, `running` included, as in ballast-test: a scenario still going when it elapses
 * is cancelled and reported `timedOut`.
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
    throw ballastError(
      `runScenario({ timeoutMs }) needs a number >= 0 (or Infinity); got ${String(timeoutMs)}.`,
    );
  }
  const notifications: BallastNotification<I, E, S>[] = [];
  let recording = true;
  let interceptorScope: BallastInterceptorScope<I, E, S> | undefined;
  const recorder: BallastInterceptor<I, E, S> = {
    name: 'scenario-recorder',
    start: (scope, stream) => {
      interceptorScope = scope;
      return stream.subscribe((n) => recording && notifications.push(n));
    },
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
  const controller = new AbortController();
  const scope: ScenarioScope<E> = {
    postEvent: (event) => (interceptorScope as BallastInterceptorScope<I, E, S>).postEvent(event),
    signal: controller.signal,
  };
  let timedOut = false;
  let cancelDeadline = (): void => undefined;
  try {
    const work = (async () => {
      await running(vm, scope);
      await vm.whenIdle();
    })();
    const deadline = new Promise<'timed out'>((resolve) => {
      cancelDeadline = setLongTimeout(() => resolve('timed out'), timeoutMs);
    });
    timedOut = (await Promise.race([work, deadline])) === 'timed out';
    if (timedOut) work.catch(() => undefined); // `running` may fail later: it is no longer awaited
  } finally {
    cancelDeadline();
    vm.clear(); // what clearing cancels or drops is recorded too
    recording = false;
    controller.abort(
      ballastError(
        timedOut ? `the scenario timed out after ${timeoutMs} ms.` : 'the scenario is over.',
      ),
    );
  }
  return summarize(notifications, timedOut);
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
    droppedInputs: pick('InputDropped').map(({ input, reason, message }) =>
      message === undefined ? { input, reason } : { input, reason, message },
    ),
    successfulInputs: pick('InputHandledSuccessfully').map((n) => n.input),
    cancelledInputs: pick('InputCancelled').map((n) => n.input),
    inputHandlerErrors: pick('InputHandlerError').map(({ input, error }) => ({ input, error })),
    events: pick('EventQueued').map((n) => n.event),
    deliveredEvents: pick('EventEmitted').map((n) => n.event),
    droppedEvents: pick('EventDropped').map((n) => n.event),
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
