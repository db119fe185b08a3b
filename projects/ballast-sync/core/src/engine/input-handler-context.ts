import { isObservable, Subscription, type Observable } from 'rxjs';
import { ballastError, describeValue } from './errors';
import type { BallastNotification } from './notifications';
import type { InputHandlerScope, SideJob } from './scopes';
import type { SideJobOperation } from './side-job-runner';

/** Angular's development flag: `false` in production builds (long messages are dropped). */
declare const ngDevMode: unknown;

/** What a handler's scope needs from its ViewModel. */
export interface InputHandlerHost<I, E, S> {
  readonly name: string;
  getState(): S;
  setState(state: S): void;
  postEvent(event: E): void;
  notify(notification: BallastNotification<I, E, S>): void;
}

/** What finish() and cancel() return when the handler recorded no side job (never mutated). */
const NO_SIDE_JOBS: readonly never[] = Object.freeze([]);

/**
 * The scope of one Input's handler, enforcing the guardian rules of {@link InputHandlerScope}.
 * Once finished or cancelled it is closed: every further call throws.
 */
export class InputHandlerContext<I, E, S> implements InputHandlerScope<I, E, S> {
  /** The State when the handler started: what a cancelled handler rolls back to. */
  readonly stateAtStart: S;
  /** Whether the handler updated the State (a cancelled one is then rolled back). */
  stateUpdated = false;
  private controller: AbortController | undefined;
  private closedAs: 'finished' | 'cancelled' | undefined;
  private used = false;
  private stateAccessed = false;
  private sideJobs: SideJobOperation<I, E, S>[] | undefined;

  constructor(
    private readonly host: InputHandlerHost<I, E, S>,
    readonly input: I,
    private readonly singleStateAccess: boolean,
    /** `replay`: a rebase re-applying the Input (its host ignores Events; side jobs are dropped). */
    private readonly mode: 'live' | 'replay' = 'live',
  ) {
    this.stateAtStart = host.getState();
  }

