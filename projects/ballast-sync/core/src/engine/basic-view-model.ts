import {
  BehaviorSubject,
  defer,
  distinctUntilChanged,
  type Observable,
  type TeardownLogic,
} from 'rxjs';
import { ballastError, describeValue } from './errors';
import { EventBus, type EventBusHost } from './event-bus';
import { InputProcessor, type InputProcessorHost } from './input-processor';
import { InputQueue, type InputItem } from './input-queue';
import { fifo } from './input-strategy';
import type {
  BallastInterceptor,
  BallastInterceptorScope,
  InterceptorQueueItem,
} from './interceptor';
import { createConsoleLogger, type BallastLogger } from './logger';
import { NotificationBus } from './notification-bus';
import type { BallastNotification, InputDropReason, ViewModelStatus } from './notifications';
import type { EventHandler } from './scopes';
import { SideJobRunner, type SideJobHost } from './side-job-runner';
import { validateConfiguration } from './validate-configuration';
import type { BallastViewModelConfiguration, InputOutcome } from './view-model-config';

type Notification<I, E, S> = BallastNotification<I, E, S>;

/** The callbacks the processor, scopes, side jobs and events use to reach their ViewModel. */
type ViewModelHost<I, E, S> = InputProcessorHost<I, E, S> &
  SideJobHost<I, E, S> &
  EventBusHost<I, E, S>;

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
  private readonly logger: BallastLogger;
  private readonly bus = new NotificationBus<Notification<I, E, S>>();
  private readonly queue: InputQueue<I, S>;
  private readonly processor: InputProcessor<I, E, S>;
  private readonly sideJobs: SideJobRunner<I, E, S>;
  private readonly events: EventBus<I, E, S>;
  private readonly teardowns: Exclude<TeardownLogic, void>[] = [];
  private readonly idleWaiters: (() => void)[] = [];
  private readonly clearedCallbacks: (() => void)[] = [];
  private shutdown: Promise<void> | undefined;

  constructor(config: BallastViewModelConfiguration<I, E, S>, eventHandler?: EventHandler<I, E>) {
    const valid = validateConfiguration(config);
    this.name = valid.name;
    this.state = config.initialState;
    this.states$ = new BehaviorSubject(this.state);
    this.statesValue = this.state;
    this.stateEquals = valid.stateEquals;
    this.logger = config.logger ?? createConsoleLogger();
    this.queue = new InputQueue(valid.capacity, valid.overflow, (item, reason) =>
      this.drop(item, reason),
    );
    const host = this.createHost();
    this.sideJobs = new SideJobRunner(host);
    this.events = new EventBus(host);
    this.processor = new InputProcessor(
      host,
      this.queue,
      config.inputStrategy ?? fifo(),
      config.inputHandler,
      this.sideJobs,
      this.bus,
    );

    this.startInterceptors(config.interceptors ?? []);
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
    this.processor.close();
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

  /** The callbacks the processor, scopes, side jobs and events use to reach this ViewModel. */
  private createHost(): ViewModelHost<I, E, S> {
    return {
      name: this.name,
      getState: () => this.state,
      setState: (state) => this.setState(state),
      postEvent: (event) => this.events.post(event),
      postInput: (input) => this.send(input),
      notify: (notification) => this.notify(notification),
      onShutdownReached: () => this.finishShutdown(),
      onInputSettled: () => this.pump(),
      onJobSettled: () => this.checkIdle(),
      onEventsSettled: () => this.checkIdle(),
    };
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

  /** Runs the queue, then resolves whenIdle() waiters if that left nothing to do. */
  private pump(): void {
    if (this.processor.pump()) this.checkIdle();
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
        this.processor.runningInputs === 0 &&
        this.sideJobs.running === 0 &&
        !this.events.busy)
    );
  }

  private checkIdle(): void {
    if (this.idleWaiters.length === 0 || !this.isIdle()) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
