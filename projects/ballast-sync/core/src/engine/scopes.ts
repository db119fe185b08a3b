import type { Observable } from 'rxjs';
import type { RestartState } from './notifications';

/**
 * What an {@link InputHandler} may do while it handles one Input.
 *
 * Guardian rules (a violation throws; the handler then ends with `InputHandlerError`, and changes
 * already made stay): nothing may be called after the handler finished or was cancelled; after
 * `sideJob()`/`cancelSideJob()` no State access, Event or `noOp()`; a handler must do something
 * (call `noOp()` to say "nothing on purpose"); under `parallel()` the State may be read or updated
 * only once.
 */
export interface InputHandlerScope<I, E, S> {
  /** Aborted when this Input is cancelled (Lifo) or the ViewModel is cleared. */
  readonly signal: AbortSignal;
  /**
   * Whether this is a replay: a Replica re-applying its unacknowledged Input on top of a newer
   * Source State (a rebase). A replay has no outside effects: `postEvent()`, `sideJob()`,
   * `cancelSideJob()` and `observeInputs()` do nothing (they already ran the first time), only the
   * State updates of the handler's synchronous part count, and a replay that throws just ends
   * this Input's optimistic effect. Skip work that must not run twice when it is true.
   */
  readonly isReplay: boolean;
  getCurrentState(): S;
  updateState(fn: (state: S) => S): void;
  /** Updates the State and returns the new one. */
  updateStateAndGet(fn: (state: S) => S): S;
  /** Updates the State and returns the previous one. */
  getAndUpdateState(fn: (state: S) => S): S;
  postEvent(event: E): void;
  /**
   * Starts a keyed side job once the handler returns; a running job with the same key is cancelled
   * first. Side jobs cannot touch the State; they post Inputs and Events.
   */
  sideJob(key: string, job: SideJob<I, E, S>): void;
  cancelSideJob(key: string): void;
  /** Observes Observables of Inputs as the keyed side job `key`, posting every Input they emit. */
  observeInputs(key: string, ...sources: Observable<I>[]): void;
  /** Says that this Input intentionally does nothing. */
  noOp(): void;
}

/** A keyed side job: runs after its handler returned, until it settles or is cancelled. */
export type SideJob<I, E, S> = (scope: SideJobScope<I, E, S>) => void | Promise<void>;

/** What a side job may do. */
export interface SideJobScope<I, E, S> {
  readonly key: string;
  readonly restartState: RestartState;
  /** The State when the job started (side jobs cannot read the live State). */
  readonly currentStateWhenStarted: S;
  /** Aborted when the job is restarted, cancelled, or the ViewModel is cleared. */
  readonly signal: AbortSignal;
  /**
   * Queues an Input (resolves once queued; rejects once the job is cancelled). Also accepted while
   * the ViewModel shuts down gracefully, until it is cleared: the Input is then still handled.
   */
  postInput(input: I): Promise<void>;
  /** Posts an Event. Throws once the job is cancelled. */
  postEvent(event: E): void;
}

/** What an event handler may do. */
export interface EventHandlerScope<I> {
  /**
   * Queues an Input (resolves once queued). Also accepted while the ViewModel shuts down
   * gracefully, until it is cleared: the Input is then still handled.
   */
  postInput(input: I): Promise<void>;
}

/** Receives Events one at a time; each Event is delivered at most once. */
export type EventHandler<I, E> = (event: E, scope: EventHandlerScope<I>) => void | Promise<void>;

/** Turns one Input into State updates, Events and side jobs. */
export type InputHandler<I, E, S> = (
  input: I,
  scope: InputHandlerScope<I, E, S>,
) => void | Promise<void>;
