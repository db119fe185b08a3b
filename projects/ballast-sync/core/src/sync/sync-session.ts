import type { MonoTypeOperatorFunction, Observable, Subscription } from 'rxjs';
import { ballastError } from '../engine/errors';
import type { BallastInterceptorScope } from '../engine/interceptor';
import { isThenable } from '../engine/is-thenable';
import {
  isDirectMembership,
  isDirectStream,
  SUBSCRIBE_DIRECT,
  type DirectMembership,
  type DirectObserver,
} from './direct-stream';
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

/** Which of a session's adapter streams: its main one (States or Inputs) or its link's. */
export type AdapterStreamKind = 'main' | 'link';

/**
 * What an {@link AdapterStream} tells: a session handles both of its streams itself (no handler
 * object or closures per stream), told apart by `kind`.
 */
export interface AdapterStreamOwner<T> {
  /** Opens (again) the stream of that kind. */
  openStream(kind: AdapterStreamKind): Observable<T>;
  streamValue(kind: AdapterStreamKind, value: T): void;
  /**
   * The stream completed: returns whether that is expected (else it is a failure, as a closed
   * socket is).
   */
  streamCompleted(kind: AdapterStreamKind): boolean;
  /** The stream failed (`down`) and is re-subscribed later, or it is subscribed again. */
  streamDown(kind: AdapterStreamKind, down: boolean): void;
}

/** Where an {@link AdapterStream} stands: subscribed, failed (until re-subscribed), or closed for good. */
const enum StreamState {
  Open,
  Failed,
  Closed,
}

/** An {@link AdapterStream}'s recovery, created at its first failure. */
interface Retry {
  readonly backoff: Backoff;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * Subscribes to an adapter stream and keeps it subscribed: when it errors (or completes, unless
 * its owner says that is expected), the error is reported (`AdapterStreamFailed` and
 * `UnhandledError`), the owner is told it is down, and it is subscribed again after a backoff
 * (created at the first failure), telling the owner it is up. {@link close} stops for good.
 * It is the observer of each subscription itself; a stream of the in-memory channel lets it join
 * directly (see `direct-stream.ts`). What its owner throws on a value is reported as
 * `UnhandledError`, never thrown back into the adapter.
 */
export class AdapterStream<I, E, S, T> implements DirectObserver<T> {
  /** The current subscription: an rxjs one, or the channel it joined directly. */
  private current: Subscription | DirectMembership | undefined;
  /** Each subscription fails at most once; closed is for good. */
  private state = StreamState.Open;
  private retry: Retry | undefined;

  constructor(
    private readonly context: SyncSessionContext<I, E, S>,
    private readonly owner: AdapterStreamOwner<T>,
    private readonly kind: AdapterStreamKind,
  ) {
    this.subscribe();
  }

  /** Stops following: the timer is cleared and the subscription ended. */
  close(): void {
    this.state = StreamState.Closed;
    if (this.retry) clearTimeout(this.retry.timer);
    const current = this.current;
    this.current = undefined;
    if (isDirectMembership(current)) current.leave(this);
    else current?.unsubscribe();
  }

  next(value: T): void {
    if (this.state !== StreamState.Open) return; // left (a direct stream may still hold a delivery)
    this.retry?.backoff.reset();
    try {
      this.owner.streamValue(this.kind, value);
    } catch (error) {
      this.context.scope.reportError(error);
    }
  }

  error(error: unknown): void {
    if (this.state !== StreamState.Open) return;
    this.state = StreamState.Failed;
    const retry = (this.retry ??= {
      backoff: new Backoff(this.context.retransmit),
      timer: undefined,
    });
    const retryInMs = retry.backoff.next();
    this.context.emit({ type: 'AdapterStreamFailed', error, retryInMs });
    this.context.scope.reportError(error);
    this.owner.streamDown(this.kind, true);
    retry.timer = startTimer(() => this.retried(), retryInMs);
  }

  complete(): void {
    // Without an owner that expects it, a stream that ends (a closed socket) is a failure too.
    if (this.state === StreamState.Closed || this.owner.streamCompleted(this.kind)) return;
    this.error(
      ballastError(
        `an adapter stream of channel "${this.context.scope.viewModelName}" completed; it is subscribed again.`,
      ),
    );
  }

  private retried(): void {
    (this.retry as Retry).timer = undefined;
    if (this.state !== StreamState.Closed && this.subscribe())
      this.owner.streamDown(this.kind, false);
  }

  /** Returns whether it is subscribed (the stream did not fail at once). */
  private subscribe(): boolean {
    this.state = StreamState.Open;
    try {
      const stream = this.owner.openStream(this.kind);
      this.current = isDirectStream(stream)
        ? stream[SUBSCRIBE_DIRECT](this)
        : stream.subscribe(this);
    } catch (error) {
      this.error(error);
    }
    return this.state === StreamState.Open;
  }
}
