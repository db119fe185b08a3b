import type { BallastLogger } from 'ballast-sync/core';

/** Every kind of refusal the server counts in `stats().refused`. */
export const REFUSAL_KINDS = [
  // before the upgrade (no socket)
  'unauthenticated',
  'too-many-connections',
  'shutting-down',
  // a socket's frames
  'bad-frame',
  'binary-frame',
  'hello-first',
  'hello-timeout',
  'protocol-mismatch',
  'unknown-channel',
  'forbidden',
  'not-a-replica',
  'not-joined',
  'too-many-participants',
  'invalid-input',
  'rate-limited',
  'ping-rate-limited',
  // closes
  'frame-too-large',
  'too-many-bad-frames',
  'heartbeat-timeout',
  // a slow socket: a State was not sent to it
  'state-skipped',
] as const;
export type RefusalKind = (typeof REFUSAL_KINDS)[number];

/** Whoever a refusal is about: its own memory of what was logged (released with it). */
export interface RefusalSubject {
  readonly description: string;
  readonly loggedRefusals: Set<RefusalKind>;
}

/** After the first one, a kind of refusal without a connection is logged at most this often. */
const ANONYMOUS_LOG_INTERVAL_MS = 60_000;

/**
 * Counts refusals and logs each kind once per connection (or, before a connection exists, once a
 * minute with how many were not logged), so an abusive client cannot flood the log.
 */
export class Refusals {
  private readonly counts = Object.fromEntries(REFUSAL_KINDS.map((kind) => [kind, 0])) as Record<
    RefusalKind,
    number
  >;
  private readonly anonymous = new Map<RefusalKind, { loggedAt: number; unlogged: number }>();

  constructor(private readonly logger: BallastLogger) {}

  record(kind: RefusalKind, subject: RefusalSubject | undefined, message: string): void {
    this.counts[kind]++;
    if (subject) {
      if (subject.loggedRefusals.has(kind)) return;
      subject.loggedRefusals.add(kind);
      this.logger.warn(
        `ballast-sync: refused (${kind}) ${subject.description}: ${message} (logged once per connection)`,
      );
      return;
    }
    const now = Date.now();
    const entry = this.anonymous.get(kind);
    if (entry && now - entry.loggedAt < ANONYMOUS_LOG_INTERVAL_MS) {
      entry.unlogged++;
      return;
    }
    const more = entry?.unlogged
      ? ` (and ${entry.unlogged} more not logged since the last one)`
      : '';
    this.anonymous.set(kind, { loggedAt: now, unlogged: 0 });
    this.logger.warn(`ballast-sync: refused (${kind}): ${message}${more}`);
  }

  snapshot(): Readonly<Record<RefusalKind, number>> {
    return { ...this.counts };
  }
}
