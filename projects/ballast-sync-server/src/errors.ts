/** Prefix of every error and warning of ballast-sync, the server included. */
export const ERROR_PREFIX = 'ballast-sync: ';

/**
 * An `Error` whose message starts with `ballast-sync: ` (like the core's own errors).
 *
 * @example
 * throw ballastError('createSyncServer: give either port or server.');
 */
export function ballastError(message: string, options?: { cause?: unknown }): Error {
  return new Error(ERROR_PREFIX + message, options);
}
