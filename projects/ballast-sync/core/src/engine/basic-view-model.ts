import type { Observable, TeardownLogic } from 'rxjs';
import { ballastError, describeValue } from './errors';
import { EventBus, type EventBusHost } from './event-bus';
import { InputProcessor, type InputGuardObject, type InputProcessorHost } from './input-processor';
import { InputQueue, type InputItem, type InputQueueHost, type InputSource } from './input-queue';
import { fifo } from './input-strategy';
import type { BallastInterceptor, InputGuard, InterceptorQueueItem } from './interceptor';
import { createInterceptorScope, type InterceptorScopeHost } from './interceptor-scope';
import { IsolatedObservable } from './isolate';
import { defaultConsoleLogger, type BallastLogger } from './logger';
import { NotificationBus } from './notification-bus';
import type { BallastNotification, InputDropReason, ViewModelStatus } from './notifications';
import type { EventHandler } from './scopes';
import { setLongTimeout } from './set-long-timeout';
import { SideJobRunner, type SideJobHost } from './side-job-runner';
import { StateStream, type StateStreamHost } from './state-stream';
import { validateConfiguration } from './validate-configuration';
import type { BallastViewModelConfiguration, InputOutcome } from './view-model-config';

/** Angular's development flag: `false` in production builds (long messages are dropped). */
declare const ngDevMode: unknown;

type Notification<I, E, S> = BallastNotification<I, E, S>;

/** The callbacks the processor, scopes, side jobs and events use to reach their ViewModel. */
type ViewModelHost<I, E, S> = InputProcessorHost<I, E, S> &
  SideJobHost<I, E, S> &
  EventBusHost<I, E, S> &
  InterceptorScopeHost<I, E, S> &
  StateStreamHost<S>;

/** Who a throwing subscriber of observeStates() (or a state watcher) is reported as. */
const STATES_SUBSCRIBER = 'a subscriber of observeStates()';

/**
 * Internal (for the Angular layer): one listener told of every State as an `observeStates()`
 * subscriber would be (deduplicated with `stateEquals`, never from inside the InputHandler, what
 * it throws reported as `UnhandledError`), without the Observable, Subject and subscriptions.
 */
export interface StateWatcher<S> {
  /** The State it was last given (what the next one is compared with). */
  readonly watchedState: S;
  stateChanged(state: S): void;
}

/**
 * Internal: makes `watcher` the one {@link StateWatcher} of `vm` (undefined removes it); it is
 * let go when the ViewModel is cleared. It starts from `watcher.watchedState`.
 */
export function watchStates<I, E, S>(
  vm: BasicViewModel<I, E, S>,
  watcher: StateWatcher<S> | undefined,
): void {
  vm['stateWatcher'] = vm.status === 'Cleared' ? undefined : watcher;
}

/** What an interceptor's start() returned, to end it when the ViewModel is cleared. */
type Teardown = Exclude<TeardownLogic, void>;

/** What `idleWaiters` holds until something is added (never mutated). */
const NONE: readonly never[] = Object.freeze([]);

/**
 * A ViewModel: Inputs go through one queue to the InputHandler, which updates the State, posts
 * Events and starts side jobs. It starts when constructed and ends with `clear()` or
 * `shutDownGracefully()`.
 *
 * @example
 * const vm = new BasicViewModel<CounterInput, never, { count: number }>({
 *   name: 'counter',
 *   initialState: { count: 0 },
 *   inputHandler: (input, scope) => scope.updateState((s) => ({ count: s.count + input.by })),
 * });
 * vm.trySend({ type: 'Increment', by: 1 });
 */
