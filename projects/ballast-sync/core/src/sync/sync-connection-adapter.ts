import type { Observable } from 'rxjs';
import type { SyncedInput, SyncedState } from './sync-messages';

/**
 * Decides how values travel between the participants of one channel. Write one to sync over a
 * network; the connection above it decides what is sent, and the identity carried by
 * {@link SyncedInput} and {@link SyncedState} makes duplicates and re-sends safe.
 *
 * Expectations on an implementation:
 * - at most one Source is active: a Source that calls `readInputsFromReplicas` takes over, and the
 *   previous Source's Observable **completes** (that is how it learns it was superseded);
 *   States sent by a Source that is not the active one are not delivered;
 * - a Replica's Inputs reach the Source in the order they were sent (they may be lost or repeated);
 * - `readStateFromSource` first delivers the active Source's latest State, if any (late joiners),
 *   then every State it publishes, in order;
 * - unsubscribing releases everything held for that participant.
 */
// E is unused but kept so adapters are typed like their ViewModels, as in Ballast.
// eslint-disable-next-line @typescript-eslint/no-unused-vars
export interface SyncConnectionAdapter<I, E, S> {
  /** Source: publish a State to every Replica and Spectator. */
  sendSynchronizedStateToReplicas(state: SyncedState<S>): void | Promise<void>;
  /** Replica: send an Input to the Source (dropping it when no Source exists is allowed: it is re-sent). */
  sendInputToSource(input: SyncedInput<I>): void | Promise<void>;
  /** Replica or Spectator: the Source's States, the current one first. */
  readStateFromSource(clientId: string): Observable<SyncedState<S>>;
  /** Source: registers `sourceId` as the channel's active Source and receives Replicas' Inputs. */
  readInputsFromReplicas(sourceId: string): Observable<SyncedInput<I>>;
}

/**
 * Gives the adapter of a named channel. One transport is shared by every ViewModel of an app; the
 * channel name (usually the ViewModel name) keeps different ViewModel types apart.
 */
export interface SyncTransport {
  adapterFor<I, E, S>(channel: string): SyncConnectionAdapter<I, E, S>;
}
