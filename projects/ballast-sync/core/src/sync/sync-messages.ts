/**
 * What travels between sync participants: plain data, versioned by `protocol`. Every forwarded
 * Input has an identity and an address, and every published State a version and acknowledgements,
 * so adapters that lose, repeat, delay or reconnect are made exactly-once by the connections
 * (README, "Writing an adapter").
 */

/** The version of the envelopes below; a participant ignores (and reports) any other. */
export const SYNC_PROTOCOL_VERSION = 1;

/** An Input a Replica forwards to the Source. */
export interface SyncedInput<I> {
  readonly protocol: typeof SYNC_PROTOCOL_VERSION;
  /** Unique: `${incarnation}:${seq}`. */
  readonly id: string;
  /** The forwarding Replica's id (stable, may be chosen by the app). */
  readonly clientId: string;
  /**
   * This run of the Replica's connection: random, new every time a connection connects. `seq`
   * restarts at 1 with every incarnation, so a restarted Replica never collides with its past.
   */
  readonly incarnation: string;
  /** 1, 2, 3… per incarnation, in the order the Replica accepted its Inputs. */
  readonly seq: number;
  /**
   * The lowest `seq` of this incarnation that is not acknowledged yet: tells a Source that meets
   * it for the first time where its sequence resumes (everything before is settled).
   */
  readonly firstUnacknowledged: number;
  /**
   * The incarnation of the Source this envelope is for. A Source applies only envelopes
   * addressed to itself; a Replica re-sends what is unacknowledged when it meets a new Source.
   */
  readonly to: string;
  /** The newest `version` of that Source the Replica had received when it sent this envelope. */
  readonly seen: number;
  readonly input: I;
  /**
   * Set only by a Source-side adapter (a server that refused the Input: invalid, over a rate
   * limit): the Source acknowledges it without applying it, so the Replica converges, and reports
   * `InputRefused`. An adapter that receives envelopes from untrusted senders builds them itself
   * and never passes a sender's own `refused` through.
   */
  readonly refused?: string;
}

/** A State the Source publishes to Replicas and Spectators. */
export interface SyncedState<S> {
  readonly protocol: typeof SYNC_PROTOCOL_VERSION;
  /** The publishing Source's id. */
  readonly sourceId: string;
  /** The publishing Source's incarnation: a restarted Source is a new one, even with the same id. */
  readonly incarnation: string;
  /** 1, 2, 3… per incarnation; a receiver ignores a version it has already passed. */
  readonly version: number;
  readonly state: S;
  /**
   * Acknowledgements that changed since the previous version, by Replica incarnation: the highest
   * `seq` such that each of that incarnation's Inputs up to it reached an outcome at the Source
   * (handled, rejected, failed, cancelled or dropped), so it is reflected in `state`.
   */
  readonly acks: Readonly<Record<string, number>>;
}

/**
 * A Source's State with every acknowledgement it reflects: what a new Source continues from
 * (`DefaultSyncConnection({ resumeFrom })`) so that no Input it reflects is applied again.
 */
export interface SyncSnapshot<S> {
  readonly protocol: typeof SYNC_PROTOCOL_VERSION;
  readonly state: S;
  /** For every Replica incarnation the Source has heard from, the highest `seq` reflected in `state`. */
  readonly acks: Readonly<Record<string, number>>;
}

/** This process's (or tab's) random part of every id it creates: drawn once, on first use. */
let processPrefix: string | undefined;
/** How many ids this process created. */
let created = 0;

/** 64 random bits as 2 × 7 base-36 digits, from crypto when the platform has it. */
function randomPrefix(): string {
  const words = globalThis.crypto?.getRandomValues?.(new Uint32Array(2));
  let prefix = '';
  for (let i = 0; i < 2; i++) {
    const word = words ? (words[i] as number) : Math.floor(Math.random() * 2 ** 32);
    prefix += word.toString(36).padStart(7, '0');
  }
  return prefix;
}

/**
 * A unique id for a sync participant (and for each incarnation of one). It is this process's
 * random prefix — 64 bits drawn once per process (or tab) from `crypto.getRandomValues` where
 * available — followed by a counter, so ids never repeat within a process, and two processes
 * (tabs, servers, restarts) share a prefix only with probability about n² / 2^65 for n of them:
 * unique across tabs and servers with overwhelming probability. Drawing once keeps creating a
 * participant cheap; the id is one flat string (no concatenation tree kept in memory).
 */
