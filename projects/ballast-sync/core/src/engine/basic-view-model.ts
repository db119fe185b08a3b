import {
  BehaviorSubject,
  defer,
  distinctUntilChanged,
  type Observable,
  type TeardownLogic,
} from 'rxjs';
import { ballastError, describeValue } from './errors';
import { EventBus } from './event-bus';
import { InputHandlerContext } from './input-handler-context';
import { InputQueue, type InputItem, type QueueItem } from './input-queue';
import { fifo, type InputStrategy } from './input-strategy';
import type {
  BallastInterceptor,
  BallastInterceptorScope,
  InterceptorQueueItem,
} from './interceptor';
import { createConsoleLogger, type BallastLogger } from './logger';
import { NotificationBus } from './notification-bus';
import type { BallastNotification, InputDropReason, ViewModelStatus } from './notifications';
import type { EventHandler, InputHandler } from './scopes';
import { SideJobRunner } from './side-job-runner';
import { validateConfiguration } from './validate-configuration';
import type { BallastViewModelConfiguration, InputOutcome } from './view-model-config';

type Notification<I, E, S> = BallastNotification<I, E, S>;

interface RunningInput<I, E, S> {
  readonly context: InputHandlerContext<I, E, S>;
  readonly item: InputItem<I, S>;
}

