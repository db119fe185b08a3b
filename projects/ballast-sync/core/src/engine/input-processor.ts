import { ballastError, describeValue } from './errors';
import { InputHandlerContext, type InputHandlerHost } from './input-handler-context';
import type { InputItem, InputQueue, QueueItem } from './input-queue';
import type { InputStrategy } from './input-strategy';
import type { NotificationBus } from './notification-bus';
import type { BallastNotification } from './notifications';
import type { InputHandler } from './scopes';
import type { SideJobRunner } from './side-job-runner';
import type { InputOutcome } from './view-model-config';
import { isThenable } from './is-thenable';

/** What the input processor needs from its ViewModel. */
export interface InputProcessorHost<I, E, S> extends InputHandlerHost<I, E, S> {
  /** The shutdown item was reached: everything queued before it was dispatched. */
  onShutdownReached(): void;
  /** An async Input settled: pump again (a sequential strategy waited for it). */
  onInputSettled(): void;
}

interface RunningInput<I, E, S> {
  readonly context: InputHandlerContext<I, E, S>;
  readonly item: InputItem<I, S>;
}

const HANDLED: InputOutcome = { status: 'handled' };

/**
 * Takes items off the ViewModel's queue and runs them as its strategy allows: filters and handles
 * Inputs, applies restored States, reaches the shutdown item, and cancels running Inputs when the
 * strategy says so. Idle until started; closed for good by `close()`.
 */
export class InputProcessor<I, E, S> {
  private readonly running = new Set<RunningInput<I, E, S>>();
  private started = false;
  private pumping = false;
  private closed = false;

  constructor(
    private readonly host: InputProcessorHost<I, E, S>,
    private readonly queue: InputQueue<I, S>,
    private readonly strategy: InputStrategy<I, S>,
    private readonly inputHandler: InputHandler<I, E, S>,
    private readonly sideJobs: SideJobRunner<I, E, S>,
    /** Only asked whether it is observed: the per-Input notifications are built only then. */
    private readonly bus: NotificationBus<BallastNotification<I, E, S>>,
  ) {}

  /** How many Inputs are running (an async handler that has not settled). */
  get runningInputs(): number {
    return this.running.size;
  }

  /** Lets `pump()` run from now on: items queued before (while interceptors started) wait. */
  start(): void {
    this.started = true;
  }

  /**
   * Runs queued items as far as the strategy allows. Returns false when it ran nothing because it
   * was not started yet or is already pumping (the running pump picks the new items up).
   */
  pump(): boolean {
    if (this.pumping || !this.started) return false;
    this.pumping = true;
    try {
      const concurrency = this.strategy.concurrency;
      while (!this.closed) {
        if (concurrency === 'sequential' && this.running.size > 0) break;
        const item = this.queue.take();
        if (!item) break;
        if (concurrency === 'cancel-running')
          for (const running of [...this.running]) this.cancelInput(running, true);
        this.dispatch(item);
      }
    } finally {
      this.pumping = false;
    }
    return true;
  }

  /** Stops for good: cancels the running Inputs (without rolling them back) and runs nothing more. */
  close(): void {
    this.closed = true;
    for (const running of [...this.running]) this.cancelInput(running, false);
  }

  private dispatch(item: QueueItem<I, S>): void {
    switch (item.type) {
      case 'input':
        return this.runInput(item);
      case 'restore':
        this.host.setState(item.state);
        return item.settle?.(HANDLED);
      case 'shutdown':
        return this.host.onShutdownReached();
    }
  }

  private runInput(item: InputItem<I, S>): void {
    const input = item.input;
    const filter = this.strategy.filter;
    if (filter) {
      let verdict: unknown;
      try {
        verdict = filter(input, this.host.getState());
        if (verdict !== 'accept' && verdict !== 'reject') {
          throw ballastError(
            `the input filter returned ${String(verdict)}; it must return 'accept' or 'reject'.`,
          );
        }
      } catch (error) {
        this.host.notify({ type: 'InputHandlerError', input, error });
        return item.settle?.({ status: 'failed', error });
      }
      if (verdict === 'reject') {
        this.host.notify({ type: 'InputRejected', input });
        return item.settle?.({ status: 'rejected' });
      }
    }
    if (this.bus.observed) this.host.notify({ type: 'InputAccepted', input });
    const context = new InputHandlerContext(this.host, input, this.strategy.singleStateAccess);
    const running: RunningInput<I, E, S> = { context, item };
    let result: unknown;
    try {
      result = this.inputHandler(input, context);
    } catch (error) {
      return this.completeInput(running, error, true);
    }
    if (!isThenable(result)) return this.completeInput(running, undefined, false);
    this.running.add(running);
    result.then(
      () => this.completeInput(running, undefined, false),
      (error: unknown) => this.completeInput(running, error, true),
    );
  }

  private completeInput(running: RunningInput<I, E, S>, error: unknown, failed: boolean): void {
    const wasRunning = this.running.delete(running);
    const { context, item } = running;
    if (context.cancelled) return; // reported when it was cancelled
    const sideJobs = context.finish();
    if (!failed && !context.didSomething) {
      failed = true;
      error = ballastError(
        `the handler of Input "${describeValue(item.input)}" did nothing (ViewModel "${this.host.name}"). ` +
          'Call scope.noOp() when an Input intentionally changes nothing.',
      );
    }
    if (failed) {
      this.host.notify({ type: 'InputHandlerError', input: item.input, error });
      item.settle?.({ status: 'failed', error });
    } else {
      if (this.bus.observed)
        this.host.notify({ type: 'InputHandledSuccessfully', input: item.input });
      item.settle?.(HANDLED);
    }
    if (this.closed) this.sideJobs.discard(sideJobs);
    else this.sideJobs.apply(sideJobs);
    if (wasRunning) this.host.onInputSettled();
  }

  private cancelInput(running: RunningInput<I, E, S>, rollBack: boolean): void {
    this.running.delete(running);
    const { context, item } = running;
    const neverStarted = context.cancel();
    this.host.notify({ type: 'InputCancelled', input: item.input });
    if (rollBack && context.stateUpdated) this.host.setState(context.stateAtStart);
    this.sideJobs.discard(neverStarted);
    item.settle?.({ status: 'cancelled' });
  }
}
