import { finalize, Observable } from 'rxjs';
import { ballastError } from '../engine/errors';
import {
  InMemoryChannel,
  type ChannelRef,
  type InMemorySyncAdapterStats,
} from './in-memory-channel';
import { inMemoryAdapterOn, type InMemorySyncAdapter } from './in-memory-sync-adapter';
import { InMemorySnapshotStore } from './snapshot-store';
import type { SyncTransport } from './sync-connection-adapter';
import { InMemorySyncElection, type SyncElection } from './sync-election';

/**
 * In-memory channels by name: every ViewModel of an app that asks for channel "counter" shares
 * one channel. The Angular layer provides one at root by default.
 *
 * A channel's state exists only while it has a participant (a Source, a State reader, a link
 * observer or a queued delivery), so a long-lived app with a channel per document does not grow.
 * An adapter from `adapterFor(name)` stays valid forever: it looks its channel up by name on each
 * call, so every adapter of one name (obtained before or after the channel was forgotten) reaches
 * the same channel. While a channel is live, `adapterFor(name)` returns one adapter for all its
 * participants (a page of many Replicas holds one, not one each).
 *
 * @example
 * const transport = new InMemorySyncTransport();
 * const adapter = transport.adapterFor<Inputs, Events, State>('counter');
 */
export class InMemorySyncTransport implements SyncTransport {
  private readonly channels = new Map<string, InMemoryChannel<unknown, unknown>>();
  private readonly elections = new Map<string, InMemorySyncElection>();
  private readonly snapshots = new Map<string, InMemorySnapshotStore<unknown>>();

  /**
   * The adapter of channel `channel`: a light handle that reaches the same channel however often
   * it is asked for (while the channel is live, the same object).
   *
   * @example
   * const replica = new DefaultSyncConnection({ clientType: 'replica', adapter: transport.adapterFor('counter') });
   */
  adapterFor<I, E, S>(channel: string): InMemorySyncAdapter<I, E, S> {
    checkChannel('adapterFor', channel);
    const live = this.channels.get(channel);
    const adapter = (live?.handle ??
      inMemoryAdapterOn<I, E, S>(new NamedChannel(this, channel))) as InMemorySyncAdapter<I, E, S>;
    if (live) live.handle = adapter;
    return adapter;
  }

  /**
   * The election of channel `channel` (for the `'elected'` role): the earliest candidate still
   * standing leads. Forgotten once nobody stands; the handle stays valid.
   *
   * @example
   * new DefaultSyncConnection({ clientType: 'elected', adapter, election: transport.electionFor('todos'), snapshots: transport.snapshotStoreFor('todos') });
   */
  electionFor(channel: string): SyncElection {
    checkChannel('electionFor', channel);
    return {
      campaign: (candidateId: string): Observable<boolean> =>
        // Joined on subscription (what defer() does, without pulling in rxjs's innerFrom).
        new Observable<boolean>((subscriber) => {
          let election = this.elections.get(channel);
          if (!election) this.elections.set(channel, (election = new InMemorySyncElection()));
          const joined = election;
          return joined
            .campaign(candidateId)
            .pipe(
              finalize(() => {
                if (joined.standing().length === 0 && this.elections.get(channel) === joined)
                  this.elections.delete(channel);
              }),
            )
            .subscribe(subscriber);
        }),
    };
  }

  /**
   * Where channel `channel` keeps its Source's latest snapshot, so that a Source created later in
   * this app (a component shown again, an elected successor) continues from it. Kept for the
   * transport's lifetime, one State per channel; `forgetSnapshot(channel)` drops one.
   *
   * @example
   * new DefaultSyncConnection({ clientType: 'source', adapter, snapshots: transport.snapshotStoreFor('todos') });
   */
  snapshotStoreFor<S>(channel: string): InMemorySnapshotStore<S> {
    checkChannel('snapshotStoreFor', channel);
    let store = this.snapshots.get(channel);
    if (!store) this.snapshots.set(channel, (store = new InMemorySnapshotStore()));
    return store as InMemorySnapshotStore<S>;
  }

  /** Drops the snapshot kept for `channel`: its next Source starts from its own State. */
  forgetSnapshot(channel: string): void {
    this.snapshots.delete(channel);
  }

  /**
   * What every live channel holds right now, by channel name; a channel nobody uses is absent.
   *
   * @example
   * expect(transport.stats()).toEqual({}); // every ViewModel was cleared
   */
  stats(): Record<string, InMemorySyncAdapterStats> {
    return Object.fromEntries([...this.channels].map(([name, channel]) => [name, channel.stats()]));
  }

  /** The live channel of that name, if any. */
  private find(name: string): InMemoryChannel<unknown, unknown> | undefined {
    return this.channels.get(name);
  }

  /** The channel of that name, created (and remembered while it is live) if needed. */
  private open(name: string): InMemoryChannel<unknown, unknown> {
    const live = this.channels.get(name);
    if (live) return live;
    const channel: InMemoryChannel<unknown, unknown> = new InMemoryChannel(() => {
      // Only this channel's own entry: a newer channel of the same name is never removed.
      if (this.channels.get(name) === channel) this.channels.delete(name);
    });
    this.channels.set(name, channel);
    return channel;
  }
}

/** How a transport's adapter reaches its channel: by name, on every call (fields, no closures). */
class NamedChannel<I, S> implements ChannelRef<I, S> {
  constructor(
    private readonly transport: InMemorySyncTransport,
    private readonly name: string,
  ) {}

  find(): InMemoryChannel<I, S> | undefined {
    return this.transport['find'](this.name) as InMemoryChannel<I, S> | undefined;
  }

  open(): InMemoryChannel<I, S> {
    return this.transport['open'](this.name) as InMemoryChannel<I, S>;
  }
}

function checkChannel(method: string, channel: string): void {
  if (typeof channel !== 'string' || channel.trim() === '') {
    throw ballastError(
      `${method}(channel) needs a non-empty channel name; got ${JSON.stringify(channel)}.`,
    );
  }
}