export class BasicViewModel<I, E, S> {
  readonly name: string;
  private currentStatus: ViewModelStatus = 'Running';
  private state: S;
  /** What observeStates() returns (isolated), made on first call. */
  private states$: Observable<S> | undefined;
  /** Its subscribers; created with it. */
  private stateStream: StateStream<S> | undefined;
  /** What a new observeStates() subscriber starts with (lags `state` during StateChanged). */
  private statesValue: S;
  /** Told of States as an observeStates() subscriber would be (see {@link watchStates}). */
  private stateWatcher: StateWatcher<S> | undefined;
  private readonly stateEquals: (a: S, b: S) => boolean;
  private readonly logger: BallastLogger;
  private readonly bus = new NotificationBus<Notification<I, E, S>>();
  /** What observeNotifications() returns: the bus, with its subscribers isolated (made on first call). */
  private notifications$: Observable<Notification<I, E, S>> | undefined;
  private readonly queue: InputQueue<I, S>;
  private readonly processor: InputProcessor<I, E, S>;
  private readonly sideJobs: SideJobRunner<I, E, S>;
  /** Created when the first Event is posted or a handler attached (most ViewModels have neither). */
  private events: EventBus<I, E, S> | undefined;
  private readonly eventBufferCapacity: number;
  /** The one object its parts reach it through (its methods call this ViewModel's private ones). */
  private readonly host: ViewModelHost<I, E, S>;
  /** What its interceptors' start() returned: none, one (most ViewModels), or an exact-size array. */
  private teardowns: Teardown | readonly Teardown[] | undefined;
  // Replaced (never mutated) when something is added: most ViewModels never add to these two.
  private idleWaiters: readonly (() => void)[] = NONE;
  /** Set by shutDownGracefully(): what it returns, and what clear() calls to resolve it. */
  private shutdown: { readonly done: Promise<void>; readonly cleared: () => void } | undefined;

  constructor(config: BallastViewModelConfiguration<I, E, S>, eventHandler?: EventHandler<I, E>) {
    const valid = validateConfiguration(config);
    this.name = valid.name;
    this.state = config.initialState;
    this.statesValue = this.state;
    this.stateEquals = valid.stateEquals;
    this.logger = config.logger ?? defaultConsoleLogger();
    const host = (this.host = new Host(this));
    this.queue = new InputQueue(valid.capacity, valid.overflow, host);
    this.sideJobs = new SideJobRunner(host);
    this.eventBufferCapacity = valid.eventBufferCapacity;
    this.processor = new InputProcessor(
      host,
      this.queue,
      config.inputStrategy ?? fifo(),
      config.inputHandler,
      this.sideJobs,
      this.bus,
    );

    this.startInterceptors(config.interceptors ?? [], host);
    this.notify({ type: 'ViewModelStatusChanged', status: 'Running' });
    this.notify({ type: 'StateChanged', state: this.state });
    this.processor.start();
    if (eventHandler !== undefined) this.attachEventHandler(eventHandler);
    this.pump();
  }

  get status(): ViewModelStatus {
    return this.currentStatus;
  }

  getCurrentState(): S {
    return this.state;
  }

  /**
   * The State, current value first, deduplicated with `stateEquals`. Completes when cleared. A
   * subscriber that throws (or whose pipe fails without an error callback) cannot harm the
   * ViewModel or the process: that becomes an `UnhandledError` notification.
   */
  observeStates(): Observable<S> {
    return (this.states$ ??= this.isolated(
      (this.stateStream = new StateStream(this.host)),
      STATES_SUBSCRIBER,
    ));
  }

  /**
   * Every notification from now on, in the order every interceptor sees them. A subscriber that
   * throws (or whose pipe fails without an error callback) cannot harm the ViewModel or the
   * process: that becomes an `UnhandledError` notification, and the others still get everything.
   */
  observeNotifications(): Observable<Notification<I, E, S>> {
    return (this.notifications$ ??= this.isolated(
      this.bus,
      'a subscriber of observeNotifications()',
    ));
  }

  /**
   * Queues an Input now; returns false when the queue dropped it (full). What happens to a queued
   * Input next (handled, rejected by the filter, refused by a guard such as a Replica's
   * `maxPendingInputs`) is its outcome: `sendAndAwaitCompletion()` returns it, and every drop is
   * an `InputDropped` notification.
   */
  trySend(input: I): boolean {
    this.checkCanSend('trySend', input, 'outside');
    if (this.bus.observed) this.notify({ type: 'InputQueued', input });
    const item = { type: 'input', input, from: 'outside', settle: undefined } as const;
    const queued = this.queue.offer(item, 'drop') as boolean;
    if (queued) this.pump();
    return queued;
  }

  /** Resolves once the Input is queued (waiting for room when the queue is full). */
  async send(input: I): Promise<void> {
    this.checkCanSend('send', input, 'outside');
    return this.enqueue(input, 'outside');
  }

  /**
   * How a side job or the Event handler posts an Input (`scope.postInput()`): like `send()`, but
   * still accepted while the ViewModel shuts down gracefully, so the work it is finishing is not
   * lost (as in Ballast, whose main queue stays open while side jobs wind down).
   */
  private async postOwnInput(input: I): Promise<void> {
    this.checkCanSend('postInput', input, 'own-work');
    return this.enqueue(input, 'own-work');
  }

