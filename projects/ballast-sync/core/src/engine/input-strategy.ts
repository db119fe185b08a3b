import { ballastError } from './errors';

/** Angular's development flag: `false` in production builds (long messages are dropped). */
declare const ngDevMode: unknown;

/** What a filter decides for an Input at the moment it is dequeued. */
export type InputFilterResult = 'accept' | 'reject';

/**
 * Decides, when an Input is dequeued, whether it reaches the handler. A rejected Input emits
 * `InputRejected` and its `sendAndAwaitCompletion()` resolves with `{ status: 'rejected' }`.
 */
export type InputFilter<I, S> = (input: I, state: S) => InputFilterResult;

/**
 * How queued items (Inputs, restored States, a graceful shutdown) are run.
 * Create one with {@link fifo}, {@link lifo} or {@link parallel}.
 */
export interface InputStrategy<I, S> {
  readonly name: 'fifo' | 'lifo' | 'parallel';
  /**
   * `sequential`: one item at a time, in order. `cancel-running`: a newly dequeued item of any kind
   * cancels the running Input, which is rolled back. `concurrent`: every item starts at once.
   */
  readonly concurrency: 'sequential' | 'cancel-running' | 'concurrent';
  readonly filter: InputFilter<I, S> | undefined;
  /** Whether a handler may read or update the State only once (true when handlers overlap). */
  readonly singleStateAccess: boolean;
}

/** Options of {@link fifo} and {@link lifo}. */
export interface InputStrategyOptions<I, S> {
  /** Runs at dequeue time; restored States bypass it. */
  filter?: InputFilter<I, S>;
}

function checkedFilter<I, S>(strategy: string, options: InputStrategyOptions<I, S> | undefined) {
  if (options === null || (options !== undefined && typeof options !== 'object')) {
    throw ballastError(
      typeof ngDevMode === 'undefined' || ngDevMode
        ? `${strategy}() takes an options object like { filter }; got ${String(options)}.`
        : 27,
    );
  }
  const filter = options?.filter;
  if (filter !== undefined && typeof filter !== 'function') {
    throw ballastError(
      typeof ngDevMode === 'undefined' || ngDevMode
        ? `${strategy}({ filter }) needs a function (input, state) => 'accept' | 'reject'.`
        : 28,
    );
  }
  return filter;
}

/** What `fifo()` without a filter returns: one shared strategy (a page of many ViewModels holds one). */
const FIFO: InputStrategy<unknown, unknown> = Object.freeze({
  name: 'fifo',
  concurrency: 'sequential',
  filter: undefined,
  singleStateAccess: false,
});

/**
 * First in, first out: Inputs run one at a time, in the order they were queued, and are never
 * cancelled. The default strategy (see README "Choosing a strategy").
 *
 * @example
 * new BasicViewModel({ initialState, inputHandler, inputStrategy: fifo() });
 */
export function fifo<I, S>(options?: InputStrategyOptions<I, S>): InputStrategy<I, S> {
  const filter = checkedFilter('fifo', options);
  if (filter === undefined) return FIFO as InputStrategy<I, S>;
  return { name: 'fifo', concurrency: 'sequential', filter, singleStateAccess: false };
}

/**
 * Last in, first out: a newly dequeued item of any kind cancels the running Input (its signal is
 * aborted and the State is rolled back to what it was when that Input started).
 *
 * @example
 * new BasicViewModel({ initialState, inputHandler, inputStrategy: lifo() });
 */
export function lifo<I, S>(options?: InputStrategyOptions<I, S>): InputStrategy<I, S> {
  return {
    name: 'lifo',
    concurrency: 'cancel-running',
    filter: checkedFilter('lifo', options),
    singleStateAccess: false,
  };
}

/**
 * Every Input starts as soon as it is dequeued and handlers overlap; no filter, no rollback. Each
 * handler may read or update the State only once, so concurrent handlers cannot overwrite each other.
 *
 * @example
 * new BasicViewModel({ initialState, inputHandler, inputStrategy: parallel() });
 */
export function parallel<I, S>(): InputStrategy<I, S> {
  return {
    name: 'parallel',
    concurrency: 'concurrent',
    filter: undefined,
    singleStateAccess: true,
  };
}
