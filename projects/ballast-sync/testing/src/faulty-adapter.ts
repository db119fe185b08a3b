import type { SyncConnectionAdapter, SyncLinkState } from 'ballast-sync/core';
import type { Observable } from 'rxjs';

/** What happened to the messages of one kind, since the adapter was created. */
export interface FaultyMessageStats {
  /**
   * Messages that reached this adapter: Inputs sent through it, States arriving for one of its
   * readers (one per reader), and anything it dropped because its link was down.
   */
  readonly sent: number;
  /** Copies handed over: Inputs to the inner adapter, States to the reader. */
  readonly delivered: number;
  /**
   * Copies that will never be delivered: lost by chance, dropped while the link was down, dropped
   * when their receiver unsubscribed, or refused by the inner adapter (it threw or rejected).
   */
  readonly lost: number;
  /** Messages delivered twice (each counts one extra copy). */
  readonly duplicated: number;
  /** Copies scheduled and not delivered yet. `sent + duplicated = delivered + lost + inFlight`. */
  readonly inFlight: number;
}

/**
 * What a {@link FaultyAdapter} did so far, by kind of message.
 *
 * @example
 * await waitUntil(() => network.stats().inFlight === 0);
 * expect(network.stats().inputs.lost).toBeGreaterThan(0); // the run really was lossy
 */
export interface FaultyAdapterStats {
  readonly inputs: FaultyMessageStats;
  readonly states: FaultyMessageStats;
  /** Copies of both kinds scheduled and not delivered yet: 0 once the adapter is quiet. */
  readonly inFlight: number;
  /** Whether the link is up (see `down()` and `up()`). */
  readonly linkUp: boolean;
}

/**
 * A {@link SyncConnectionAdapter} that loses, repeats and delays messages, and can go down; made
 * by `createFaultyAdapter()`.
 *
 * @example
 * const network = createFaultyAdapter(new InMemorySyncAdapter<Inputs, Events, State>(), { seed: 1 });
 * network.down(); // every participant using it says 'disconnected'; what they send is lost
 * replica.trySend({ type: 'Increment' }); // applied locally, acknowledged later
 * network.up(); // the Replica re-sends what is unacknowledged
 * network.flush(); // no need to wait for the delays
 */
export interface FaultyAdapter<I, E, S> extends SyncConnectionAdapter<I, E, S> {
  /** The seed of the fault randomness: the one given, or the random one picked. */
  readonly seed: number;
  /**
   * `'disconnected'` while the link is down; while it is up, the inner adapter's link state (or
   * `'connected'` when it has no `observeLink`). The current value first, then each change.
   */
  observeLink(clientId: string): Observable<SyncLinkState>;
  /**
   * Takes the link down: drops every message in flight, and every message sent or arriving
   * through this adapter until `up()`; `observeLink` says `'disconnected'`. Does nothing when
   * the link is already down.
   */
  down(): void;
  /** Brings the link back up. Does nothing when it is up. */
  up(): void;
  /** Delivers every message in flight now, in order, as if every delay had elapsed. */
  flush(): void;
  /** Counts of sent, delivered, lost and duplicated messages, and what is in flight. */
  stats(): FaultyAdapterStats;
}