  private async enqueue(input: I, from: InputSource): Promise<void> {
    if (this.bus.observed) this.notify({ type: 'InputQueued', input });
    const offered = this.queue.offer({ type: 'input', input, from, settle: undefined }, 'wait');
    if (offered === true) return this.pump();
    if (offered === false || !(await offered)) {
      throw ballastError(
        typeof ngDevMode === 'undefined' || ngDevMode
          ? `Input "${describeValue(input)}" was dropped before it was queued (ViewModel "${this.name}", ` +
              `status ${this.currentStatus}). See the InputDropped notification; raise inputQueue.capacity if the queue was full.`
          : 1,
      );
    }
  }

  /**
   * Resolves with the outcome once the Input was handled, rejected, cancelled, dropped or failed.
   *
   * Awaiting it inside an InputHandler of this same ViewModel would never end under `fifo()` (the
   * new Input waits for the running one) and would cancel the caller under `lifo()`, so a call made
   * while the handler runs synchronously rejects with an error saying what to do instead. Only the
   * synchronous part of a handler can be detected: after its first `await`, such a call is not
   * caught and deadlocks. From anywhere else (a component, a side job, an Event handler, a
   * subscriber) it just waits, as it does under `parallel()`.
   *
   * @example
   * const outcome = await vm.sendAndAwaitCompletion({ type: 'Save' });
   * if (outcome.status !== 'handled') showError(outcome);
   */
  async sendAndAwaitCompletion(input: I): Promise<InputOutcome> {
    this.checkCanSend('sendAndAwaitCompletion', input, 'outside');
    this.processor.checkNotAwaitedByHandler('sendAndAwaitCompletion', input);
    return this.queueAndAwait(input);
  }

  private queueAndAwait(input: I, started?: () => void): Promise<InputOutcome> {
    if (this.bus.observed) this.notify({ type: 'InputQueued', input });
    return new Promise<InputOutcome>((settle) => {
      const item = { type: 'input', input, from: 'outside', started, settle } as const;
      if (this.queue.offer(item, 'wait') === true) this.pump();
    });
  }

  /** Delivers buffered and future Events to `handler`; returns a function that detaches it. */
  attachEventHandler(handler: EventHandler<I, E>): () => void {
    return this.eventBus().attach(handler);
  }

