import { ballastError } from './errors';

/** Angular's development flag: `false` in production builds (long messages are dropped). */
declare const ngDevMode: unknown;

/** The longest delay `setTimeout` honours; a longer one fires after about 1 ms instead. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/**
 * Like `setTimeout`, but any delay works: a delay longer than {@link MAX_TIMER_DELAY_MS} is waited
 * out by a chain of timers (a plain `setTimeout` would overflow and fire at once), and `Infinity`
 * never fires. Returns a function that cancels it.
 *
 * @example
 * const cancel = setLongTimeout(() => vm.clear(), gracePeriodMs);
 */
export function setLongTimeout(callback: () => void, delayMs: number): () => void {
  if (typeof callback !== 'function' || typeof delayMs !== 'number' || !(delayMs >= 0)) {
    throw ballastError(
      typeof ngDevMode === 'undefined' || ngDevMode
        ? `setLongTimeout(callback, delayMs) needs a function and a number >= 0 (or Infinity); got ${typeof callback} and ${String(delayMs)}.`
        : 32,
    );
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const wait = (remaining: number) => {
    if (remaining === Infinity) return;
    const step = Math.min(remaining, MAX_TIMER_DELAY_MS);
    timer = setTimeout(() => {
      if (remaining > step) wait(remaining - step);
      else callback();
    }, step);
  };
  wait(delayMs);
  return () => clearTimeout(timer);
}
