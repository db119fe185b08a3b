import type { Observable, TeardownLogic } from 'rxjs';
import type { BallastLogger } from './logger';
import type { BallastNotification } from './notifications';
import type { InputOutcome } from './view-model-config';

/** An item an interceptor may put into the ViewModel's queue. */
export type InterceptorQueueItem<I, S> =
  | { readonly type: 'input'; readonly input: I }
  /** Replaces the State: bypasses the filter and guardian and emits no Input notifications. */
  | { readonly type: 'restore'; readonly state: S };

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
