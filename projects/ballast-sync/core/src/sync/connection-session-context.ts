import type { MonoTypeOperatorFunction } from 'rxjs';
import type { BallastInterceptorScope } from '../engine/interceptor';
import type { ConnectionStreams } from './connection-streams';
import type { SyncNotification, SyncStatus } from './sync-connection';
import type { SyncConnectionAdapter } from './sync-connection-adapter';
import type { DefaultSyncConnectionOptions } from './sync-connection-options';
import type { SnapshotStore } from './snapshot-store';
import type { SyncSnapshot } from './sync-messages';
import type { RetransmitOptions, SyncSessionContext } from './sync-session';

/**
 * What one incarnation of a {@link DefaultSyncConnection} gives its session: a few fields, the
 * options read through getters, and prototype methods (no closure per connection).
 */
export class ConnectionSessionContext<I, E, S> implements SyncSessionContext<I, E, S> {
  constructor(
    private readonly streams: ConnectionStreams<I, S>,
    private readonly options: DefaultSyncConnectionOptions<I, E, S>,
    readonly retransmit: RetransmitOptions,
    readonly clientId: string,
    readonly incarnation: string,
    readonly scope: BallastInterceptorScope<I, E, S>,
  ) {}

  get adapter(): SyncConnectionAdapter<I, E, S> {
    return this.options.adapter;
  }

  get bufferStates(): MonoTypeOperatorFunction<S> | undefined {
    return this.options.bufferStates;
  }

  get bufferInputs(): MonoTypeOperatorFunction<I> | undefined {
    return this.options.bufferInputs;
  }

  get maxPendingInputs(): number {
    return this.options.maxPendingInputs ?? 1000;
  }

  get resumeFrom(): SyncSnapshot<S> | undefined {
    return this.options.resumeFrom;
  }

  get snapshots(): SnapshotStore<S> | undefined {
    return this.options.snapshots;
  }

  emit(notification: SyncNotification<I, S>): void {
    this.streams.emit(notification);
  }

  setStatus(status: SyncStatus): void {
    this.streams.setStatus(status);
  }

  changed(): void {
    this.streams.changed();
  }
}
