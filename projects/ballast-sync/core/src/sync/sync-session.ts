import { Subscription, type MonoTypeOperatorFunction, type Observable } from 'rxjs';
import { ballastError } from '../engine/errors';
import type { BallastInterceptorScope } from '../engine/interceptor';
import { isThenable } from '../engine/is-thenable';
import type { SyncNotification, SyncStatus } from './sync-connection';
import type { SyncConnectionAdapter } from './sync-connection-adapter';
import type { SnapshotStore } from './snapshot-store';
import type { SyncSnapshot } from './sync-messages';

/** How lost messages are recovered: the first wait, doubled after each attempt up to the maximum. */
export interface RetransmitOptions {
  /** The first wait, in ms (default 1000). */
  readonly intervalMs: number;
  /** The longest wait, in ms (default 30000). */
  readonly maxIntervalMs: number;
}

/** What a Source or Replica session needs from its connection. */
export interface SyncSessionContext<I, E, S> {
  readonly clientId: string;
  /** This run of the connection (random, new on every connect). */
  readonly incarnation: string;
  readonly scope: BallastInterceptorScope<I, E, S>;
  readonly adapter: SyncConnectionAdapter<I, E, S>;
  readonly bufferStates: MonoTypeOperatorFunction<S> | undefined;
  readonly bufferInputs: MonoTypeOperatorFunction<I> | undefined;
  readonly maxPendingInputs: number;
  readonly retransmit: RetransmitOptions;
  readonly resumeFrom: SyncSnapshot<S> | undefined;
  readonly snapshots: SnapshotStore<S> | undefined;
  emit(notification: SyncNotification<I, S>): void;
  setStatus(status: SyncStatus): void;
  /** Something that `isSynced()` depends on changed (lets `whenSynced()` re-check). */
  changed(): void;
}

/**
 * Calls an adapter method, reporting a synchronous throw or a rejected Promise as `UnhandledError`.
 * Returns a Promise that settles (never rejects) when an asynchronous call does, else undefined.
 */
export function callAdapter<I, E, S>(
  context: SyncSessionContext<I, E, S>,
  call: () => void | Promise<void> | undefined,
): Promise<void> | undefined {
  try {
    const result = call();
    if (isThenable(result))
      return result.then(undefined, (error: unknown) => context.scope.reportError(error));
  } catch (error) {
    context.scope.reportError(error);
  }
  return undefined;
}

/**
 * A timer that never keeps a Node process alive on its own (a server's sockets do that) and that
 * accepts any delay (longer ones are capped, since setTimeout overflows past 2^31 - 1 ms).
 */
export function startTimer(callback: () => void, ms: number): ReturnType<typeof setTimeout> {
  const timer = setTimeout(callback, Math.min(ms, 2 ** 31 - 1));
  (timer as { unref?: () => void }).unref?.();
  return timer;
}

/** Waits that double after each attempt, from `intervalMs` up to `maxIntervalMs`. */
export class Backoff {
  private attempt = 0;

  constructor(private readonly options: RetransmitOptions) {}

  /** The next wait; each call doubles the one after, up to the maximum. */
  next(): number {
    const wait = Math.min(this.options.intervalMs * 2 ** this.attempt, this.options.maxIntervalMs);
    if (wait < this.options.maxIntervalMs) this.attempt++;
    return wait;
  }

  reset(): void {
    this.attempt = 0;
  }
}

/**
 * Subscribes to an adapter stream and keeps it subscribed: when it errors (or completes, unless a
 * `complete` handler says what that means), the error is reported
 * (`AdapterStreamFailed` and `UnhandledError`), `onDown()` runs, and it is subscribed again after a
 * backoff, calling `onUp()`. Unsubscribing the returned Subscription stops for good.
 */
export function followAdapterStream<I, E, S, T>(
  context: SyncSessionContext<I, E, S>,
  open: () => Observable<T>,
  handlers: {
    next(value: T): void;
    complete?(): void;
    onDown(): void;
    onUp(): void;
  },
): Subscription {
  const backoff = new Backoff(context.retransmit);
  const subscription = new Subscription();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let current: Subscription | undefined;
  /** Returns whether it is subscribed (the stream did not fail at once). */
  const subscribe = (): boolean => {
    let failed = false;
    const fail = (error: unknown): void => {
      if (failed || subscription.closed) return;
      failed = true;
      const retryInMs = backoff.next();
      context.emit({ type: 'AdapterStreamFailed', error, retryInMs });
      context.scope.reportError(error);
      handlers.onDown();
      timer = startTimer(() => {
        timer = undefined;
        if (!subscription.closed && subscribe()) handlers.onUp();
      }, retryInMs);
    };
    try {
      current = open().subscribe({
        next: (value) => {
          backoff.reset();
          handlers.next(value);
        },
        error: fail,
        // Without a complete handler, a stream that ends (a closed socket) is a failure too.
        complete: () =>
          handlers.complete
            ? handlers.complete()
            : fail(
                ballastError(
                  `an adapter stream of channel "${context.scope.viewModelName}" completed; it is subscribed again.`,
                ),
              ),
      });
    } catch (error) {
      fail(error);
    }
    return !failed;
  };
  subscription.add(() => {
    clearTimeout(timer);
    current?.unsubscribe();
  });
  subscribe();
  return subscription;
}