  /** Resolves when no item is queued or running, no side job runs and no Event awaits delivery. */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => (this.idleWaiters = [...this.idleWaiters, resolve]));
  }

  /** The Event bus, created on first use (closed at once when the ViewModel is already cleared). */
  private eventBus(): EventBus<I, E, S> {
    if (this.events) return this.events;
    const events = (this.events = new EventBus(this.host, this.eventBufferCapacity));
    if (this.currentStatus === 'Cleared') events.close();
    return events;
  }

  /**
   * Stops accepting Inputs from outside (`trySend()`, `send()`, `sendAndAwaitCompletion()`,
   * interceptors; those waiting for room in a full queue are dropped), lets queued items finish,
   * waits for running Inputs, side jobs and Event deliveries, then clears. Until then the
   * ViewModel's own work may still post Inputs with `scope.postInput()` (side jobs and the Event
   * handler), and they are handled, as in Ballast. Whatever is still running `gracePeriodMs`
   * after the call is cancelled by clearing, however much is still being posted; `Infinity` waits
   * for everything and never forces a clear (any finite period works too, even beyond
   * `setTimeout`'s 2^31 - 1 ms). Resolves once cleared.
   *
   * @example
   * await vm.shutDownGracefully(10_000); // or Infinity: let running work finish, however long
   */
  shutDownGracefully(gracePeriodMs = 5000): Promise<void> {
    if (typeof gracePeriodMs !== 'number' || !(gracePeriodMs >= 0)) {
      return Promise.reject(
        ballastError(
          typeof ngDevMode === 'undefined' || ngDevMode
            ? `shutDownGracefully(gracePeriodMs) needs a number >= 0; got ${String(gracePeriodMs)}.`
            : 2,
        ),
      );
    }
    if (this.currentStatus === 'Cleared') return Promise.resolve();
    if (!this.shutdown) {
      this.setStatus('ShuttingDown');
      this.queue.dropWaiting('shutting-down', (item) => item.from === 'outside');
      const cancelTimer = setLongTimeout(() => this.clear(), gracePeriodMs);
      let resolve: () => void = () => undefined;
      const done = new Promise<void>((resolved) => (resolve = resolved));
      this.shutdown = {
        done,
        cleared: () => {
          cancelTimer();
          resolve();
        },
      };
      this.queue.push({ type: 'shutdown', settle: undefined });
      this.pump();
    }
    return this.shutdown.done;
  }

  /**
   * Ends the ViewModel now: cancels running Inputs and side jobs, drops queued Inputs (each with
   * `InputDropped`, settling awaiting callers), stops Events, tears interceptors down and completes
   * every stream. Sending afterwards throws.
   */
  clear(): void {
    if (this.currentStatus === 'Cleared') return;
    this.currentStatus = 'Cleared';
    this.processor.close();
    this.queue.drain('cleared');
    this.sideJobs.cancelAll();
    this.events?.close();
    this.notify({ type: 'ViewModelStatusChanged', status: 'Cleared' });
    const teardowns = this.teardowns;
    this.teardowns = undefined;
    if (Array.isArray(teardowns)) for (const teardown of teardowns) this.tearDown(teardown);
    else if (teardowns !== undefined) this.tearDown(teardowns as Teardown);
    this.bus.complete();
    this.stateWatcher = undefined;
    this.stateStream?.complete();
    this.checkIdle();
    this.shutdown?.cleared();
  }

  private tearDown(teardown: Teardown): void {
    try {
      if (typeof teardown === 'function') teardown();
      else teardown.unsubscribe();
    } catch (error) {
      this.logger.error(
        typeof ngDevMode === 'undefined' || ngDevMode
          ? `ballast-sync: an interceptor of ViewModel "${this.name}" failed to tear down.`
          : `ballast-sync: [BS51] "${this.name}"`,
        error,
      );
    }
  }

  private startInterceptors(
    interceptors: readonly BallastInterceptor<I, E, S>[],
    host: ViewModelHost<I, E, S>,
  ): void {
    const scope = createInterceptorScope(host);
    const results: Notification<I, E, S>[] = [];
    const teardowns: Teardown[] = [];
    for (const interceptor of interceptors) {
      const notifications$ = this.isolated(this.bus, interceptor);
      try {
        const teardown = interceptor.start(scope, notifications$);
        if (teardown) teardowns.push(teardown);
        results.push({ type: 'InterceptorAttached', interceptor });
      } catch (error) {
        results.push({ type: 'InterceptorFailed', interceptor, error });
      }
    }
    // One is kept as is; several in an exact-size copy (a pushed-to array keeps room for 16 more).
    if (teardowns.length === 1) this.teardowns = teardowns[0];
    else if (teardowns.length > 1) this.teardowns = teardowns.slice();
    for (const result of results) this.notify(result);
  }

  private restore(
    item: Extract<InterceptorQueueItem<I, S>, { type: 'restore' }>,
    settle: ((outcome: InputOutcome) => void) | undefined,
  ): void {
    if (this.currentStatus !== 'Running') {
      throw ballastError(
        typeof ngDevMode === 'undefined' || ngDevMode
          ? `a State was restored into ViewModel "${this.name}" while it was ${this.currentStatus}.`
          : 3,
      );
    }
    const queued = { type: 'restore', state: item.state, rebase: item.rebase, settle } as const;
    if (item.placement === 'before-queued') this.queue.pushFirst(queued);
    else this.queue.push(queued);
    this.pump();
  }

  /** What the queue would do with a restore of `state` right now, if it would run it at once. */
  private restoreNow(state: S): boolean {
    if (this.currentStatus !== 'Running' || !this.processor.isIdle()) return false;
    this.setState(state);
    return true;
  }

  /** Inputs of its own work (side jobs, the Event handler) may still come while shutting down. */
  private checkCanSend(method: string, input: I, from: InputSource): void {
    if (this.currentStatus === 'Cleared') {
      throw ballastError(
        typeof ngDevMode === 'undefined' || ngDevMode
          ? `${method}() was called on ViewModel "${this.name}" after it was cleared; it accepts no more Inputs. ` +
              'Stop sending when its owner is destroyed, or create a new ViewModel.'
          : 4,
      );
    }
    if (this.currentStatus === 'ShuttingDown' && from === 'outside') {
      throw ballastError(
        typeof ngDevMode === 'undefined' || ngDevMode
          ? `${method}() was called on ViewModel "${this.name}" after it was asked to shut down; it accepts no more Inputs ` +
              'from outside (only its side jobs and Event handler may still post them, with scope.postInput(), until it is ' +
              'cleared). Stop sending when its owner is destroyed, or create a new ViewModel.'
          : 5,
      );
    }
    if (input === undefined || input === null) {
      throw ballastError(
        typeof ngDevMode === 'undefined' || ngDevMode
          ? `${method}() needs an Input; got ${String(input)}.`
          : 6,
      );
    }
  }

  /** Runs the queue, then resolves whenIdle() waiters if that left nothing to do. */
  private pump(): void {
    if (this.processor.pump()) this.checkIdle();
  }

  /**
   * The shutdown item was reached: everything queued before it was dispatched. Only Inputs the
   * ViewModel's own work posted can follow it; they run too, and it clears once all is idle (or
   * when the grace period is over).
   */
  private finishShutdown(): void {
    void this.whenIdle().then(() => this.clear());
  }

  private drop(item: InputItem<I, S>, reason: InputDropReason): void {
    this.notify({ type: 'InputDropped', input: item.input, reason });
    item.settle?.({ status: 'dropped', reason });
  }

  private setState(state: S): void {
    this.state = state;
    if (this.bus.observed) this.notify({ type: 'StateChanged', state });
    this.statesValue = state;
    const stream = this.stateStream;
    const watcher = this.stateWatcher;
    if (watcher !== undefined || stream?.observed) {
      const inHandler = this.processor.inputInHandler; // subscribers are not the handler
      this.processor.inputInHandler = undefined;
      if (watcher !== undefined) this.tellWatcher(watcher, state);
      if (stream?.observed) stream.emit(state);
      this.processor.inputInHandler = inHandler;
    }
  }

  /**
   * What an observeStates() subscriber would get: a State unequal (by `stateEquals`) to the last
   * one, what it throws reported as such a subscriber's; a throwing `stateEquals` ends it.
   */
  private tellWatcher(watcher: StateWatcher<S>, state: S): void {
    let equal: boolean;
    try {
      equal = this.stateEquals(watcher.watchedState, state);
    } catch (error) {
      this.stateWatcher = undefined;
      return this.subscriberFailed(STATES_SUBSCRIBER, error);
    }
    if (equal) return;
    try {
      watcher.stateChanged(state);
    } catch (error) {
      this.subscriberFailed(STATES_SUBSCRIBER, error);
    }
  }

  private setStatus(status: ViewModelStatus): void {
    this.currentStatus = status;
    this.notify({ type: 'ViewModelStatusChanged', status });
  }

  /**
   * Emits a notification (and logs it when it carries an error). The hot paths (InputQueued,
   * InputAccepted, InputHandledSuccessfully, StateChanged) only build theirs when `bus.observed`:
   * nobody would receive it, so nothing is lost, and an unobserved ViewModel allocates less.
   */
  private notify(notification: Notification<I, E, S>): void {
    const inHandler = this.processor.inputInHandler; // subscribers are not the handler
    this.processor.inputInHandler = undefined;
    this.bus.emit(notification);
    this.processor.inputInHandler = inHandler;
    if ('error' in notification) {
      this.logger.error(
        `ballast-sync: ${notification.type} in ViewModel "${this.name}".`,
        notification.error,
      );
    }
  }

  /**
   * `source` with its subscribers isolated: what one throws (or an error its pipe delivers with no
   * error callback) becomes an `UnhandledError` notification, naming `who`, instead of reaching
   * rxjs, which would rethrow it from a timer and crash a Node process.
   */
  private isolated<T>(
    source: Observable<T>,
    who: string | BallastInterceptor<I, E, S>,
  ): Observable<T> {
    return new SubscribersOf(source, this, who);
  }

  /**
   * A subscriber (`who`) threw `cause`: an `UnhandledError` notification. A subscriber that throws
   * while receiving an UnhandledError is only logged: notifying it again could loop forever.
   */
  private subscriberFailed(who: string | BallastInterceptor<I, E, S>, cause: unknown): void {
    const describe = () => (typeof who === 'string' ? who : interceptorSubscriber(who));
    const error = ballastError(
      typeof ngDevMode === 'undefined' || ngDevMode
        ? `${describe()} of ViewModel "${this.name}" threw (or its pipe failed with no error callback); ` +
            'the ViewModel went on. Catch errors in that subscriber, or add catchError() to its pipe.'
        : 7,
      { cause },
    );
    if (this.bus.delivered?.type === 'UnhandledError') {
      this.logger.error(
        typeof ngDevMode === 'undefined' || ngDevMode
          ? `ballast-sync: ${describe()} of ViewModel "${this.name}" threw while receiving an UnhandledError; ` +
              'it is only logged (notifying it again could loop).'
          : `ballast-sync: [BS50] "${this.name}"`,
        error,
      );
    } else {
      this.notify({ type: 'UnhandledError', error });
    }
  }

  /**
   * Whether nothing is queued or running, no side job runs and no Event awaits delivery (what
   * `whenIdle()` waits for); true once cleared.
   */
  isIdle(): boolean {
    return (
      this.currentStatus === 'Cleared' ||
      (this.queue.size === 0 &&
        this.processor.runningInputs === 0 &&
        this.sideJobs.running === 0 &&
        !this.events?.busy)
    );
  }

  private checkIdle(): void {
    if (this.idleWaiters.length === 0 || !this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = NONE;
    for (const resolve of waiters) resolve();
  }
}

