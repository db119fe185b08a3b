import { InjectionToken } from '@angular/core';
import {
  ɵballastError as ballastError,
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
  /**
   * The State this instance starts from instead of the ViewModel's `initialState` (a value, or a
   * function called once when the instance is created): a hand-off from storage, a server render,
   * a route resolver. A Source publishes it; a Replica or Spectator shows it until the Source's.
   */
  initialState?: S | (() => S);
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

export function checkSyncViewModelOptions<I, S>(
  options: SyncViewModelOptions<I, S>,
  where: string,
): void {
  if (options === null || typeof options !== 'object') {
    throw ballastError(
      typeof ngDevMode === 'undefined' || ngDevMode
        ? `${where} needs options { role: 'source' | 'replica' | 'spectator' | 'elected' }.`
        : 107,
    );
  }
  if (!ROLES.includes(options.role)) {
    throw ballastError(
      typeof ngDevMode === 'undefined' || ngDevMode
        ? `${where}: role must be one of ${ROLES.map((r) => `'${r}'`).join(', ')}; got ${JSON.stringify(options.role)}.`
        : 108,
    );
  }
  if ('initialState' in options && options.initialState === undefined) {
    throw ballastError(
      typeof ngDevMode === 'undefined' || ngDevMode
        ? `${where}: initialState is undefined; give a State (or a function returning one), or leave it out.`
        : 109,
    );
  }
  if (options.start !== undefined && options.start !== 'continue' && options.start !== 'fresh') {
    throw ballastError(
      typeof ngDevMode === 'undefined' || ngDevMode
        ? `${where}: start must be 'continue' or 'fresh'; got ${JSON.stringify(options.start)}.`
        : 110,
    );
  }
}

/** One options token per SyncViewModel class, so that several kinds can share an injector. */
const tokens = new WeakMap<object, InjectionToken<SyncViewModelOptions>>();

/**
 * The DI token that carries the options `provideSyncViewModel(viewModelClass, …)` gave, read by the
 * SyncViewModel constructor with `inject()`.
 */
export function syncViewModelOptionsToken<I, S>(viewModelClass: {
  readonly name: string;
}): InjectionToken<SyncViewModelOptions<I, S>> {
  let token = tokens.get(viewModelClass);
  if (!token) {
    token = new InjectionToken<SyncViewModelOptions>(
      typeof ngDevMode === 'undefined' || ngDevMode
        ? `ballast-sync: options of ${viewModelClass.name}`
        : '',
    );
    tokens.set(viewModelClass, token);
  }
  // The token is typed per class by provideSyncViewModel(), which alone provides it.
  return token as InjectionToken<SyncViewModelOptions<I, S>>;
}
