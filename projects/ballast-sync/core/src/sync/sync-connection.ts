import type { Observable, TeardownLogic } from 'rxjs';
import type { BallastInterceptorScope } from '../engine/interceptor';
import type { BallastNotification } from '../engine/notifications';
import type { SyncLinkState } from './sync-connection-adapter';
import type { SyncedInput, SyncedState } from './sync-messages';

/**
 * The role of a ViewModel in a channel. `ClientType.Replica` and `'replica'` are the same.
 * `'elected'`: one of the channel's elected participants is its Source, the others its Replicas
 * (see `DefaultSyncConnection({ election })`).
 */
export const ClientType = {
  Source: 'source',
  Replica: 'replica',
  Spectator: 'spectator',
  Elected: 'elected',
} as const;
export type ClientType = (typeof ClientType)[keyof typeof ClientType];

/** The role a participant plays right now (an elected one is a Source or a Replica). */
export type ActiveRole = Exclude<ClientType, 'elected'>;

/**
 * - `waiting-for-source`: a Replica or Spectator that follows no Source right now (none has
 *   published yet, or the adapter says the Source left);
 * - `connected`: a Source that is the channel's active one, or a Replica/Spectator following one;
 * - `superseded`: a Source replaced by a newer one (it no longer receives Inputs nor publishes);
 * - `disconnected`: the link is down (the adapter says so, or its stream failed and is being
 *   re-subscribed with backoff), or the ViewModel was cleared.
 */
export type SyncStatus = 'waiting-for-source' | 'connected' | 'superseded' | 'disconnected';

/** What a connection did on the wire: the data behind a flow log, and sync errors. */
export type SyncNotification<I, S> =
  /** Replica: an Input went to the adapter (`resent` when it had been sent before). */
  | { readonly type: 'InputForwarded'; readonly input: SyncedInput<I>; readonly resent: boolean }
  /** Replica: the Source acknowledged every Input of this incarnation up to `upToSeq`. */
  | { readonly type: 'InputsAcknowledged'; readonly upToSeq: number }
  /**
   * Replica: no acknowledgement came for `waitedMs` while `count` Inputs were unacknowledged, so
   * they are sent again (the wait doubles each time, up to `retransmit.maxIntervalMs`).
   */
  | { readonly type: 'AcknowledgementOverdue'; readonly waitedMs: number; readonly count: number }
  /** Replica: an Input was refused because `maxPendingInputs` Inputs wait for an acknowledgement. */
  | { readonly type: 'PendingInputsOverflow'; readonly input: I; readonly limit: number }
  /** Replica or Spectator: it now follows this Source incarnation. */
  | { readonly type: 'SourceChanged'; readonly sourceId: string; readonly incarnation: string }
  | { readonly type: 'StateApplied'; readonly state: SyncedState<S> }
  /**
   * Replica: the State it applied was that Source State with its `replayed` unacknowledged Inputs
   * re-applied on top, in order (a rebase), so it never goes back in time.
   */
  | { readonly type: 'StateRebased'; readonly state: SyncedState<S>; readonly replayed: number }
  /** Replica or Spectator: the adapter's link changed. */
  | { readonly type: 'LinkChanged'; readonly link: SyncLinkState }
  /** Source: an Input arrived (`duplicate` when it was already processed or is already held). */
  | { readonly type: 'InputReceived'; readonly input: SyncedInput<I>; readonly duplicate: boolean }
  /**
   * Source: the adapter refused an Input (`SyncedInput.refused`: invalid, over a rate limit); it
   * is acknowledged without being applied.
   */
  | { readonly type: 'InputRefused'; readonly input: SyncedInput<I>; readonly reason: string }
  /** Source: an Input addressed to another Source incarnation arrived; it is never applied. */
  | { readonly type: 'InputMisaddressed'; readonly input: SyncedInput<I> }
  /**
   * Source: a State went to the adapter; `republished` when it is the latest version sent again
   * because nothing new was published for a while (so a lost State is recovered).
   */
  | {
      readonly type: 'StatePublished';
      readonly state: SyncedState<S>;
      readonly republished: boolean;
    }
  | { readonly type: 'SourceSuperseded' }
  /** Elected: it became the channel's Source, or a Replica, as a new `incarnation`. */
  | { readonly type: 'RoleChanged'; readonly role: ActiveRole; readonly incarnation: string }
  /** Any role: an adapter stream failed; it is subscribed again after `retryInMs`. */
  | { readonly type: 'AdapterStreamFailed'; readonly error: unknown; readonly retryInMs: number };

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
  /**
   * Optional: the role it plays right now, first the current one, then every change (only an
   * elected participant changes). Without it, the role is `clientType`.
   */
  observeRole?(): Observable<ActiveRole>;
  observeSyncNotifications(): Observable<SyncNotification<I, S>>;
  /** Optional: whether nothing of this connection is on its way (see DefaultSyncConnection). */
  isSynced?(): boolean;
  /** Optional: resolves once `isSynced()` holds. */
  whenSynced?(): Promise<void>;
}
