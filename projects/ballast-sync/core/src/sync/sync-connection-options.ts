import type { MonoTypeOperatorFunction } from 'rxjs';
import { ballastError } from '../engine/errors';
import { isSnapshotStore, type SnapshotStore } from './snapshot-store';
import { ClientType } from './sync-connection';
import type { SyncConnectionAdapter } from './sync-connection-adapter';
import type { SyncElection } from './sync-election';
import { syncSnapshotProblem, type SyncSnapshot } from './sync-messages';
import type { RetransmitOptions } from './sync-session';

/** Options of {@link DefaultSyncConnection}. */
export interface DefaultSyncConnectionOptions<I, E, S> {
  clientType: ClientType;
  adapter: SyncConnectionAdapter<I, E, S>;
  /**
   * Source (or elected): decides when States are published (e.g.
   * `throttleTime(50, undefined, { trailing: true })`, `debounceTime(100)`, `delay(300)`); the
   * latest State is always what is published. It must emit after the last value it receives, or
   * Replicas wait for the next change.
   */
  bufferStates?: MonoTypeOperatorFunction<S>;
  /**
   * Replica (or elected): decides when accepted Inputs are forwarded (e.g. `delay(300)`,
   * `debounceTime(100)`). Every Input up to the one it lets through is sent, in order, so none is
   * lost.
   */
  bufferInputs?: MonoTypeOperatorFunction<I>;
  /**
   * Replica: how many accepted Inputs may wait for an acknowledgement (for example while no Source
   * exists); beyond it a new Input is refused before it applies locally (outcome `dropped`, reason
   * `'refused'`, and a `PendingInputsOverflow` sync notification). Source: how many Inputs that
   * arrived ahead of a missing one it holds per Replica. Default 1000.
   */
  maxPendingInputs?: number;
  /**
   * This participant's id on the wire (default: random). Each connection also has a random
   * `incarnation`, so a restarted participant with the same id is safe; two live participants with
   * the same id are reported by the Source.
   */
  clientId?: string;
  /**
   * How lost messages are recovered (defaults `{ intervalMs: 1000, maxIntervalMs: 30000 }`): a
   * Replica whose Inputs get no acknowledgement for `intervalMs` sends them again
   * (`AcknowledgementOverdue`), and a Source re-publishes its latest State when it published nothing
   * for `intervalMs`; each wait doubles up to `maxIntervalMs`, and starts over on progress.
   */
  retransmit?: Partial<RetransmitOptions>;
  /**
   * Source only: continue from a snapshot (see `snapshot()`) instead of the ViewModel's initial
   * State: its State is restored first, and its acknowledgements are inherited, so no Input it
   * already reflects is applied again.
   */
  resumeFrom?: SyncSnapshot<S>;
  /**
   * Source (required for elected): where the channel's latest snapshot is kept. The Source loads
   * it when it starts (unless `resumeFrom` is given) and continues from it, and saves after every
   * State it publishes and when it leaves, so the next Source continues where it stopped.
   */
  snapshots?: SnapshotStore<S>;
  /** Elected only (required): decides which elected participant is the Source. */
  election?: SyncElection;
}

export const DEFAULT_RETRANSMIT: RetransmitOptions = { intervalMs: 1000, maxIntervalMs: 30_000 };

const CLIENT_TYPES: readonly string[] = Object.values(ClientType);
const ADAPTER_METHODS = [
  'sendSynchronizedStateToReplicas',
  'sendInputToSource',
  'readStateFromSource',
  'readInputsFromReplicas',
] as const;

/** Which roles each role-specific option applies to. */
const APPLIES_TO = {
  bufferStates: [ClientType.Source, ClientType.Elected],
  bufferInputs: [ClientType.Replica, ClientType.Elected],
  resumeFrom: [ClientType.Source],
  snapshots: [ClientType.Source, ClientType.Elected],
  election: [ClientType.Elected],
} as const;

const A_ROLE: Record<ClientType, string> = {
  source: 'a source',
  replica: 'a replica',
  spectator: 'a spectator',
  elected: "an 'elected' connection",
};

const WHAT = {
  bufferStates: 'it decides when States are published',
  bufferInputs: 'it decides when Inputs are forwarded',
  resumeFrom: 'it is where a Source starts from',
  snapshots: "it keeps a Source's latest snapshot",
  election: 'it decides which elected participant is the Source',
} as const;

/**
 * Checks the options of a DefaultSyncConnection, throwing a `ballast-sync: ` error that says what
 * to change; returns the retransmit settings with their defaults.
 */
