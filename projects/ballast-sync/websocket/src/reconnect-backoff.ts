import type { WebSocketReconnectOptions } from './web-socket-sync-transport-options';

/**
 * Waits between connection attempts (internal): `initialDelayMs` doubled per attempt up to
 * `maxDelayMs`, each shortened by a random fraction of at most `jitter`. Every wait is within
 * `[base * (1 - jitter), base]`, so it never exceeds `maxDelayMs`.
 */
export class ReconnectBackoff {
  private attempt = 0;

  constructor(
    private readonly options: WebSocketReconnectOptions,
    private readonly random: () => number = Math.random,
  ) {}

  /** The next wait, in ms; each call doubles the base of the next one, up to the maximum. */
  next(): number {
    const { initialDelayMs, maxDelayMs, jitter } = this.options;
    const base = Math.min(maxDelayMs, initialDelayMs * 2 ** this.attempt);
    if (base < maxDelayMs) this.attempt++;
    return Math.round(base * (1 - jitter * this.random()));
  }

  /** Starts over from `initialDelayMs`. */
  reset(): void {
    this.attempt = 0;
  }
}
