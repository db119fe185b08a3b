import { ballastError } from '../engine/errors';
import type { SyncSnapshot } from './sync-messages';

/**
 * Keeps the latest snapshot of one channel's Source (its State and every acknowledgement it
 * reflects), so that a Source that starts later (a restart, an elected successor, a page reload)
 * continues from it and no Input is lost or applied twice. A Source given one loads it when it
 * starts and saves after every State it publishes and when it leaves.
 *
 * `load()` and `save()` may be asynchronous (IndexedDB, a file): a Source waits for `load()`
 * before it takes Inputs from Replicas; a `save()` that throws or rejects is reported as
 * `UnhandledError` and the Source goes on.
 *
 * @example
 * const snapshots = new InMemorySnapshotStore<State>();
 * new DefaultSyncConnection({ clientType: 'source', adapter, snapshots });
 */
export interface SnapshotStore<S> {
  /** The latest snapshot saved, or undefined when there is none. */
  load(): SyncSnapshot<S> | undefined | Promise<SyncSnapshot<S> | undefined>;
  /** Replaces the saved snapshot. */
  save(snapshot: SyncSnapshot<S>): void | Promise<void>;
}

/**
 * A {@link SnapshotStore} in memory: survives a Source's ViewModel (shared by the Sources that
 * follow one another in one app), not a reload.
 *
 * @example
 * const snapshots = new InMemorySnapshotStore<State>();
 * const first = new DefaultSyncConnection({ clientType: 'source', adapter, snapshots });
 * // …first's ViewModel is cleared; a later Source continues where it stopped:
 * const next = new DefaultSyncConnection({ clientType: 'source', adapter, snapshots });
 */
export class InMemorySnapshotStore<S> implements SnapshotStore<S> {
  private latest: SyncSnapshot<S> | undefined;

  load(): SyncSnapshot<S> | undefined {
    return this.latest;
  }

  save(snapshot: SyncSnapshot<S>): void {
    if (snapshot === null || typeof snapshot !== 'object' || !('state' in snapshot)) {
      throw ballastError('InMemorySnapshotStore.save(snapshot) needs a SyncSnapshot.');
    }
    this.latest = snapshot;
  }

  /** Forgets the saved snapshot: the next Source starts from its own State. */
  clear(): void {
    this.latest = undefined;
  }
}

/** Whether a value has the two methods of a {@link SnapshotStore}. */
export function isSnapshotStore(value: unknown): value is SnapshotStore<unknown> {
  const v = value as Partial<SnapshotStore<unknown>> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.load === 'function' &&
    typeof v.save === 'function'
  );
}
