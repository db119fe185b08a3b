import {
  ballastError,
  ClientType,
  type InputStrategy,
  type RetransmitOptions,
} from 'ballast-sync/core';
import type { MonoTypeOperatorFunction } from 'rxjs';

/** How one provided instance of a SyncViewModel takes part in its channel. */
export interface SyncViewModelOptions<I = unknown, S = unknown> {
  /**
   * `'source'` (exactly one per channel), `'replica'`, `'spectator'`, or `'elected'` (one of the
   * channel's elected instances is its Source, the others Replicas; see `activeRole`).
   */
  role: ClientType;
  /**
   * Source: `'continue'` (default) starts from the channel's latest State when a Source of it
   * existed before in this app (a routed component shown again), with the acknowledgements that
   * State carries, so Replicas lose nothing; `'fresh'` starts from the ViewModel's `initialState`.
   * (An elected Source always continues.)
   */
  start?: 'continue' | 'fresh';
  /** Overrides the ViewModel's own strategy for this instance. */
  inputStrategy?: InputStrategy<I, S>;
  /** Source: when States are published (e.g. `delay(300)`); see DefaultSyncConnectionOptions. */
  bufferStates?: MonoTypeOperatorFunction<S>;
  /** Replica: when Inputs are forwarded (e.g. `delay(300)`); none is lost. */
  bufferInputs?: MonoTypeOperatorFunction<I>;
  /** Replica: how many Inputs may wait for the Source's acknowledgement (default 1000). */
  maxPendingInputs?: number;
  /**
   * How lost messages are recovered (default `{ intervalMs: 1000, maxIntervalMs: 30000 }`): see
   * DefaultSyncConnectionOptions.
   */
  retransmit?: Partial<RetransmitOptions>;
}

const ROLES: readonly string[] = Object.values(ClientType);

export function checkSyncViewModelOptions(options: SyncViewModelOptions, where: string): void {
  if (options === null || typeof options !== 'object') {
    throw ballastError(`${where} needs options { role: 'source' | 'replica' | 'spectator' }.`);
  }
  if (!ROLES.includes(options.role)) {
    throw ballastError(
      `${where}: role must be one of ${ROLES.map((r) => `'${r}'`).join(', ')}; got ${JSON.stringify(options.role)}.`,
    );
  }
  if (options.start !== undefined && options.start !== 'continue' && options.start !== 'fresh') {
    throw ballastError(
      `${where}: start must be 'continue' or 'fresh'; got ${JSON.stringify(options.start)}.`,
    );
  }
}

/**
 * The options of the SyncViewModel being constructed right now. provideSyncViewModel's factory sets
 * them around `new Type()`, and the SyncViewModel constructor takes them (like Angular's own
 * injection context, a stack so nested constructions stay correct).
 */
let constructing: SyncViewModelOptions | undefined;

export function constructWithOptions<T>(options: SyncViewModelOptions, construct: () => T): T {
  const outer = constructing;
  constructing = options;
  try {
    return construct();
  } finally {
    constructing = outer;
  }
}

export function takeConstructionOptions(viewModelClass: string): SyncViewModelOptions {
  const options = constructing;
  if (!options) {
    throw ballastError(
      `${viewModelClass} was created without a role. Provide it with ` +
        `providers: [provideSyncViewModel(${viewModelClass}, { role: 'source' | 'replica' | 'spectator' })].`,
    );
  }
  constructing = undefined; // only the outermost SyncViewModel of this construction gets them
  return options;
}
