import { ballastError } from './errors';
import type { BallastNotification } from './notifications';
import type { SideJob, SideJobScope } from './scopes';
import { isThenable } from './is-thenable';

/** Angular's development flag: `false` in production builds (long messages are dropped). */
declare const ngDevMode: unknown;

/** A side job operation recorded by a handler, applied in order once the handler returns. */
export type SideJobOperation<I, E, S> =
  | { readonly kind: 'start'; readonly key: string; readonly job: SideJob<I, E, S> }
  | { readonly kind: 'cancel'; readonly key: string };

/** What the side job runner needs from its ViewModel. */
export interface SideJobHost<I, E, S> {
  notify(notification: BallastNotification<I, E, S>): void;
  getState(): S;
  /** Queues an Input posted by a side job (still accepted while the ViewModel shuts down). */
  postOwnInput(input: I): Promise<void>;
  postEvent(event: E): void;
  onJobSettled(): void;
}

interface RunningJob {
  readonly controller: AbortController;
  settled: Promise<void>;
}

/** Runs keyed side jobs: one per key; starting a key cancels the job running under it. */
export class SideJobRunner<I, E, S> {
  /** Created by the first side job (most ViewModels never start one). */
  private jobs: Map<string, RunningJob> | undefined;

  constructor(private readonly host: SideJobHost<I, E, S>) {}

  get running(): number {
    return this.jobs?.size ?? 0;
  }

  apply(operations: readonly SideJobOperation<I, E, S>[]): void {
    for (const operation of operations) {
      if (operation.kind === 'start') this.start(operation.key, operation.job);
      else this.cancel(operation.key);
    }
  }

  /** Reports side jobs that were queued by a cancelled Input and so never started. */
  discard(operations: readonly SideJobOperation<I, E, S>[]): void {
    for (const operation of operations) {
      if (operation.kind === 'start')
        this.host.notify({ type: 'SideJobCancelled', key: operation.key });
    }
  }

  cancel(key: string): void {
    const job = this.jobs?.get(key);
    if (!job) return;
    this.jobs?.delete(key);
    job.controller.abort(
      ballastError(
        typeof ngDevMode === 'undefined' || ngDevMode ? `side job "${key}" was cancelled.` : 33,
      ),
    );
    this.host.notify({ type: 'SideJobCancelled', key });
    this.host.onJobSettled();
  }

  cancelAll(): void {
    if (this.jobs === undefined || this.jobs.size === 0) return;
    for (const key of [...this.jobs.keys()]) this.cancel(key);
  }

  /** Resolves once every running side job settled (cancelled ones count as settled). */
  async whenAllSettled(): Promise<void> {
    while (this.jobs !== undefined && this.jobs.size > 0)
      await Promise.all([...this.jobs.values()].map((job) => job.settled));
  }

  private start(key: string, job: SideJob<I, E, S>): void {
    const jobs = (this.jobs ??= new Map());
    const restartState = jobs.has(key) ? 'Restarted' : 'Initial';
    this.cancel(key);
    const controller = new AbortController();
    const running: RunningJob = { controller, settled: Promise.resolve() };
    jobs.set(key, running);
    this.host.notify({ type: 'SideJobStarted', key, restartState });
    const scope = this.createScope(key, restartState, controller.signal);
    let result: unknown;
    try {
      result = job(scope);
    } catch (error) {
      this.finish(key, running, error, true);
      return;
    }
    if (isThenable(result)) {
      running.settled = Promise.resolve(result).then(
        () => this.finish(key, running, undefined, false),
        (error: unknown) => this.finish(key, running, error, true),
      );
    } else {
      this.finish(key, running, undefined, false);
    }
  }

  private finish(key: string, job: RunningJob, error: unknown, failed: boolean): void {
    if (this.jobs?.get(key) !== job) return; // cancelled or restarted: already reported
    this.jobs.delete(key);
    this.host.notify(
      failed ? { type: 'SideJobError', key, error } : { type: 'SideJobCompleted', key },
    );
    this.host.onJobSettled();
  }

  private createScope(
    key: string,
    restartState: 'Initial' | 'Restarted',
    signal: AbortSignal,
  ): SideJobScope<I, E, S> {
    const host = this.host;
    const checkActive = (method: string) => {
      if (signal.aborted) {
        throw ballastError(
          typeof ngDevMode === 'undefined' || ngDevMode
            ? `${method}() was called by side job "${key}" after it was cancelled. Check scope.signal.aborted before posting.`
            : 34,
        );
      }
    };
    return {
      key,
      restartState,
      currentStateWhenStarted: host.getState(),
      signal,
      postInput(input: I) {
        checkActive('postInput');
        return host.postOwnInput(input);
      },
      postEvent(event: E) {
        checkActive('postEvent');
        host.postEvent(event);
      },
    };
  }
}
