import { InjectionToken } from '@angular/core';
import {
  DefaultSyncConnection,
  InMemorySyncTransport,
  type ClientType,
  type RetransmitOptions,
  type SnapshotStore,
  type SyncElection,
  type SyncConnection,
  type SyncConnectionAdapter,
  type SyncTransport,
} from 'ballast-sync/core';
import type { MonoTypeOperatorFunction } from 'rxjs';

/**
 * The transport every {@link SyncViewModel} of the app uses to reach its channel. Defaults (at
 * root, so it is shared app-wide) to an in-memory transport; `provideBallastSync(withSyncTransport(...))`
 * replaces it.
 */
export const BALLAST_SYNC_TRANSPORT = new InjectionToken<SyncTransport>(
  typeof ngDevMode === 'undefined' || ngDevMode ? 'ballast-sync: transport' : '',
  {
    providedIn: 'root',
    factory: () => new InMemorySyncTransport(),
  },
);

/** What a connection factory receives for one ViewModel. */
export interface SyncConnectionFactoryOptions<I, E, S> {
  /** The channel name: the ViewModel's name. */
  readonly channel: string;
  readonly clientType: ClientType;
  readonly adapter: SyncConnectionAdapter<I, E, S>;
  readonly bufferStates?: MonoTypeOperatorFunction<S>;
  readonly bufferInputs?: MonoTypeOperatorFunction<I>;
  readonly maxPendingInputs?: number;
  readonly retransmit?: Partial<RetransmitOptions>;
  /** Source or elected: the channel's snapshot store, when the transport keeps one. */
  readonly snapshots?: SnapshotStore<S>;
  /** Elected: the channel's election. */
  readonly election?: SyncElection;
}

/** Creates the {@link SyncConnection} of one ViewModel. */
export type SyncConnectionFactory = <I, E, S>(
  options: SyncConnectionFactoryOptions<I, E, S>,
) => SyncConnection<I, E, S>;

/** Creates each ViewModel's connection; defaults to {@link DefaultSyncConnection}. */
export const BALLAST_SYNC_CONNECTION_FACTORY = new InjectionToken<SyncConnectionFactory>(
  typeof ngDevMode === 'undefined' || ngDevMode ? 'ballast-sync: connection factory' : '',
  {
    providedIn: 'root',
    factory: () => (options) => {
      const { channel: _channel, ...connectionOptions } = options;
      return new DefaultSyncConnection(connectionOptions);
    },
  },
);

/**
 * How long, in ms, a SyncViewModel may keep the app unstable (Angular's `PendingTasks`) while its
 * Inputs are queued or running or its sync work is on its way (default 10 000). Past it, Angular
 * stops waiting for that instance (a dev-mode warning names it), so a handler that never settles
 * cannot hang a server render or `whenStable()` forever. Set it with `withStabilityTimeout(ms)`.
 */
export const BALLAST_SYNC_STABILITY_TIMEOUT = new InjectionToken<number>(
  typeof ngDevMode === 'undefined' || ngDevMode ? 'ballast-sync: stability timeout' : '',
  { providedIn: 'root', factory: () => 10_000 },
);

/**
 * Whether SyncViewModels hand their State from the server render to the browser through Angular's
 * `TransferState` (see `withTransferState()`).
 */
export const BALLAST_SYNC_TRANSFER_STATE = new InjectionToken<boolean>(
  typeof ngDevMode === 'undefined' || ngDevMode ? 'ballast-sync: transfer state' : '',
  { providedIn: 'root', factory: () => false },
);
