import { makeEnvironmentProviders, type EnvironmentProviders, type Provider } from '@angular/core';
import { ballastError, InMemorySyncTransport, type SyncTransport } from 'ballast-sync/core';
import {
  BALLAST_SYNC_CONNECTION_FACTORY,
  BALLAST_SYNC_TRANSPORT,
  type SyncConnectionFactory,
} from './sync-tokens';

/** A feature of {@link provideBallastSync}, made by one of the `with*()` functions. */
export interface BallastSyncFeature {
  readonly kind: 'transport' | 'connection';
  readonly providers: readonly Provider[];
}

const FEATURE = Symbol('ballast-sync feature');

function feature(kind: BallastSyncFeature['kind'], providers: Provider[]): BallastSyncFeature {
  return Object.assign({ kind, providers }, { [FEATURE]: true });
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
        'provideBallastSync() takes features made by withInMemoryAdapter(), withSyncTransport() or withSyncConnection().',
      );
    }
    if (kinds.has(f.kind))
      throw ballastError(`provideBallastSync() got two ${f.kind} features; keep one.`);
    kinds.add(f.kind);
  }
  return makeEnvironmentProviders(features.flatMap((f) => f.providers));
}

/**
 * Shares States and Inputs in memory between the ViewModels of this app (the default).
 *
 * @example
 * provideBallastSync(withInMemoryAdapter())
 */
export function withInMemoryAdapter(): BallastSyncFeature {
  return feature('transport', [
    { provide: BALLAST_SYNC_TRANSPORT, useFactory: () => new InMemorySyncTransport() },
  ]);
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
    throw ballastError('withSyncTransport(factory) needs a function returning a SyncTransport.');
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
    throw ballastError('withSyncConnection(factory) needs a function (options) => SyncConnection.');
  return feature('connection', [{ provide: BALLAST_SYNC_CONNECTION_FACTORY, useValue: factory }]);
}
