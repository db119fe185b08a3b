import { ballastError } from './errors';
import type { BallastViewModelConfiguration, QueueOverflow } from './view-model-config';

/** Angular's development flag: `false` in production builds (long messages are dropped). */
declare const ngDevMode: unknown;

const OVERFLOWS: readonly QueueOverflow[] = ['suspend', 'drop-oldest', 'drop-latest'];
const CONCURRENCIES = ['sequential', 'cancel-running', 'concurrent'];

/** The checked, defaulted parts of a configuration. */
export interface ValidConfiguration<S> {
  readonly name: string;
  readonly stateEquals: (a: S, b: S) => boolean;
  readonly capacity: number;
  readonly overflow: QueueOverflow;
  readonly eventBufferCapacity: number;
}

/** How many Events wait for delivery when `eventBuffer.capacity` is not given. */
export const DEFAULT_EVENT_BUFFER_CAPACITY = 256;

/** Checks a ViewModel configuration, throwing a `ballast-sync: ` error that names what is wrong. */
export function validateConfiguration<I, E, S>(
  config: BallastViewModelConfiguration<I, E, S>,
): ValidConfiguration<S> {
  if (config === null || typeof config !== 'object') {
    throw ballastError(
      typeof ngDevMode === 'undefined' || ngDevMode
        ? `BasicViewModel needs a configuration object { initialState, inputHandler }; got ${String(config)}.`
        : 35,
    );
  }
  const name = config.name ?? 'ViewModel';
  const where = `BasicViewModel "${String(name)}"`;
  if (typeof name !== 'string' || name.trim() === '') {
    throw ballastError(
      typeof ngDevMode === 'undefined' || ngDevMode
        ? `the ViewModel name must be a non-empty string; got ${JSON.stringify(name)}.`
        : 36,
    );
  }
  if (config.initialState === undefined) {
    throw ballastError(
      typeof ngDevMode === 'undefined' || ngDevMode
        ? `${where} is missing initialState: pass { initialState, inputHandler } in its configuration.`
        : 37,
    );
  }
  if (typeof config.inputHandler !== 'function') {
    throw ballastError(
      typeof ngDevMode === 'undefined' || ngDevMode
        ? `${where} is missing inputHandler: pass a function (input, scope) => void | Promise<void> (got ${typeof config.inputHandler}).`
        : 38,
    );
  }
  const interceptors = config.interceptors ?? [];
  if (!Array.isArray(interceptors))
    throw ballastError(
      typeof ngDevMode === 'undefined' || ngDevMode
        ? `${where}: interceptors must be an array.`
        : 39,
    );
  interceptors.forEach((interceptor, index) => {
    if (
      interceptor === null ||
      typeof interceptor !== 'object' ||
      typeof interceptor.start !== 'function'
    ) {
      throw ballastError(
        typeof ngDevMode === 'undefined' || ngDevMode
          ? `${where}: interceptors[${index}] is not an interceptor (an object with start(scope, notifications)).`
          : 40,
      );
    }
  });
  const strategy = config.inputStrategy;
  if (
    strategy !== undefined &&
    (strategy === null || !CONCURRENCIES.includes(strategy.concurrency))
  ) {
    throw ballastError(
      typeof ngDevMode === 'undefined' || ngDevMode
        ? `${where}: inputStrategy must come from fifo(), lifo() or parallel().`
        : 41,
    );
  }
  const stateEquals = config.stateEquals ?? Object.is;
  if (typeof stateEquals !== 'function')
    throw ballastError(
      typeof ngDevMode === 'undefined' || ngDevMode
        ? `${where}: stateEquals must be a function (a, b) => boolean.`
        : 42,
    );
  const logger = config.logger;
  if (
    logger !== undefined &&
    (logger === null || typeof logger.error !== 'function' || typeof logger.warn !== 'function')
  ) {
    throw ballastError(
      typeof ngDevMode === 'undefined' || ngDevMode
        ? `${where}: logger must have debug, info, warn and error methods.`
        : 43,
    );
  }
  const capacity = config.inputQueue?.capacity ?? 256;
  if (
    typeof capacity !== 'number' ||
    !(capacity >= 1) ||
    (!Number.isInteger(capacity) && capacity !== Infinity)
  ) {
    throw ballastError(
      typeof ngDevMode === 'undefined' || ngDevMode
        ? `${where}: inputQueue.capacity must be a whole number >= 1 (or Infinity); got ${String(capacity)}.`
        : 44,
    );
  }
  const overflow = config.inputQueue?.overflow ?? 'suspend';
  if (!OVERFLOWS.includes(overflow)) {
    throw ballastError(
      typeof ngDevMode === 'undefined' || ngDevMode
        ? `${where}: inputQueue.overflow must be one of ${OVERFLOWS.join(', ')}; got ${String(overflow)}.`
        : 45,
    );
  }
  const eventBuffer = config.eventBuffer ?? {};
  if (eventBuffer === null || typeof eventBuffer !== 'object') {
    throw ballastError(
      typeof ngDevMode === 'undefined' || ngDevMode
        ? `${where}: eventBuffer must be an object like { capacity: ${DEFAULT_EVENT_BUFFER_CAPACITY} }; got ${String(eventBuffer)}.`
        : 46,
    );
  }
  const eventBufferCapacity = eventBuffer.capacity ?? DEFAULT_EVENT_BUFFER_CAPACITY;
  if (!Number.isInteger(eventBufferCapacity) || eventBufferCapacity < 1) {
    throw ballastError(
      typeof ngDevMode === 'undefined' || ngDevMode
        ? `${where}: eventBuffer.capacity must be a whole number >= 1 (how many Events may wait for the Event handler); got ${String(eventBufferCapacity)}.`
        : 47,
    );
  }
  return { name, stateEquals, capacity, overflow, eventBufferCapacity };
}