const HANDLED: InputOutcome = { status: 'handled' };

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

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
  /** Emits only while observed; observeStates() catches it up to `statesValue` on subscription. */
  private readonly states$: BehaviorSubject<S>;
  /** What `states$` would hold had it been given every State (lags `state` during StateChanged). */
  private statesValue: S;
  private readonly stateEquals: (a: S, b: S) => boolean;
  private readonly inputHandler: InputHandler<I, E, S>;
  private readonly strategy: InputStrategy<I, S>;
  private readonly logger: BallastLogger;
  private readonly bus = new NotificationBus<Notification<I, E, S>>();
  private readonly queue: InputQueue<I, S>;
  private readonly running = new Set<RunningInput<I, E, S>>();
  private readonly sideJobs: SideJobRunner<I, E, S>;
  private readonly events: EventBus<I, E, S>;
  private readonly teardowns: Exclude<TeardownLogic, void>[] = [];
  private readonly idleWaiters: (() => void)[] = [];
  private readonly clearedCallbacks: (() => void)[] = [];
  private started = false;
  private pumping = false;
  private shutdown: Promise<void> | undefined;

  /** The callbacks the scopes, side jobs and events use to reach this ViewModel. */
  private readonly host: {
    readonly name: string;
    getState(): S;
    setState(state: S): void;
    postEvent(event: E): void;
    postInput(input: I): Promise<void>;
    notify(notification: Notification<I, E, S>): void;
    onJobSettled(): void;
    onEventsSettled(): void;
  };

  constructor(config: BallastViewModelConfiguration<I, E, S>, eventHandler?: EventHandler<I, E>) {
    const valid = validateConfiguration(config);
    this.name = valid.name;
    this.host = {
      name: this.name,
      getState: () => this.state,
      setState: (state) => this.setState(state),
      postEvent: (event) => this.events.post(event),
      postInput: (input) => this.send(input),
      notify: (notification) => this.notify(notification),
      onJobSettled: () => this.checkIdle(),
      onEventsSettled: () => this.checkIdle(),
    };
    this.state = config.initialState;
    this.states$ = new BehaviorSubject(this.state);
    this.statesValue = this.state;
    this.stateEquals = valid.stateEquals;
    this.inputHandler = config.inputHandler;
    this.strategy = config.inputStrategy ?? fifo();
    this.logger = config.logger ?? createConsoleLogger();
    this.queue = new InputQueue(valid.capacity, valid.overflow, (item, reason) =>
      this.drop(item, reason),
    );
    this.sideJobs = new SideJobRunner(this.host);
    this.events = new EventBus(this.host);

    this.startInterceptors(config.interceptors ?? []);
    this.notify({ type: 'ViewModelStatusChanged', status: 'Running' });
    this.notify({ type: 'StateChanged', state: this.state });
    this.started = true;
    if (eventHandler !== undefined) this.attachEventHandler(eventHandler);
    this.pump();
  }

  get status(): ViewModelStatus {
    return this.currentStatus;
  }

  getCurrentState(): S {
    return this.state;
  }

  /** The State, current value first, deduplicated with `stateEquals`. Completes when cleared. */
  observeStates(): Observable<S> {
    return defer(() => {
      // setState() skips the subject while nobody observes it: catch it up before subscribing.
      if (!this.states$.observed && this.states$.getValue() !== this.statesValue)
        this.states$.next(this.statesValue);
      return this.states$;
    }).pipe(distinctUntilChanged(this.stateEquals));
  }

  /** Every notification from now on, in the order every interceptor sees them. */
  observeNotifications(): Observable<Notification<I, E, S>> {
    return this.bus.notifications$;
  }

  /** Queues an Input now; returns false when it was dropped (queue full). */
  trySend(input: I): boolean {
    this.checkCanSend('trySend', input);
    if (this.bus.observed) this.notify({ type: 'InputQueued', input });
    const queued = this.queue.offer({ type: 'input', input, settle: undefined }, false) as boolean;
    if (queued) this.pump();
    return queued;
  }

  /** Resolves once the Input is queued (waiting for room when the queue is full). */
  async send(input: I): Promise<void> {
    this.checkCanSend('send', input);
    if (this.bus.observed) this.notify({ type: 'InputQueued', input });
    const offered = this.queue.offer({ type: 'input', input, settle: undefined }, true);
    if (offered === true) return this.pump();
    if (offered === false || !(await offered)) {
      throw ballastError(
        `Input "${describeValue(input)}" was dropped before it was queued (ViewModel "${this.name}", ` +
          `status ${this.currentStatus}). See the InputDropped notification; raise inputQueue.capacity if the queue was full.`,
      );
    }
  }

  /** Resolves with the outcome once the Input was handled, rejected, cancelled, dropped or failed. */
  async sendAndAwaitCompletion(input: I): Promise<InputOutcome> {
    this.checkCanSend('sendAndAwaitCompletion', input);
    if (this.bus.observed) this.notify({ type: 'InputQueued', input });
    return new Promise<InputOutcome>((settle) => {
      if (this.queue.offer({ type: 'input', input, settle }, true) === true) this.pump();
    });
  }

  /** Delivers buffered and future Events to `handler`; returns a function that detaches it. */
  attachEventHandler(handler: EventHandler<I, E>): () => void {
    return this.events.attach(handler);
  }

  /** Resolves when no item is queued or running, no side job runs and no Event awaits delivery. */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Stops accepting Inputs (those waiting for room in a full queue are dropped), lets queued items
   * finish, waits for running Inputs and side jobs, then clears. Whatever is still running
   * `gracePeriodMs` after the call is cancelled by clearing. Resolves once cleared.
   */
  shutDownGracefully(gracePeriodMs = 5000): Promise<void> {
    if (typeof gracePeriodMs !== 'number' || !(gracePeriodMs >= 0)) {
      return Promise.reject(
        ballastError(
          `shutDownGracefully(gracePeriodMs) needs a number >= 0; got ${String(gracePeriodMs)}.`,
        ),
      );
    }
    if (this.currentStatus === 'Cleared') return Promise.resolve();
    if (!this.shutdown) {
      this.setStatus('ShuttingDown');
      this.queue.dropWaiting('shutting-down');
      const timer = setTimeout(() => this.clear(), gracePeriodMs);
      this.shutdown = new Promise<void>((resolve) =>
        this.clearedCallbacks.push(() => {
          clearTimeout(timer);
          resolve();
        }),
      );
      this.queue.push({ type: 'shutdown', settle: undefined });
      this.pump();
    }
    return this.shutdown;
  }

  /**
   * Ends the ViewModel now: cancels running Inputs and side jobs, drops queued Inputs (each with
   * `InputDropped`, settling awaiting callers), stops Events, tears interceptors down and completes
   * every stream. Sending afterwards throws.
   */
  clear(): void {
    if (this.currentStatus === 'Cleared') return;
    this.currentStatus = 'Cleared';
    for (const running of [...this.running]) this.cancelInput(running, false);
    this.queue.drain('cleared');
    this.sideJobs.cancelAll();
    this.events.close();
    this.notify({ type: 'ViewModelStatusChanged', status: 'Cleared' });
    for (const teardown of this.teardowns.splice(0)) {
      try {
        if (typeof teardown === 'function') teardown();
        else teardown.unsubscribe();
      } catch (error) {
        this.logger.error(
          `ballast-sync: an interceptor of ViewModel "${this.name}" failed to tear down.`,
          error,
        );
      }
    }
    this.bus.complete();
    this.states$.complete();
    this.checkIdle();
    for (const callback of this.clearedCallbacks.splice(0)) callback();
  }

  private startInterceptors(interceptors: readonly BallastInterceptor<I, E, S>[]): void {
    const scope: BallastInterceptorScope<I, E, S> = {
      viewModelName: this.name,
      logger: this.logger,
      getCurrentState: () => this.state,
      sendToQueue: async (item) => {
        this.checkQueueItem(item);
        if (item.type === 'input') return this.send(item.input);
        this.restore(item.state, undefined);
      },
      sendToQueueAndAwaitCompletion: async (item) => {
        this.checkQueueItem(item);
        if (item.type === 'input') return this.sendAndAwaitCompletion(item.input);
        return new Promise<InputOutcome>((settle) => this.restore(item.state, settle));
      },
      postEvent: (event) => this.events.post(event),
      reportError: (error) => this.notify({ type: 'UnhandledError', error }),
    };
    const results: Notification<I, E, S>[] = [];
    for (const interceptor of interceptors) {
      try {
        const teardown = interceptor.start(scope, this.bus.notifications$);
        if (teardown) this.teardowns.push(teardown);
        results.push({ type: 'InterceptorAttached', interceptor });
      } catch (error) {
        results.push({ type: 'InterceptorFailed', interceptor, error });
      }
    }
    for (const result of results) this.notify(result);
  }

  private checkQueueItem(item: InterceptorQueueItem<I, S>): void {
    if (
      item === null ||
      typeof item !== 'object' ||
      (item.type !== 'input' && item.type !== 'restore')
    ) {
      throw ballastError(
        `sendToQueue() needs { type: 'input', input } or { type: 'restore', state }; got ${describeValue(item)}.`,
      );
    }
  }

  private restore(state: S, settle: ((outcome: InputOutcome) => void) | undefined): void {
    if (this.currentStatus !== 'Running') {
      throw ballastError(
        `a State was restored into ViewModel "${this.name}" while it was ${this.currentStatus}.`,
      );
    }
    this.queue.push({ type: 'restore', state, settle });
    this.pump();
  }

  private checkCanSend(method: string, input: I): void {
    if (this.currentStatus !== 'Running') {
      throw ballastError(
        `${method}() was called on ViewModel "${this.name}" after it was ${this.currentStatus === 'Cleared' ? 'cleared' : 'asked to shut down'}; ` +
          'it accepts no more Inputs. Stop sending when its owner is destroyed, or create a new ViewModel.',
      );
    }
    if (input === undefined || input === null) {
      throw ballastError(`${method}() needs an Input; got ${String(input)}.`);
    }
  }

  /** Runs queued items as far as the strategy allows. Re-entrant calls only mark more work. */
  private pump(): void {
    if (this.pumping || !this.started) return;
    this.pumping = true;
    try {
      const concurrency = this.strategy.concurrency;
      while (this.currentStatus !== 'Cleared') {
        if (concurrency === 'sequential' && this.running.size > 0) break;
        const item = this.queue.take();
        if (!item) break;
        if (concurrency === 'cancel-running')
          for (const running of [...this.running]) this.cancelInput(running, true);
        this.dispatch(item);
      }
    } finally {
      this.pumping = false;
    }
    this.checkIdle();
  }

  private dispatch(item: QueueItem<I, S>): void {
    switch (item.type) {
      case 'input':
        return this.runInput(item);
      case 'restore':
        this.setState(item.state);
        return item.settle?.(HANDLED);
      case 'shutdown':
        return this.finishShutdown();
    }
  }

  private runInput(item: InputItem<I, S>): void {
    const input = item.input;
    const filter = this.strategy.filter;
    if (filter) {
      let verdict: unknown;
      try {
        verdict = filter(input, this.state);
        if (verdict !== 'accept' && verdict !== 'reject') {
          throw ballastError(
            `the input filter returned ${String(verdict)}; it must return 'accept' or 'reject'.`,
          );
        }
      } catch (error) {
        this.notify({ type: 'InputHandlerError', input, error });
        return item.settle?.({ status: 'failed', error });
      }
      if (verdict === 'reject') {
        this.notify({ type: 'InputRejected', input });
        return item.settle?.({ status: 'rejected' });
      }
    }
    if (this.bus.observed) this.notify({ type: 'InputAccepted', input });
    const context = new InputHandlerContext(this.host, input, this.strategy.singleStateAccess);
    const running: RunningInput<I, E, S> = { context, item };
    let result: unknown;
    try {
      result = this.inputHandler(input, context);
    } catch (error) {
      return this.completeInput(running, error, true);
    }
    if (!isThenable(result)) return this.completeInput(running, undefined, false);
    this.running.add(running);
    result.then(
      () => this.completeInput(running, undefined, false),
      (error: unknown) => this.completeInput(running, error, true),
    );
  }

  private completeInput(running: RunningInput<I, E, S>, error: unknown, failed: boolean): void {
    const wasRunning = this.running.delete(running);
    const { context, item } = running;
    if (context.cancelled) return; // reported when it was cancelled
    const sideJobs = context.finish();
    if (!failed && !context.didSomething) {
      failed = true;
      error = ballastError(
        `the handler of Input "${describeValue(item.input)}" did nothing (ViewModel "${this.name}"). ` +
          'Call scope.noOp() when an Input intentionally changes nothing.',
      );
    }
    if (failed) {
      this.notify({ type: 'InputHandlerError', input: item.input, error });
      item.settle?.({ status: 'failed', error });
    } else {
      if (this.bus.observed) this.notify({ type: 'InputHandledSuccessfully', input: item.input });
      item.settle?.(HANDLED);
    }
    if (this.currentStatus === 'Cleared') this.sideJobs.discard(sideJobs);
    else this.sideJobs.apply(sideJobs);
    if (wasRunning) this.pump();
  }

  private cancelInput(running: RunningInput<I, E, S>, rollBack: boolean): void {
    this.running.delete(running);
    const { context, item } = running;
    const neverStarted = context.cancel();
    this.notify({ type: 'InputCancelled', input: item.input });
    if (rollBack && context.stateUpdated) this.setState(context.stateAtStart);
    this.sideJobs.discard(neverStarted);
    item.settle?.({ status: 'cancelled' });
  }

  /** The shutdown item was reached: everything queued before it was dispatched. */
  private finishShutdown(): void {
    this.queue.drain('shutting-down');
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
    if (this.states$.observed) this.states$.next(state);
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
    this.bus.emit(notification);
    if ('error' in notification) {
      this.logger.error(
        `ballast-sync: ${notification.type} in ViewModel "${this.name}".`,
        notification.error,
      );
    }
  }

  private isIdle(): boolean {
    return (
      this.currentStatus === 'Cleared' ||
      (this.queue.size === 0 &&
        this.running.size === 0 &&
        this.sideJobs.running === 0 &&
        !this.events.busy)
    );
  }

  private checkIdle(): void {
    if (this.idleWaiters.length === 0 || !this.isIdle()) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
