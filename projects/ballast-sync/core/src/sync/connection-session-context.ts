import type { MonoTypeOperatorFunction } from 'rxjs';
import type { BallastInterceptorScope } from '../engine/interceptor';
import type { ConnectionStreams } from './connection-streams';
import type { DefaultSyncConnection } from './default-sync-connection';
import type { SyncNotification, SyncStatus } from './sync-connection';
import type { SyncConnectionAdapter } from './sync-connection-adapter';
import type { SnapshotStore } from './snapshot-store';
import type { SyncSnapshot } from './sync-messages';
import type { RetransmitOptions, SyncSessionContext } from './sync-session';

/** How many unacknowledged Inputs a Replica keeps when its options do not say. */
const DEFAULT_MAX_PENDING_INPUTS = 1000;

/**
 * What a {@link DefaultSyncConnection} gives a session: its options, scope and identity read
 * from the connection through getters, and prototype methods (no closure per connection).
 */
export abstract class SessionContext<I, E, S> implements SyncSessionContext<I, E, S> {
  /** The connection it reads. */
  protected abstract readonly connection: DefaultSyncConnection<I, E, S>;
  abstract readonly incarnation: string;
  abstract emit(notification: SyncNotification<I, S>): void;
  abstract setStatus(status: SyncStatus): void;
  abstract changed(): void;

  get clientId(): string {
    return this.connection.clientId;
  }

  /** Set when the connection connects, before any session starts. */
  get scope(): BallastInterceptorScope<I, E, S> {
    return this.connection['scope'] as BallastInterceptorScope<I, E, S>;
  }

  get retransmit(): RetransmitOptions {
    return this.connection['retransmit'];
  }

  get adapter(): SyncConnectionAdapter<I, E, S> {
    return this.connection['options'].adapter;
  }

  get bufferStates(): MonoTypeOperatorFunction<S> | undefined {
    return this.connection['options'].bufferStates;
  }

  get bufferInputs(): MonoTypeOperatorFunction<I> | undefined {
    return this.connection['options'].bufferInputs;
  }

  get maxPendingInputs(): number {
    return this.connection['options'].maxPendingInputs ?? DEFAULT_MAX_PENDING_INPUTS;
  }

  get resumeFrom(): SyncSnapshot<S> | undefined {
    return this.connection['options'].resumeFrom;
  }

  get snapshots(): SnapshotStore<S> | undefined {
    return this.connection['options'].snapshots;
  }
}

/**
 * The context of one incarnation of an elected connection (a Source's or Replica's session, the
 * connection's only one, uses its `ConnectionStreams`).
 */
export class ConnectionSessionContext<I, E, S> extends SessionContext<I, E, S> {
  constructor(
    private readonly streams: ConnectionStreams<I, E, S>,
    readonly incarnation: string,
  ) {
    super();
  }

  protected get connection(): DefaultSyncConnection<I, E, S> {
    return this.streams['connection'];
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