export function createClientId(): string {
  processPrefix ??= randomPrefix();
  // join() builds one flat string; `+` would keep a two-part concatenation per id.
  return [processPrefix, (created++).toString(36)].join('-');
}

const isPositiveInteger = (value: unknown) =>
  typeof value === 'number' && Number.isInteger(value) && value >= 1;
const isNonNegativeInteger = (value: unknown) =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0;
const isId = (value: unknown) => typeof value === 'string' && value !== '';
const isAckTable = (value: unknown) =>
  typeof value === 'object' &&
  value !== null &&
  Object.values(value).every((seq) => isNonNegativeInteger(seq));

/**
 * What is wrong with a value received as a {@link SyncedInput}, or undefined when it is
 * well-formed. Used by the connections to report (not apply) malformed envelopes.
 */
export function syncedInputProblem(value: unknown): string | undefined {
  const v = value as Partial<SyncedInput<unknown>> | null;
  if (typeof v !== 'object' || v === null) return 'it is not an object';
  if (v.protocol !== SYNC_PROTOCOL_VERSION)
    return `it speaks protocol ${String(v.protocol)}, this library speaks ${SYNC_PROTOCOL_VERSION}: update every participant to the same ballast-sync version`;
  if (!isId(v.clientId) || !isId(v.incarnation) || !isId(v.to))
    return 'clientId, incarnation and to must be non-empty strings';
  if (!isPositiveInteger(v.seq) || !isPositiveInteger(v.firstUnacknowledged))
    return 'seq and firstUnacknowledged must be whole numbers >= 1';
  if ((v.firstUnacknowledged as number) > (v.seq as number))
    return 'firstUnacknowledged must not be greater than seq';
  if (!isNonNegativeInteger(v.seen)) return 'seen must be a whole number >= 0';
  if (v.input === undefined) return 'it carries no input';
  if (v.refused !== undefined && typeof v.refused !== 'string')
    return 'refused must be a string (the reason) when present';
  return undefined;
}

/**
 * What is wrong with a value received as a {@link SyncedState}, or undefined when it is
 * well-formed.
 */
export function syncedStateProblem(value: unknown): string | undefined {
  const v = value as Partial<SyncedState<unknown>> | null;
  if (typeof v !== 'object' || v === null) return 'it is not an object';
  if (v.protocol !== SYNC_PROTOCOL_VERSION)
    return `it speaks protocol ${String(v.protocol)}, this library speaks ${SYNC_PROTOCOL_VERSION}: update every participant to the same ballast-sync version`;
  if (!isId(v.sourceId) || !isId(v.incarnation))
    return 'sourceId and incarnation must be non-empty strings';
  if (!isPositiveInteger(v.version)) return 'version must be a whole number >= 1';
  if (!isAckTable(v.acks)) return 'acks must map incarnations to whole numbers';
  if (!('state' in v)) return 'it carries no state';
  return undefined;
}

/** Whether a value received from an adapter is a well-formed {@link SyncedInput}. */
export function isSyncedInput(value: unknown): value is SyncedInput<unknown> {
  return syncedInputProblem(value) === undefined;
}

/** Whether a value received from an adapter is a well-formed {@link SyncedState}. */
export function isSyncedState(value: unknown): value is SyncedState<unknown> {
  return syncedStateProblem(value) === undefined;
}

/** What is wrong with a {@link SyncSnapshot}, or undefined when it is well-formed. */
export function syncSnapshotProblem(value: unknown): string | undefined {
  const v = value as Partial<SyncSnapshot<unknown>> | null;
  if (typeof v !== 'object' || v === null) return 'it is not an object';
  if (v.protocol !== SYNC_PROTOCOL_VERSION)
    return `it was taken with protocol ${String(v.protocol)}, this library speaks ${SYNC_PROTOCOL_VERSION}`;
  if (!isAckTable(v.acks)) return 'acks must map incarnations to whole numbers';
  if (!('state' in v)) return 'it carries no state';
  return undefined;
}