/**
 * An Observable of a ViewModel whose subscribers are isolated (see `isolated()`): reports to its
 * ViewModel, naming `who` (three fields, instead of a report closure and its context).
 */
class SubscribersOf<T, I, E, S> extends IsolatedObservable<T> {
  constructor(
    source: Observable<T>,
    private readonly vm: BasicViewModel<I, E, S>,
    private readonly who: string | BallastInterceptor<I, E, S>,
  ) {
    super(source);
  }

  protected reportError(error: unknown): void {
    this.vm['subscriberFailed'](this.who, error);
  }
}

/** Who an interceptor's isolated notifications blame (only built when one of them throws). */
function interceptorSubscriber(interceptor: BallastInterceptor<unknown, unknown, unknown>): string {
  const name = interceptor.name === undefined ? '' : ` "${interceptor.name}"`;
  return `a subscriber to the notifications given to interceptor${name}`;
}

/**
 * How the processor, scopes, side jobs, queue and Events reach their ViewModel: one small object
 * whose methods call the ViewModel's private ones (one per ViewModel, instead of a closure per
 * callback). Private members are reached with bracket access, which TypeScript type-checks.
 */
class Host<I, E, S> implements ViewModelHost<I, E, S>, InputQueueHost<I, S> {
  constructor(private readonly vm: BasicViewModel<I, E, S>) {}

