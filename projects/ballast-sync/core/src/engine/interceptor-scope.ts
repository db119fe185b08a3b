import { ballastError, describeValue } from './errors';
import type { BallastInterceptorScope, InputGuard, InterceptorQueueItem } from './interceptor';
import type { InputGuardObject } from './input-processor';
import type { BallastLogger } from './logger';
import type { BallastNotification } from './notifications';
import type { InputOutcome } from './view-model-config';

/** Angular's development flag: `false` in production builds (long messages are dropped). */
declare const ngDevMode: unknown;

/** What an interceptor's scope needs from its ViewModel. */
export interface InterceptorScopeHost<I, E, S> {
  readonly name: string;
  readonly logger: BallastLogger;
  getState(): S;
  /** Like `send()`. */
  postInput(input: I): Promise<void>;
  /** Like `sendAndAwaitCompletion()` with a callback for when the handler starts on it. */
  postInputAndAwait(input: I, started?: () => void): Promise<InputOutcome>;
  /** Queues a restored State (throws unless the ViewModel is running). */
  restore(
    item: Extract<InterceptorQueueItem<I, S>, { type: 'restore' }>,
    settle: ((outcome: InputOutcome) => void) | undefined,
  ): void;
  /** Applies a restored State now when the queue would dispatch it at once; false otherwise. */
  restoreNow(state: S): boolean;
  postEvent(event: E): void;
  notify(notification: BallastNotification<I, E, S>): void;
  addInputGuard(guard: InputGuard<I>): () => void;
  addInputGuardObject(guard: InputGuardObject<I>): void;
  removeInputGuard(guard: InputGuardObject<I>): void;
}

/** The scope every interceptor of one ViewModel receives in `start()`. */
export function createInterceptorScope<I, E, S>(
  host: InterceptorScopeHost<I, E, S>,
): BallastInterceptorScope<I, E, S> {
  return new InterceptorScope(host);
}

/**
 * One per ViewModel, shared by its interceptors: its methods reach the ViewModel through `host`
 * (a prototype method each, instead of a closure each per ViewModel).
 */
class InterceptorScope<I, E, S> implements BallastInterceptorScope<I, E, S> {
  constructor(private readonly host: InterceptorScopeHost<I, E, S>) {}

  get viewModelName(): string {
    return this.host.name;
  }

  get logger(): BallastLogger {
    return this.host.logger;
  }

  getCurrentState(): S {
    return this.host.getState();
  }

  async sendToQueue(item: InterceptorQueueItem<I, S>): Promise<void> {
    checkQueueItem('sendToQueue', item);
    if (item.type === 'input') return this.host.postInput(item.input);
    this.host.restore(item, item.settled);
  }

  /**
   * Internal (the sync sessions' hot path: every Replica applies every publication): queues a
   * restore at once, without a Promise; throws where `sendToQueue()` would reject (the ViewModel is
   * not running).
   */
  ɵrestore(item: Extract<InterceptorQueueItem<I, S>, { type: 'restore' }>): void {
    this.host.restore(item, item.settled);
  }

  /**
   * Internal (the same hot path, for an idle ViewModel): applies `state` at once when the queue
   * would dispatch a restore at once (running, nothing queued or running), without a queue item;
   * returns false, doing nothing, otherwise.
   */
  ɵrestoreNow(state: S): boolean {
    return this.host.restoreNow(state);
  }

  // Interceptors chain a callback on it; they do not await it inside a handler.
  async sendToQueueAndAwaitCompletion(item: InterceptorQueueItem<I, S>): Promise<InputOutcome> {
    checkQueueItem('sendToQueueAndAwaitCompletion', item);
    if (item.type === 'input') return this.host.postInputAndAwait(item.input, item.started);
    const { settled } = item;
    return new Promise<InputOutcome>((settle) =>
      this.host.restore(
        item,
        settled
          ? (outcome) => {
              settled(outcome);
              settle(outcome);
            }
          : settle,
      ),
    );
  }

  postEvent(event: E): void {
    this.host.postEvent(event);
  }

  reportError(error: unknown): void {
    this.host.notify({ type: 'UnhandledError', error });
  }

  addInputGuard(guard: InputGuard<I>): () => void {
    return this.host.addInputGuard(guard);
  }

  /** Internal (every Replica has one): a guard object, removed with {@link ɵremoveInputGuard}. */
  ɵaddInputGuard(guard: InputGuardObject<I>): void {
    this.host.addInputGuardObject(guard);
  }

  ɵremoveInputGuard(guard: InputGuardObject<I>): void {
    this.host.removeInputGuard(guard);
  }
}

function checkQueueItem<I, S>(method: string, item: InterceptorQueueItem<I, S>): void {
  if (
    item === null ||
    typeof item !== 'object' ||
    (item.type !== 'input' && item.type !== 'restore') ||
    (item.type === 'restore' &&
      ((item.rebase !== undefined && typeof item.rebase !== 'function') ||
        (item.settled !== undefined && typeof item.settled !== 'function')))
  ) {
    throw ballastError(
      typeof ngDevMode === 'undefined' || ngDevMode
        ? `${method}() needs { type: 'input', input } or { type: 'restore', state, rebase?: () => ({ state, inputs }), settled?: (outcome) => void }; got ${describeValue(item)}.`
        : 29,
    );
  }
}