  get isReplay(): boolean {
    return this.mode === 'replay';
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.closedAs === 'cancelled') this.controller.abort(this.cancellation());
    }
    return this.controller.signal;
  }

  /** Whether the handler called anything at all (a handler that did nothing is an error). */
  get didSomething(): boolean {
    return this.used;
  }

  get cancelled(): boolean {
    return this.closedAs === 'cancelled';
  }

  getCurrentState(): S {
    this.checkStateAccess('getCurrentState');
    return this.host.getState();
  }

  updateState(fn: (state: S) => S): void {
    this.update('updateState', fn);
  }

  updateStateAndGet(fn: (state: S) => S): S {
    return this.update('updateStateAndGet', fn);
  }

  getAndUpdateState(fn: (state: S) => S): S {
    const previous = this.host.getState(); // what update() passes to fn: nothing runs in between
    this.update('getAndUpdateState', fn);
    return previous;
  }

  postEvent(event: E): void {
    this.checkBeforeSideJobs('postEvent');
    this.host.postEvent(event);
  }

  noOp(): void {
    this.checkBeforeSideJobs('noOp');
  }

  sideJob(key: string, job: SideJob<I, E, S>): void {
    this.checkOpen('sideJob');
    this.checkKey('sideJob', key);
    if (typeof job !== 'function') {
      throw ballastError(
        typeof ngDevMode === 'undefined' || ngDevMode
          ? `sideJob("${key}", job) needs a function (scope) => void | Promise<void>; got ${typeof job}.`
          : 13,
      );
    }
    (this.sideJobs ??= []).push({ kind: 'start', key, job });
    this.host.notify({ type: 'SideJobQueued', key });
  }

  cancelSideJob(key: string): void {
    this.checkOpen('cancelSideJob');
    this.checkKey('cancelSideJob', key);
    (this.sideJobs ??= []).push({ kind: 'cancel', key });
  }

  observeInputs(key: string, ...sources: Observable<I>[]): void {
    if (sources.length === 0 || !sources.every((source) => isObservable(source))) {
      throw ballastError(
        typeof ngDevMode === 'undefined' || ngDevMode
          ? `observeInputs("${key}", ...sources) needs one or more Observables of Inputs.`
          : 14,
      );
    }
    this.sideJob(key, (job) => {
      // What merge(...sources) did, without pulling it in: every source in order, done when all
      // complete, the first error ends the others.
      return new Promise<void>((resolve, reject) => {
        const subscription = new Subscription();
        let open = sources.length;
        const fail = (error: unknown): void => {
          subscription.unsubscribe();
          reject(error);
        };
        for (const source of sources) {
          if (subscription.closed) break;
          subscription.add(
            source.subscribe({
              next: (input) => void job.postInput(input).catch(reject),
              error: fail,
              complete: () => --open === 0 && resolve(),
            }),
          );
        }
        job.signal.addEventListener('abort', () => subscription.unsubscribe(), { once: true });
      });
    });
  }

  /** Closes the scope after the handler returned; returns its side job operations. */
  finish(): readonly SideJobOperation<I, E, S>[] {
    this.closedAs = 'finished';
    return this.sideJobs ?? NO_SIDE_JOBS;
  }

  /** Closes the scope because the Input was cancelled; returns the side jobs that never started. */
  cancel(): readonly SideJobOperation<I, E, S>[] {
    this.closedAs = 'cancelled';
    this.controller?.abort(this.cancellation());
    return this.sideJobs ?? NO_SIDE_JOBS;
  }

  private cancellation(): Error {
    return ballastError(
      typeof ngDevMode === 'undefined' || ngDevMode
        ? `Input "${describeValue(this.input)}" was cancelled.`
        : 15,
    );
  }

  /** Returns the new State (no [previous, next] tuple: this runs once per Input). */
  private update(method: string, fn: (state: S) => S): S {
    if (typeof fn !== 'function') {
      throw ballastError(
        typeof ngDevMode === 'undefined' || ngDevMode
          ? `${method}(fn) needs a function (state) => newState; got ${typeof fn}.`
          : 16,
      );
    }
    this.checkStateAccess(method);
    const next = fn(this.host.getState());
    this.host.setState(next);
    this.stateUpdated = true;
    return next;
  }

  private checkOpen(method: string): void {
    if (this.closedAs) {
      const how = this.closedAs === 'finished' ? 'returned' : 'was cancelled';
      throw ballastError(
        typeof ngDevMode === 'undefined' || ngDevMode
          ? `${method}() was called after the handler of Input "${describeValue(this.input)}" ${how} (ViewModel "${this.host.name}"). ` +
              'Await all work inside the handler, or move late work into a sideJob().'
          : 17,
      );
    }
    this.used = true;
  }

  private checkBeforeSideJobs(method: string): void {
    this.checkOpen(method);
    if (this.sideJobs) {
      throw ballastError(
        typeof ngDevMode === 'undefined' || ngDevMode
          ? `${method}() was called after sideJob()/cancelSideJob() in the handler of Input "${describeValue(this.input)}". ` +
              'Side jobs must be the last statements of a handler.'
          : 18,
      );
    }
  }

  private checkStateAccess(method: string): void {
    this.checkBeforeSideJobs(method);
    if (this.singleStateAccess && this.stateAccessed) {
      throw ballastError(
        typeof ngDevMode === 'undefined' || ngDevMode
          ? `${method}() is a second State access in the handler of Input "${describeValue(this.input)}". Under parallel() ` +
              'a handler may read or update the State only once: use one updateStateAndGet()/getAndUpdateState(), or fifo().'
          : 19,
      );
    }
    this.stateAccessed = true;
  }

  private checkKey(method: string, key: string): void {
    if (typeof key !== 'string' || key.length === 0) {
      throw ballastError(
        typeof ngDevMode === 'undefined' || ngDevMode
          ? `${method}(key) needs a non-empty string key; got ${JSON.stringify(key)}.`
          : 20,
      );
    }
  }
}
