import { ballastError, describeValue } from './errors';
import { InputHandlerContext, type InputHandlerHost } from './input-handler-context';
import type { InputItem, InputQueue, QueueItem } from './input-queue';
import type { InputStrategy } from './input-strategy';
import type { InputGuard } from './interceptor';
import type { NotificationBus } from './notification-bus';
import type { BallastNotification } from './notifications';
import type { InputHandler } from './scopes';
import type { SideJobRunner } from './side-job-runner';
import type { InputOutcome } from './view-model-config';
import { isThenable } from './is-thenable';
import { replayInputs } from './replay-inputs';

/** Angular's development flag: `false` in production builds (long messages are dropped). */
declare const ngDevMode: unknown;

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
 * Internal: a guard that is an object, not a function (a sync session guards with a method of
 * its own, instead of a closure and the closure that removes it, in every Replica).
 */
export interface InputGuardObject<I> {
  guardInput(input: I): string | undefined;
}

type Guard<I> = InputGuard<I> | InputGuardObject<I>;

/**
 * Takes items off the ViewModel's queue and runs them as its strategy allows: filters and handles
 * Inputs, applies restored States, reaches the shutdown item, and cancels running Inputs when the
 * strategy says so. Idle until started; closed for good by `close()`.
 */
export class InputProcessor<I, E, S> {
  /**
   * The Input whose handler is being called right now (the synchronous part of that call), if
   * any. The ViewModel unsets it while it notifies subscribers: they run on the handler's stack,
   * but they are not the handler. See `BasicViewModel.sendAndAwaitCompletion()`.
   */
  inputInHandler: InputItem<I, S> | undefined;
  /** The Inputs whose async handler has not settled; created by the first one. */
  private running: Set<RunningInput<I, E, S>> | undefined;
  /**
   * None, one, or several in an exact-size array; replaced, never mutated, so a guard that adds or
   * removes a guard cannot upset the loop.
   */
  private guards: Guard<I> | readonly Guard<I>[] | undefined;
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
    return this.running?.size ?? 0;
  }

  /** Whether an item queued now would be dispatched at once, with nothing before or beside it. */
  isIdle(): boolean {
    return (
      this.started &&
      !this.pumping &&
      !this.closed &&
      this.queue.size === 0 &&
      (this.running === undefined || this.running.size === 0)
    );
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
        if (concurrency === 'sequential' && this.runningInputs > 0) break;
        const item = this.queue.take();
        if (!item) break;
        if (concurrency === 'cancel-running' && this.runningInputs > 0)
          for (const running of [...(this.running ?? [])]) this.cancelInput(running, 'roll-back');
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
    this.guards = undefined;
    for (const running of [...(this.running ?? [])]) this.cancelInput(running, 'keep-state');
  }

  /**
   * Throws when the handler being called right now belongs to this ViewModel and would await an
   * Input it queues: under a sequential strategy it would wait forever (the new Input waits for
   * it), under lifo() the new Input would cancel it. Only the synchronous part of a handler shows.
   */
  checkNotAwaitedByHandler(method: string, input: I): void {
    const running = this.inputInHandler;
    const { concurrency, name } = this.strategy;
    if (running === undefined || concurrency === 'concurrent') return;
    throw ballastError(
      typeof ngDevMode === 'undefined' || ngDevMode
        ? `${method}(${describeValue(input)}) was called by the handler of Input "${describeValue(running.input)}" ` +
            `on its own ViewModel "${this.host.name}": ${
              concurrency === 'sequential'
                ? `under ${name}() the new Input waits for the running one, so awaiting it there never ends (deadlock)`
                : `under ${name}() the new Input would cancel the handler that awaits it`
            }. Send it without awaiting (vm.trySend() or vm.send()), ` +
            'await it from a side job (scope.sideJob(key, () => vm.sendAndAwaitCompletion(input))), ' +
            'call the handling logic directly, or use parallel().'
        : 21,
    );
  }

  /** Adds a guard run before the filter; returns a function that removes it (see `addInputGuard`). */
  addGuard(guard: InputGuard<I>): () => void {
    if (typeof guard !== 'function') {
      throw ballastError(
        typeof ngDevMode === 'undefined' || ngDevMode
          ? `addInputGuard(guard) needs a function (input) => string | undefined; got ${typeof guard}.`
          : 22,
      );
    }
    if (this.closed) {
      throw ballastError(
        typeof ngDevMode === 'undefined' || ngDevMode
          ? `addInputGuard() was called on ViewModel "${this.host.name}" after it was cleared.`
          : 23,
      );
    }
    this.addGuardObject(guard);
    return () => this.removeGuard(guard);
  }

  /** Internal: adds a guard (object or function) without making a function to remove it. */
  addGuardObject(guard: Guard<I>): void {
    if (this.closed) return; // it would never run
    const guards = this.guards;
    if (guards === undefined) this.guards = guard;
    // Exact size (a spread or a push leaves room to grow).
    else this.guards = Array.isArray(guards) ? guards.concat(guard) : [guards as Guard<I>, guard];
  }

  /** Removes a guard added before (another is ignored). */
  removeGuard(guard: Guard<I>): void {
    const guards = this.guards;
    if (guards === guard) this.guards = undefined;
    else if (Array.isArray(guards)) {
      const left = (guards as readonly Guard<I>[]).filter((g) => g !== guard);
      this.guards = left.length === 1 ? left[0] : left;
    }
  }

  private dispatch(item: QueueItem<I, S>): void {
    switch (item.type) {
      case 'input':
        return this.runInput(item);
      case 'restore':
        this.host.setState(this.rebase(item));
        return item.settle?.(HANDLED);
      case 'shutdown':
        return this.host.onShutdownReached();
    }
  }

  /** A restored State: its item's rebase (read now) with its Inputs replayed on top, if any. */
  private rebase(item: Extract<QueueItem<I, S>, { type: 'restore' }>): S {
    if (!item.rebase) return item.state;
    let base: { readonly state: S; readonly inputs: readonly I[] };
    try {
      base = item.rebase();
    } catch (error) {
      this.host.notify({ type: 'UnhandledError', error });
      return item.state;
    }
    if (base.inputs.length === 0) return base.state;
    return replayInputs(this.inputHandler, base.state, base.inputs, {
      name: this.host.name,
      singleStateAccess: this.strategy.singleStateAccess,
    });
  }

  private runInput(item: InputItem<I, S>): void {
    const input = item.input;
    if (this.guards !== undefined && !this.passesGuards(item)) return;
    const filter = this.strategy.filter;
    if (filter) {
      let verdict: unknown;
      try {
        verdict = filter(input, this.host.getState());
        if (verdict !== 'accept' && verdict !== 'reject') {
          throw ballastError(
            typeof ngDevMode === 'undefined' || ngDevMode
              ? `the input filter returned ${String(verdict)}; it must return 'accept' or 'reject'.`
              : 24,
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
    item.started?.();
    const context = new InputHandlerContext(this.host, input, this.strategy.singleStateAccess);
    const running: RunningInput<I, E, S> = { context, item };
    let result: unknown;
    let thrown: { error: unknown } | undefined;
    const outer = this.inputInHandler; // undefined: pump() is not reentrant, handler calls never nest
    this.inputInHandler = item;
    try {
      result = this.inputHandler(input, context);
    } catch (error) {
      thrown = { error };
    }
    this.inputInHandler = outer;
    if (thrown) return this.fail(running, thrown.error);
    if (!isThenable(result)) return this.succeed(running);
    (this.running ??= new Set()).add(running);
    result.then(
      () => this.succeed(running),
      (error: unknown) => this.fail(running, error),
    );
  }

  /** Runs the guards; a refusal or a failure is reported and settled here (returns false). */
  private passesGuards(item: InputItem<I, S>): boolean {
    const guards = this.guards;
    if (!Array.isArray(guards)) return this.passesGuard(guards as Guard<I>, item);
    for (const guard of guards as readonly Guard<I>[])
      if (!this.passesGuard(guard, item)) return false;
    return true;
  }

  private passesGuard(guard: Guard<I>, item: InputItem<I, S>): boolean {
    const input = item.input;
    let message: unknown;
    try {
      message = typeof guard === 'function' ? guard(input) : guard.guardInput(input);
      if (message !== undefined && typeof message !== 'string') {
        throw ballastError(
          typeof ngDevMode === 'undefined' || ngDevMode
            ? `an input guard returned ${describeValue(message)} for Input "${describeValue(input)}"; ` +
                'it must return a message string (to refuse the Input) or undefined.'
            : 25,
        );
      }
    } catch (error) {
      this.host.notify({ type: 'InputHandlerError', input, error });
      item.settle?.({ status: 'failed', error });
      return false;
    }
    if (message !== undefined) {
      this.host.notify({ type: 'InputDropped', input, reason: 'refused', message });
      item.settle?.({ status: 'dropped', reason: 'refused', message });
      return false;
    }
    return true;
  }

  /** The handler returned (or its Promise resolved): handled, unless it did nothing at all. */
  private succeed(running: RunningInput<I, E, S>): void {
    const { context, item } = running;
    if (context.cancelled || context.didSomething) return this.complete(running, { failed: false });
    const error = ballastError(
      typeof ngDevMode === 'undefined' || ngDevMode
        ? `the handler of Input "${describeValue(item.input)}" did nothing (ViewModel "${this.host.name}"). ` +
            'Call scope.noOp() when an Input intentionally changes nothing.'
        : 26,
    );
    this.complete(running, { failed: true, error });
  }

  /** The handler threw (or its Promise rejected). */
  private fail(running: RunningInput<I, E, S>, error: unknown): void {
    this.complete(running, { failed: true, error });
  }

  private complete(
    running: RunningInput<I, E, S>,
    outcome: { readonly failed: false } | { readonly failed: true; readonly error: unknown },
  ): void {
    const wasRunning = this.running?.delete(running) ?? false;
    const { context, item } = running;
    if (context.cancelled) return; // reported when it was cancelled
    const sideJobs = context.finish();
    if (outcome.failed) {
      const error = outcome.error;
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

  private cancelInput(running: RunningInput<I, E, S>, state: 'roll-back' | 'keep-state'): void {
    this.running?.delete(running);
    const { context, item } = running;
    const neverStarted = context.cancel();
    this.host.notify({ type: 'InputCancelled', input: item.input });
    if (state === 'roll-back' && context.stateUpdated) this.host.setState(context.stateAtStart);
    this.sideJobs.discard(neverStarted);
    item.settle?.({ status: 'cancelled' });
  }
}
