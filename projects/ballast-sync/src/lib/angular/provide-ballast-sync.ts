import { makeEnvironmentProviders, type EnvironmentProviders, type Provider } from '@angular/core';
import {
  ɵballastError as ballastError,
  InMemorySyncTransport,
  type SyncTransport,
} from 'ballast-sync/core';
import {
  BALLAST_SYNC_CONNECTION_FACTORY,
  BALLAST_SYNC_STABILITY_TIMEOUT,
  BALLAST_SYNC_TRANSFER_STATE,
  BALLAST_SYNC_TRANSPORT,
  type SyncConnectionFactory,
} from './sync-tokens';

/**
 * A feature of {@link provideBallastSync}, made by one of the `with*()` functions. Opaque: its
 * `ɵ` members are internal.
 */
export interface BallastSyncFeature {
  readonly ɵkind: 'transport' | 'connection' | 'stability' | 'transfer-state';
  readonly ɵproviders: readonly Provider[];
}

const FEATURE = Symbol('ballast-sync feature');

function feature(kind: BallastSyncFeature['ɵkind'], providers: Provider[]): BallastSyncFeature {
  return Object.assign({ ɵkind: kind, ɵproviders: providers }, { [FEATURE]: true });
}

/**
 * Configures ballast-sync for an app. Without it, the in-memory transport is used anyway.
 *
 * @example
 * bootstrapApplication(App, { providers: [provideZonelessChangeDetection(), provideBallastSync(withInMemoryAdapter())] });
 */
export function provideBallastSync(...features: BallastSyncFeature[]): EnvironmentProviders {
  const kinds = new Set<string>();
  for (const f of features) {
    if (f === null || typeof f !== 'object' || !(FEATURE in f)) {
      throw ballastError(
        typeof ngDevMode === 'undefined' || ngDevMode
          ? 'provideBallastSync() takes features made by withInMemoryTransport(), withSyncTransport(), ' +
              'withSyncConnection(), withStabilityTimeout() or withTransferState().'
          : 100,
      );
    }
    if (kinds.has(f.ɵkind))
      throw ballastError(
        typeof ngDevMode === 'undefined' || ngDevMode
          ? `provideBallastSync() got two ${f.ɵkind} features; keep one.`
          : 101,
      );
    kinds.add(f.ɵkind);
  }
  return makeEnvironmentProviders(features.flatMap((f) => f.ɵproviders));
}

/**
 * Shares States and Inputs in memory between the ViewModels of this app (the default).
 *
 * @example
 * provideBallastSync(withInMemoryTransport())
 */
export function withInMemoryTransport(): BallastSyncFeature {
  return feature('transport', [
    { provide: BALLAST_SYNC_TRANSPORT, useFactory: () => new InMemorySyncTransport() },
  ]);
}

/**
 * The name this feature had before: it provides a transport (in-memory channels by name), of
 * which each channel's adapter is an `InMemorySyncAdapter`.
 *
 * @deprecated Use {@link withInMemoryTransport}.
 */
export const withInMemoryAdapter = withInMemoryTransport;

/**
 * How long a SyncViewModel may keep the app unstable (Angular's `PendingTasks`) while its Inputs
 * run or its sync work is on its way (default 10 000 ms). Past it Angular stops waiting for that
 * instance (a dev-mode warning names it), so a never-settling handler cannot hang a server render.
 *
 * @example
 * provideBallastSync(withStabilityTimeout(2_000)) // e.g. on the server
 */
export function withStabilityTimeout(ms: number): BallastSyncFeature {
  if (typeof ms !== 'number' || !(ms > 0)) {
    throw ballastError(
      typeof ngDevMode === 'undefined' || ngDevMode
        ? `withStabilityTimeout(ms) needs a number of ms > 0 (Infinity to wait forever); got ${String(ms)}.`
        : 102,
    );
  }
  return feature('stability', [{ provide: BALLAST_SYNC_STABILITY_TIMEOUT, useValue: ms }]);
}

/**
 * Uses another transport (for example one that syncs between tabs or with a server). The factory
 * runs in an injection context.
 *
 * @example
 * provideBallastSync(withSyncTransport(() => new MyTransport(inject(MY_URL))))
 */
export function withSyncTransport(factory: () => SyncTransport): BallastSyncFeature {
  if (typeof factory !== 'function')
    throw ballastError(
      typeof ngDevMode === 'undefined' || ngDevMode
        ? 'withSyncTransport(factory) needs a function returning a SyncTransport.'
        : 103,
    );
  return feature('transport', [{ provide: BALLAST_SYNC_TRANSPORT, useFactory: factory }]);
}

/**
 * Uses another {@link SyncConnection} than `DefaultSyncConnection` for every SyncViewModel.
 *
 * @example
 * provideBallastSync(withSyncConnection((options) => new MyConnection(options)))
 */
export function withSyncConnection(factory: SyncConnectionFactory): BallastSyncFeature {
  if (typeof factory !== 'function')
    throw ballastError(
      typeof ngDevMode === 'undefined' || ngDevMode
        ? 'withSyncConnection(factory) needs a function (options) => SyncConnection.'
        : 104,
    );
  return feature('connection', [{ provide: BALLAST_SYNC_CONNECTION_FACTORY, useValue: factory }]);
}

/**
 * Hands every channel's State from the server render to the browser through Angular's
 * `TransferState`: on the server, each channel's State is written into the page when it is
 * serialized (after the app is stable, so after the Source published); in the browser, the
 * SyncViewModels of that channel start from it (unless their options give an `initialState`), so
 * the first paint already shows the server's State, with no flash and no second fetch. Provide it
 * in the app config shared by the server and the browser.
 *
 * @example
 * export const appConfig: ApplicationConfig = {
 *   providers: [provideZonelessChangeDetection(), provideClientHydration(), provideBallastSync(withTransferState())],
 * };
 */
export function withTransferState(): BallastSyncFeature {
  return feature('transfer-state', [{ provide: BALLAST_SYNC_TRANSFER_STATE, useValue: true }]);
}
