import { ballastError } from './errors.js';

/**
 * What one client may do, and how the server protects itself. Every field has a safe default
 * ({@link DEFAULT_LIMITS}); every refusal is counted in `stats().refused`.
 */
export interface SyncServerLimits {
  /** Open (or opening) sockets at most; more are answered HTTP 503 before the upgrade. Default 10 000. */
  readonly maxConnections: number;
  /** Largest frame accepted, in bytes; a larger one closes the socket with 1009. Default 1 MiB. */
  readonly maxFrameBytes: number;
  /**
   * Input frames per second per connection (token bucket refilled at this rate). An Input over the
   * limit is refused (acknowledged, never applied) with a `rate-limited` error frame. Default 100.
   */
  readonly inputsPerSecond: number;
  /**
   * The bucket's size: how many Input frames may arrive at once. Keep it at least the clients'
   * `maxPendingInputs` (default 1000): a reconnecting Replica re-sends that many at once. Default 1000.
   */
  readonly inputBurst: number;
  /**
   * `ping` frames answered per second per connection (a bucket of their own, so a ping never takes
   * an Input's token). A ping over the limit gets no `pong` and no error frame (counted as
   * `ping-rate-limited`). A client pings once per `liveness.pingAfterMs` of silence (default 15 s)
   * and probes at most once a second. Default 1.
   */
  readonly pingsPerSecond: number;
  /** The pings' bucket size: how many may arrive at once. Default 5. */
  readonly pingBurst: number;
  /** Malformed frames tolerated per connection (each answered `bad-frame`); one more closes with 1008. Default 10. */
  readonly maxBadFrames: number;
  /** Participants (joined clientIds) per connection. Default 100. */
  readonly maxParticipantsPerConnection: number;
  /** Ping interval; a socket that did not answer the previous ping is terminated. Default 30 000. */
  readonly heartbeatMs: number;
  /** Time a socket has to send `hello` after the upgrade, else it is closed with 4001. Default 10 000. */
  readonly helloTimeoutMs: number;
  /** Time `authenticate` may take before the upgrade is refused (HTTP 401). Default 10 000. */
  readonly authenticateTimeoutMs: number;
  /**
   * Bytes queued on a socket beyond which States are skipped for it (a slow client catches up with
   * a later State; a lost acknowledgement is recovered by a re-send). Default 8 MiB.
   */
  readonly maxBufferedBytes: number;
}

/** The defaults of {@link SyncServerLimits}. */
export const DEFAULT_LIMITS: SyncServerLimits = {
  maxConnections: 10_000,
  maxFrameBytes: 1024 * 1024,
  inputsPerSecond: 100,
  inputBurst: 1000,
  pingsPerSecond: 1,
  pingBurst: 5,
  maxBadFrames: 10,
  maxParticipantsPerConnection: 100,
  heartbeatMs: 30_000,
  helloTimeoutMs: 10_000,
  authenticateTimeoutMs: 10_000,
  maxBufferedBytes: 8 * 1024 * 1024,
};

/** Merges `limits` over the defaults, throwing a `ballast-sync: ` error on a wrong value. */
export function resolveLimits(limits: Partial<SyncServerLimits> | undefined): SyncServerLimits {
  if (limits === undefined) return DEFAULT_LIMITS;
  if (limits === null || typeof limits !== 'object') {
    throw ballastError(
      'createSyncServer({ limits }) must be an object such as { inputsPerSecond: 50 }; leave it out for the defaults.',
    );
  }
  const known = Object.keys(DEFAULT_LIMITS);
  for (const key of Object.keys(limits)) {
    if (!known.includes(key))
      throw ballastError(
        `createSyncServer({ limits }) has no limit "${key}"; the limits are ${known.join(', ')}.`,
      );
  }
  const resolved = { ...DEFAULT_LIMITS, ...limits };
  for (const key of known as (keyof SyncServerLimits)[]) {
    const value = resolved[key];
    const zeroAllowed = key === 'maxBadFrames';
    if (typeof value !== 'number' || !Number.isFinite(value) || value < (zeroAllowed ? 0 : 1)) {
      throw ballastError(
        `createSyncServer({ limits: { ${key} } }) must be a finite number ${zeroAllowed ? '>= 0' : '> 0'}; got ${String(value)}.`,
      );
    }
  }
  return resolved;
}

/**
 * A token bucket: `capacity` tokens, refilled at `perSecond`; `take()` spends one if there is one.
 *
 * @example
 * const bucket = new TokenBucket(100, 1000);
 * if (!bucket.take()) refuse('rate-limited');
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly perSecond: number,
    private readonly capacity: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = capacity;
    this.updatedAt = now();
  }

  take(): boolean {
    const now = this.now();
    this.tokens = Math.min(
      this.capacity,
      this.tokens + ((now - this.updatedAt) / 1000) * this.perSecond,
    );
    this.updatedAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
