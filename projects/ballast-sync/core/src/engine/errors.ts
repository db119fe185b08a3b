/** Prefix of every error and warning this library produces. */
export const ERROR_PREFIX = 'ballast-sync: ';

/**
 * Creates an `Error` whose message starts with `ballast-sync: `. Call sites pass the long message
 * in development and a short code in production, the way Angular libraries do it:
 * `typeof ngDevMode === 'undefined' || ngDevMode ? message : 12`. Production builds define
 * `ngDevMode` as `false`, so the bundler drops the long message and the error reads
 * `ballast-sync: [BS12] …` (the call site with `: 12` says what it is). Plain Node, Jest and
 * development builds see the full message. A refused call still throws; only the wording shrinks.
 *
 * @example
 * throw ballastError(
 *   typeof ngDevMode === 'undefined' || ngDevMode ? `trySend() needs an Input; got ${String(input)}.` : 12,
 * );
 */
export function ballastError(message: string | number, options?: { cause?: unknown }): Error {
  return new Error(
    ERROR_PREFIX +
      (typeof message === 'number'
        ? `[BS${message}] (the full message is in development builds)`
        : message),
    options,
  );
}

/** A short, log-friendly description of an Input, Event or value (its `type` when it has one). */
export function describeValue(value: unknown): string {
  if (value !== null && typeof value === 'object') {
    const type = (value as { type?: unknown }).type;
    if (typeof type === 'string') return type;
    return value.constructor?.name && value.constructor !== Object
      ? value.constructor.name
      : 'object';
  }
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
