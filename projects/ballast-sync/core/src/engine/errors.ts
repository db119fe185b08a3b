/** Prefix of every error and warning this library produces. */
export const ERROR_PREFIX = 'ballast-sync: ';

/**
 * Creates an `Error` whose message starts with `ballast-sync: `.
 *
 * @example
 * throw ballastError('trySend() needs an Input; got undefined. Pass one of your Input objects.');
 */
export function ballastError(message: string, options?: { cause?: unknown }): Error {
  return new Error(ERROR_PREFIX + message, options);
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
