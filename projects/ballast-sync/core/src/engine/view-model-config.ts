import type { BallastInterceptor } from './interceptor';
import type { InputStrategy } from './input-strategy';
import type { BallastLogger } from './logger';
import type { InputDropReason } from './notifications';
import type { InputHandler } from './scopes';

/** What happens when an Input arrives at a full queue. */
export type QueueOverflow = 'suspend' | 'drop-oldest' | 'drop-latest';

/** Capacity and overflow of the Input queue. */
export interface InputQueueOptions {
  /** How many Inputs may wait in the queue (default 256). Restored States are not counted. */
  capacity?: number;
  /**
   * `suspend` (default): `send()` waits for room and `trySend()` drops the new Input;
   * `drop-oldest`: the oldest waiting Input is dropped; `drop-latest`: the new Input is dropped.
   * A dropped Input always emits `InputDropped` and settles its awaiting caller.
   */
  overflow?: QueueOverflow;
}

/**
 * How many Events wait for delivery.
 *
 * @example
 * new BasicViewModel({ initialState, inputHandler, eventBuffer: { capacity: 1000 } });
 */
export interface EventBufferOptions {
  /**
   * How many Events may wait for the Event handler (default 256): while none is attached, or while
   * it is busy with an earlier Event. When one more is posted, the oldest waiting Event is
   * dropped with an `EventDropped` notification (and one warning per ViewModel).
   */
  capacity?: number;
}

/** Configuration of a {@link BasicViewModel}. */
export interface BallastViewModelConfiguration<I, E, S> {
  /** Used in logs and errors, and by sync as the channel name (default `'ViewModel'`). */
  name?: string;
  initialState: S;
  inputHandler: InputHandler<I, E, S>;
  interceptors?: readonly BallastInterceptor<I, E, S>[];
  /** Default `fifo()`. */
  inputStrategy?: InputStrategy<I, S>;
  /** Equality used to deduplicate `observeStates()` (default `Object.is`). */
  stateEquals?: (a: S, b: S) => boolean;
  /** Default: warnings and errors to the console. */
  logger?: BallastLogger;
  inputQueue?: InputQueueOptions;
  /** Bounds the Events waiting for delivery (default capacity 256, dropping the oldest). */
  eventBuffer?: EventBufferOptions;
}

/** How an Input (or a restored State) ended. */
export type InputOutcome =
  | { readonly status: 'handled' }
  | { readonly status: 'rejected' }
  | { readonly status: 'cancelled' }
  | {
      readonly status: 'dropped';
      readonly reason: InputDropReason;
      /** Why an input guard refused it (reason `refused` only). */
      readonly message?: string;
    }
  | { readonly status: 'failed'; readonly error: unknown };
