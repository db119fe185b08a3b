import type { Observable, TeardownLogic } from 'rxjs';
import type { BallastLogger } from './logger';
import type { BallastNotification } from './notifications';
import type { InputOutcome } from './view-model-config';

/** An item an interceptor may put into the ViewModel's queue. */
export type InterceptorQueueItem<I, S> =
  | {
      readonly type: 'input';
      readonly input: I;
      /** Called when the handler starts on it (after guards and filter), before it runs. */
      readonly started?: () => void;
    }
  /**
   * Replaces the State: bypasses the filter and guardian and emits no Input notifications.
   * `rebase`, read when the item is applied (not when it is queued), gives the State to restore
   * and Inputs to replay on top of it, in order, through the InputHandler without outside effects
   * (see `scope.isReplay`); the result is what the State becomes. `placement: 'before-queued'`
   * puts the item ahead of the Inputs already waiting (default: after them). `settled`, if given,
   * is called once the item was applied (`handled`) or dropped: what `sendToQueueAndAwaitCompletion`
   * resolves with, without a Promise per item (for interceptors that restore at a high rate).
   */
  | {
      readonly type: 'restore';
      readonly state: S;
      readonly rebase?: () => { readonly state: S; readonly inputs: readonly I[] };
      readonly placement?: 'after-queued' | 'before-queued';
      readonly settled?: (outcome: InputOutcome) => void;
    };

/**
 * Checks an Input when it is taken off the queue: returns a message to refuse it, or undefined to
 * let it through. Added with {@link BallastInterceptorScope.addInputGuard}.
 */
export type InputGuard<I> = (input: I) => string | undefined;

/** What an interceptor may do with its ViewModel. */
export interface BallastInterceptorScope<I, E, S> {
  readonly viewModelName: string;
  readonly logger: BallastLogger;
  getCurrentState(): S;
  /** Resolves once the item is queued (an Input emits `InputQueued` first, like `send()`). */
  sendToQueue(item: InterceptorQueueItem<I, S>): Promise<void>;
  /** Resolves with the item's outcome once it was handled, rejected, cancelled, dropped or failed. */
  sendToQueueAndAwaitCompletion(item: InterceptorQueueItem<I, S>): Promise<InputOutcome>;
  postEvent(event: E): void;
  /** Reports an error that happened in the interceptor's own work, as `UnhandledError`. */
  reportError(error: unknown): void;
  /**
   * Adds a check run when an Input is taken off the queue, before the filter (under every strategy;
   * restored States bypass it). Returning a message drops the Input: `InputDropped` with reason
   * `'refused'` and that message, and an awaiting caller gets
   * `{ status: 'dropped', reason: 'refused', message }`; the handler never sees it. A guard that
   * throws (or returns something else than a string or undefined) fails that Input like a throwing
   * filter: `InputHandlerError`, outcome `failed`. Guards run in the order they were added; the
   * first refusal wins. They are removed when the ViewModel is cleared. Returns a function that
   * removes it.
   *
   * @example
   * start: (scope) =>
   *   scope.addInputGuard((input) => (connected ? undefined : 'offline: this Input needs the server')),
   */
  addInputGuard(guard: InputGuard<I>): () => void;
}

/**
 * Observes a ViewModel. `start()` is called synchronously while the ViewModel starts, before its
 * first notification, so no notification is missed; the notifications Observable completes when
 * the ViewModel is cleared. What `start()` returns (a Subscription or a function) is torn down then.
 * A `start()` that throws emits `InterceptorFailed` and the ViewModel goes on without it.
 *
 * @example
 * const logging: BallastInterceptor<I, E, S> = {
 *   name: 'logging',
 *   start: (scope, notifications) => notifications.subscribe((n) => console.log(scope.viewModelName, n.type)),
 * };
 */
export interface BallastInterceptor<I, E, S> {
  /** Used in logs. */
  readonly name?: string;
  start(
    scope: BallastInterceptorScope<I, E, S>,
    notifications: Observable<BallastNotification<I, E, S>>,
  ): TeardownLogic;
}