export function validateSyncConnectionOptions<I, E, S>(
  options: DefaultSyncConnectionOptions<I, E, S>,
): RetransmitOptions {
  const fail = (message: string): never => {
    throw ballastError(`DefaultSyncConnection: ${message}`);
  };
  if (options === null || typeof options !== 'object') {
    throw ballastError('DefaultSyncConnection needs options { clientType, adapter }.');
  }
  if (!CLIENT_TYPES.includes(options.clientType)) {
    fail(
      `clientType must be one of ${CLIENT_TYPES.map((t) => `'${t}'`).join(', ')}; got ${JSON.stringify(options.clientType)}.`,
    );
  }
  const adapter = options.adapter as Partial<SyncConnectionAdapter<I, E, S>> | null;
  if (
    adapter === null ||
    typeof adapter !== 'object' ||
    ADAPTER_METHODS.some((m) => typeof adapter[m] !== 'function')
  ) {
    fail(
      `adapter must implement SyncConnectionAdapter (${ADAPTER_METHODS.join(', ')}), e.g. new InMemorySyncAdapter().`,
    );
  }
  for (const key of Object.keys(APPLIES_TO) as (keyof typeof APPLIES_TO)[]) {
    if (options[key] === undefined) continue;
    const roles: readonly ClientType[] = APPLIES_TO[key];
    if (!roles.includes(options.clientType)) {
      fail(
        `${key} only applies to ${roles.map((r) => A_ROLE[r]).join(' or ')} (${WHAT[key]}), but this connection is a ${options.clientType}. ` +
          `Remove it, or give it to ${A_ROLE[roles[0] as ClientType]}.`,
      );
    }
  }
  for (const key of ['bufferStates', 'bufferInputs'] as const) {
    if (options[key] !== undefined && typeof options[key] !== 'function') {
      fail(`${key} must be an rxjs operator such as delay(300); got ${typeof options[key]}.`);
    }
  }
  const max = options.maxPendingInputs ?? 1000;
  if (!Number.isInteger(max) || max < 1) {
    fail(`maxPendingInputs must be a whole number >= 1; got ${String(max)}.`);
  }
  if (
    options.clientId !== undefined &&
    (typeof options.clientId !== 'string' || options.clientId === '')
  ) {
    fail('clientId must be a non-empty string.');
  }
  if (options.resumeFrom !== undefined) {
    const problem = syncSnapshotProblem(options.resumeFrom);
    if (problem !== undefined) {
      fail(`resumeFrom is not a snapshot (${problem}). Pass what snapshot() of a Source returned.`);
    }
  }
  if (options.snapshots !== undefined && !isSnapshotStore(options.snapshots)) {
    fail(
      'snapshots must be a SnapshotStore { load(), save(snapshot) }, e.g. new InMemorySnapshotStore().',
    );
  }
  if (options.clientType === ClientType.Elected) {
    const election = options.election as Partial<SyncElection> | undefined;
    if (typeof election?.campaign !== 'function') {
      fail(
        "an 'elected' connection needs an election (e.g. new InMemorySyncElection(), shared by the channel's elected participants).",
      );
    }
    if (options.snapshots === undefined) {
      fail(
        "an 'elected' connection needs snapshots (a SnapshotStore shared by the channel, e.g. new InMemorySnapshotStore()): " +
          'a newly elected Source continues from it, so no Input is lost or applied twice.',
      );
    }
  }
  return validateRetransmit(options.retransmit);
}

function validateRetransmit(value: Partial<RetransmitOptions> | undefined): RetransmitOptions {
  if (value === undefined) return DEFAULT_RETRANSMIT;
  if (value === null || typeof value !== 'object') {
    throw ballastError(
      'DefaultSyncConnection: retransmit must be an object { intervalMs?, maxIntervalMs? }.',
    );
  }
  const intervalMs = value.intervalMs ?? DEFAULT_RETRANSMIT.intervalMs;
  const maxIntervalMs =
    value.maxIntervalMs ?? Math.max(intervalMs, DEFAULT_RETRANSMIT.maxIntervalMs);
  if (typeof intervalMs !== 'number' || !Number.isFinite(intervalMs) || intervalMs <= 0) {
    throw ballastError(
      `DefaultSyncConnection: retransmit.intervalMs must be a finite number of ms > 0; got ${String(intervalMs)}.`,
    );
  }
  if (
    typeof maxIntervalMs !== 'number' ||
    !Number.isFinite(maxIntervalMs) ||
    maxIntervalMs < intervalMs
  ) {
    throw ballastError(
      `DefaultSyncConnection: retransmit.maxIntervalMs must be a finite number of ms >= intervalMs (${intervalMs}); got ${String(maxIntervalMs)}.`,
    );
  }
  return { intervalMs, maxIntervalMs };
}
