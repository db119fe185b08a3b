import type { Observable, TeardownLogic } from 'rxjs';
import type { BallastInterceptorScope } from '../engine/interceptor';
import type { BallastNotification } from '../engine/notifications';
import type { SyncedInput, SyncedState } from './sync-messages';

/** The role of a ViewModel in a channel. `ClientType.Replica` and `'replica'` are the same. */
export const ClientType = { Source: 'source', Replica: 'replica', Spectator: 'spectator' } as const;
export type ClientType = (typeof ClientType)[keyof typeof ClientType];

/**
 * - `waiting-for-source`: a Replica or Spectator that has not received a Source State yet;
 * - `connected`: a Source that is the channel's active one, or a Replica/Spectator following one;
 * - `superseded`: a Source replaced by a newer one (it no longer receives Inputs nor publishes);
 * - `disconnected`: the ViewModel was cleared.
 */
export type SyncStatus = 'waiting-for-source' | 'connected' | 'superseded' | 'disconnected';

/** What a connection did on the wire: the data behind a flow log, and sync errors. */
export type SyncNotification<I, S> =
  | { readonly type: 'InputForwarded'; readonly input: SyncedInput<I>; readonly resent: boolean }
  | { readonly type: 'InputsAcknowledged'; readonly upToSeq: number }
  | { readonly type: 'PendingInputsOverflow'; readonly input: I; readonly limit: number }
  | { readonly type: 'SourceChanged'; readonly sourceId: string }
  | { readonly type: 'StateApplied'; readonly state: SyncedState<S> }
  | { readonly type: 'InputReceived'; readonly input: SyncedInput<I>; readonly duplicate: boolean }
  | { readonly type: 'StatePublished'; readonly state: SyncedState<S> }
  | { readonly type: 'SourceSuperseded' };

/**
 * Decides what is synchronized: it observes a ViewModel's notifications and talks to an adapter.
 * {@link DefaultSyncConnection} implements the Source / Replica / Spectator behaviour.
 */
export interface SyncConnection<I, E, S> {
  readonly clientType: ClientType;
  readonly clientId: string;
  /** Called once, by {@link BallastSyncInterceptor}, while the ViewModel starts. */
  connect(
    scope: BallastInterceptorScope<I, E, S>,
    notifications: Observable<BallastNotification<I, E, S>>,
  ): TeardownLogic;
  /** The current status first, then every change. */
  observeStatus(): Observable<SyncStatus>;
  observeSyncNotifications(): Observable<SyncNotification<I, S>>;
}
