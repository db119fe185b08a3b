/**
 * What travels between sync participants. Every forwarded Input has an identity and every
 * published State a version and acknowledgements, so adapters that lose, repeat or reconnect can
 * be made exactly-once (ARCHITECTURE §4.3). The in-memory adapter never loses anything, but the
 * connections rely on these fields all the same.
 */

/** An Input a Replica forwards to the Source. */
export interface SyncedInput<I> {
  /** Unique: `${clientId}:${seq}`. */
  readonly id: string;
  /** The forwarding Replica. */
  readonly clientId: string;
  /** 1, 2, 3… per Replica, in the order its Inputs were queued. */
  readonly seq: number;
  /**
   * The lowest `seq` of this Replica that no Source has acknowledged yet: tells a Source that meets
   * this Replica for the first time where its sequence resumes (everything before is settled).
   */
  readonly firstUnacknowledged: number;
  readonly input: I;
}

/** A State the Source publishes to Replicas and Spectators. */
export interface SyncedState<S> {
  /** The publishing Source. A Replica that sees a new `sourceId` re-sends its unacknowledged Inputs. */
  readonly sourceId: string;
  /** 1, 2, 3… per Source; a Replica ignores a version it has already passed. */
  readonly version: number;
  readonly state: S;
  /**
   * Acknowledgements that changed since the previous published State: for a Replica's `clientId`,
   * the highest `seq` such that each of its Inputs up to it reached an outcome at the Source
   * (handled, rejected, failed, cancelled or dropped), so it is reflected in `state`.
   */
  readonly acks: Readonly<Record<string, number>>;
}

let counter = 0;

/** A random id for a sync participant (unique across tabs and servers with overwhelming probability). */
export function createClientId(): string {
  const random = globalThis.crypto?.getRandomValues?.(new Uint32Array(3));
  const part = (n: number) => n.toString(36).padStart(7, '0');
  const entropy = random
    ? Array.from(random, part).join('')
    : Array.from({ length: 3 }, () => part(Math.floor(Math.random() * 2 ** 32))).join('');
  return `${entropy}-${(counter++).toString(36)}`;
}

const isPositiveInteger = (value: unknown) =>
  typeof value === 'number' && Number.isInteger(value) && value >= 1;

/** Whether a value received from an adapter is a well-formed {@link SyncedInput}. */
export function isSyncedInput(value: unknown): value is SyncedInput<unknown> {
  const v = value as Partial<SyncedInput<unknown>> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.clientId === 'string' &&
    isPositiveInteger(v.seq) &&
    isPositiveInteger(v.firstUnacknowledged) &&
    (v.firstUnacknowledged as number) <= (v.seq as number) &&
    v.input !== undefined
  );
}

/** Whether a value received from an adapter is a well-formed {@link SyncedState}. */
export function isSyncedState(value: unknown): value is SyncedState<unknown> {
  const v = value as Partial<SyncedState<unknown>> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.sourceId === 'string' &&
    isPositiveInteger(v.version) &&
    typeof v.acks === 'object' &&
    v.acks !== null &&
    'state' in v
  );
}
