import type { Observable } from 'rxjs';
import type { SnapshotStore } from './snapshot-store';
import type { SyncElection } from './sync-election';
import type { SyncedInput, SyncedState } from './sync-messages';

/** Who reads a Source's States: a Replica (it also sends Inputs) or a Spectator (it only watches). */
export type SyncReaderRole = 'replica' | 'spectator';

/**
 * What an adapter knows of one participant's way to the Source:
 * - `connected`: the link is up and (for a Replica or Spectator) a Source is active;
 * - `no-source`: the link is up but no Source is active (it left, or none started yet);
 * - `disconnected`: the link itself is down (offline, reconnecting).
 */
export type SyncLinkState = 'connected' | 'no-source' | 'disconnected';

/**
 * Decides how values travel between the participants of one channel. Write one to sync over a
 * network; the connection above it decides what is sent, and owns exactly-once and convergence.
 *
 * **A lossy wire is normal.** An implementation may:
 * - lose any message (an Input, a State): the Replica re-sends unacknowledged Inputs when no
 *   acknowledgement arrives for a while, and the Source re-publishes its latest State while it is
 *   idle, both with backoff (`DefaultSyncConnection({ retransmit })`);
 * - deliver a message more than once: Inputs carry `incarnation` + `seq` and are applied once;
 *   States carry a `version`, and one already passed is ignored;
 * - delay a message, even past a Source change: an Input addressed to another Source is never
 *   applied, and a State from a Source that was replaced is ignored;
 * - go down and come back: tell it through the optional {@link observeLink}.
 *
 * It must:
 * - keep at most one Source active: a Source that calls `readInputsFromReplicas` takes over, and
 *   the previous Source's Observable **completes** (that is how it learns it was superseded);
 * - deliver one Replica's Inputs to the Source in the order they were sent (losing or repeating
 *   some is fine; the Source holds a bounded number that arrive ahead of a missing one);
 * - start `readStateFromSource` with the active Source's latest State, if any (late joiners), then
 *   deliver the States it publishes;
 * - release everything held for a participant when its subscription ends.
 *
 * An Observable that errors is re-subscribed with backoff; the participant's status says
 * `'disconnected'` meanwhile.
 */
// E is unused but kept so adapters are typed like their ViewModels, as in Ballast.
// eslint-disable-next-line @typescript-eslint/no-unused-vars
export interface SyncConnectionAdapter<I, E, S> {
  /**
   * Source: publish a State to every Replica and Spectator. A returned Promise that settles once
   * the State was handed over lets the Source's `whenSynced()` (and Angular's stability) wait for it.
   */
  sendSynchronizedStateToReplicas(state: SyncedState<S>): void | Promise<void>;
  /** Replica: send an Input to the Source (losing it is allowed: it is re-sent). */
  sendInputToSource(input: SyncedInput<I>): void | Promise<void>;
  /**
   * Replica or Spectator: the Source's States, the current one first. `role` tells which (a server
   * may let a participant only watch); the connections always pass it, an adapter that does not care
   * ignores it.
   */
  readStateFromSource(clientId: string, role?: SyncReaderRole): Observable<SyncedState<S>>;
  /** Source: registers `sourceId` as the channel's active Source and receives Replicas' Inputs. */
  readInputsFromReplicas(sourceId: string): Observable<SyncedInput<I>>;
  /**
   * Optional: the state of this participant's link, the current value first. Without it a
   * participant assumes the link is up. A Replica or Spectator says `'waiting-for-source'` on
   * `no-source` and `'disconnected'` on `disconnected`; a Source says `'disconnected'` while its
   * link is down. When the link comes back, a Replica re-sends what is unacknowledged at once.
   */
  observeLink?(clientId: string): Observable<SyncLinkState>;
}

/**
 * Gives the adapter of a named channel. One transport is shared by every ViewModel of an app; the
 * channel name (usually the ViewModel name) keeps different ViewModel types apart.
 */
export interface SyncTransport {
  adapterFor<I, E, S>(channel: string): SyncConnectionAdapter<I, E, S>;
  /** Optional: the channel's election, for the `'elected'` role. */
  electionFor?(channel: string): SyncElection;
  /** Optional: where the channel keeps its Source's latest snapshot (a new Source continues from it). */
  snapshotStoreFor?<S>(channel: string): SnapshotStore<S>;
}
