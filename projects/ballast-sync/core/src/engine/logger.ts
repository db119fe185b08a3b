import { ballastError } from './errors';

/** Angular's development flag: `false` in production builds (long messages are dropped). */
declare const ngDevMode: unknown;

/** Where the engine writes diagnostics. Every message starts with `ballast-sync: `. */
export interface BallastLogger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

/** A logger that discards everything. */
export const noOpLogger: BallastLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/**
 * A logger that writes to the console every message at `level` or above (default `'warn'`).
 *
 * @example
 * new BasicViewModel({ ..., logger: createConsoleLogger({ level: 'debug' }) });
 */
export function createConsoleLogger(
  options: { level?: (typeof LEVELS)[number] } = {},
): BallastLogger {
  const min = LEVELS.indexOf(options.level ?? 'warn');
  if (min < 0)
    throw ballastError(
      typeof ngDevMode === 'undefined' || ngDevMode
        ? `createConsoleLogger({ level }) takes one of ${LEVELS.join(', ')}.`
        : 49,
    );
  const at = (level: (typeof LEVELS)[number]) => LEVELS.indexOf(level) >= min;
  return {
    debug: (message) => at('debug') && console.debug(message),
    info: (message) => at('info') && console.info(message),
    warn: (message) => at('warn') && console.warn(message),
    error: (message, error) =>
      error === undefined ? console.error(message) : console.error(message, error),
  };
}

let defaultLogger: BallastLogger | undefined;

/**
 * What a ViewModel without a `logger` writes to: one `createConsoleLogger()` shared by all of them
 * (it holds no state), instead of one each.
 */
export function defaultConsoleLogger(): BallastLogger {
  return (defaultLogger ??= createConsoleLogger());
}