  get currentState(): S {
    return this.vm['statesValue'];
  }

  get ended(): boolean {
    return this.vm.status === 'Cleared';
  }

  equals(a: S, b: S): boolean {
    return this.vm['stateEquals'](a, b);
  }

  get name(): string {
    return this.vm.name;
  }

  get logger(): BallastLogger {
    return this.vm['logger'];
  }

  getState(): S {
    return this.vm['state'];
  }

  setState(state: S): void {
    this.vm['setState'](state);
  }

  postEvent(event: E): void {
    this.vm['eventBus']().post(event);
  }

  /** An interceptor's: from outside. */
  postInput(input: I): Promise<void> {
    return this.vm.send(input);
  }

  /** A side job's, the Event handler's. */
  postOwnInput(input: I): Promise<void> {
    return this.vm['postOwnInput'](input);
  }

  postInputAndAwait(input: I, started?: () => void): Promise<InputOutcome> {
    this.vm['checkCanSend']('sendToQueueAndAwaitCompletion', input, 'outside');
    return this.vm['queueAndAwait'](input, started);
  }

  restore(
    item: Extract<InterceptorQueueItem<I, S>, { type: 'restore' }>,
    settle: ((outcome: InputOutcome) => void) | undefined,
  ): void {
    this.vm['restore'](item, settle);
  }

  restoreNow(state: S): boolean {
    return this.vm['restoreNow'](state);
  }

  addInputGuard(guard: InputGuard<I>): () => void {
    return this.vm['processor'].addGuard(guard);
  }

  addInputGuardObject(guard: InputGuardObject<I>): void {
    this.vm['processor'].addGuardObject(guard);
  }

  removeInputGuard(guard: InputGuardObject<I>): void {
    this.vm['processor'].removeGuard(guard);
  }

  notify(notification: Notification<I, E, S>): void {
    this.vm['notify'](notification);
  }

  onDrop(item: InputItem<I, S>, reason: InputDropReason): void {
    this.vm['drop'](item, reason);
  }

  onShutdownReached(): void {
    this.vm['finishShutdown']();
  }

  onInputSettled(): void {
    this.vm['pump']();
  }

  onJobSettled(): void {
    this.vm['checkIdle']();
  }

  onEventsSettled(): void {
    this.vm['checkIdle']();
  }
}
