import { ballastError } from './errors.js';
import {
  InMemorySnapshotStore,
  syncSnapshotProblem,
  type SnapshotStore,
  type SyncSnapshot,
} from 'ballast-sync/core';

/**
 * Where the server keeps each channel's Source snapshot: a restarted server (or a channel's next
 * Source) continues from it, so no acknowledged Input is lost or applied twice.
 *
 * @example
 * createSyncServer({ port: 8080, channels, snapshots: new FileSnapshotStore('./snapshots') });
 */
export interface SnapshotStoreProvider {
  /** The store of one channel (called once per channel when the server starts). */
  snapshotStoreFor<S>(channel: string): SnapshotStore<S>;
}

/**
 * Snapshots in memory (the default): they survive a server's `close()` and a new
 * `createSyncServer` in the same process given the same instance, not a process restart (use
 * `FileSnapshotStore` for that).
 *
 * @example
 * const snapshots = new InMemorySnapshotStores();
 * await (await createSyncServer({ port, channels, snapshots })).close();
 * await createSyncServer({ port, channels, snapshots }); // continues where the first one stopped
 */
export class InMemorySnapshotStores implements SnapshotStoreProvider {
  private readonly stores = new Map<string, InMemorySnapshotStore<unknown>>();

  snapshotStoreFor<S>(channel: string): SnapshotStore<S> {
    let store = this.stores.get(channel);
    if (!store) this.stores.set(channel, (store = new InMemorySnapshotStore<unknown>()));
    return store as SnapshotStore<S>;
  }
}

/** Whether a value is a {@link SnapshotStoreProvider}. */
export function isSnapshotStoreProvider(value: unknown): value is SnapshotStoreProvider {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<SnapshotStoreProvider>).snapshotStoreFor === 'function'
  );
}

/**
 * Wraps a channel's store: the server loads it itself before the channel starts (a snapshot it
 * cannot use stops `createSyncServer` with a clear error, instead of a Source that silently
 * starts over), and it can wait for the saves in flight when it closes.
 */
export class TrackedSnapshotStore<S> implements SnapshotStore<S> {
  private preloaded: { snapshot: SyncSnapshot<S> | undefined } | undefined;
  private inFlight = new Set<Promise<void>>();

  constructor(
    private readonly store: SnapshotStore<S>,
    private readonly channel: string,
  ) {}

  /** Loads and checks the snapshot; the Source's first `load()` returns it. */
  async preload(): Promise<void> {
    let snapshot: SyncSnapshot<S> | undefined;
    try {
      snapshot = (await this.store.load()) ?? undefined;
    } catch (error) {
      throw ballastError(
        `the snapshot of channel "${this.channel}" cannot be loaded (${error instanceof Error ? error.message : String(error)}). ` +
          'Fix or remove it, or give the server another snapshots store.',
        { cause: error },
      );
    }
    const problem = snapshot === undefined ? undefined : syncSnapshotProblem(snapshot);
    if (problem !== undefined) {
      throw ballastError(
        `the snapshot of channel "${this.channel}" is not a SyncSnapshot (${problem}). ` +
          'Remove it to start the channel from its initialState, or restore a valid one.',
      );
    }
    this.preloaded = { snapshot };
  }

  load(): SyncSnapshot<S> | undefined | Promise<SyncSnapshot<S> | undefined> {
    const preloaded = this.preloaded;
    if (preloaded) {
      this.preloaded = undefined;
      return preloaded.snapshot;
    }
    return this.store.load();
  }

  save(snapshot: SyncSnapshot<S>): void | Promise<void> {
    const saved = this.store.save(snapshot);
    if (typeof (saved as Promise<void> | undefined)?.then !== 'function') return;
    const tracked = Promise.resolve(saved).finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
    return tracked;
  }

  /** Resolves once every save started so far settled (never rejects). */
  async whenSaved(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }
}
