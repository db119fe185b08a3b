import {
  ɵballastError as ballastError,
  ɵsetPageHiddenCheck as setPageHiddenCheck,
  createConsoleLogger,
  isSyncedInput,
  isSyncedState,
  type SnapshotStore,
  type SyncConnectionAdapter,
  type SyncElection,
  type SyncSnapshot,
  type SyncTransport,
} from 'ballast-sync/core';
import { defer, Observable } from 'rxjs';
import {
  checkCrossTabOptions,
  type BroadcastChannelSyncTransportOptions,
} from './broadcast-channel-sync-transport-options';
import { CrossTabChannel, type CrossTabChannelStats } from './cross-tab-channel';
import { wireNames } from './cross-tab-wire';
import { indexedDbStorage } from './indexed-db-storage';
import { browserLocks, type BroadcastChannelLike, type WebLocksLike } from './web-locks';
import { WebLocksSyncElection } from './web-locks-sync-election';

/**
 * Syncs the ViewModels of every tab of an app (same origin, same `namespace`): one
 * `BroadcastChannel` per channel name, Web Locks to see tabs close or crash and to elect a Source,
 * and the latest snapshot of each channel kept by every tab (and, for `persist`ed channels, in
 * IndexedDB). It honours the whole adapter contract: one active Source across all tabs, late
 * joiners start from the current State, one Replica's Inputs arrive in order, and the core
 * protocol makes a tab that closes mid-flight a mere loss.
 *
 * Browser globals are read when it is created, never at import. States and Inputs must be
 * structured-cloneable; one that is not is reported with a `ballast-sync: ` error naming it.
 *
 * @example
 * const transport = new BroadcastChannelSyncTransport({ namespace: 'my-app', persist: ['todos'] });
 * const connection = new DefaultSyncConnection({
 *   clientType: 'elected',
 *   adapter: transport.adapterFor<TodoInput, TodoEvent, TodoState>('todos'),
 *   election: transport.electionFor('todos'),
 *   snapshots: transport.snapshotStoreFor<TodoState>('todos'),
 * });
 */
export class BroadcastChannelSyncTransport implements SyncTransport {
  /** The namespace its channels live in. */
  readonly namespace: string;
  private readonly hubs = new Map<string, CrossTabChannel<unknown, unknown>>();
  private readonly createBroadcastChannel: (name: string) => BroadcastChannelLike;
  private readonly locks: WebLocksLike | undefined;
  private readonly indexedDB: IDBFactory | undefined;
  private readonly persists: (channel: string) => boolean;
  private readonly joinTimeoutMs: number;
  private readonly report: (error: unknown) => void;
  private closed = false;
  private pageLeft = false;
  /** Election locks held or asked for by this tab's candidates (resigned when the page goes away). */
  private readonly campaigns = new Set<{ unsubscribe(): void }>();
  private readonly stopListening: () => void;

  constructor(options: BroadcastChannelSyncTransportOptions = {}) {
    checkCrossTabOptions(options);
    this.namespace = options.namespace ?? 'default';
    this.createBroadcastChannel = options.createBroadcastChannel ?? nativeBroadcastChannel();
    this.locks = options.locks ?? browserLocks();
    const persist = options.persist ?? [];
    this.persists = typeof persist === 'function' ? persist : (name) => persist.includes(name);
    this.indexedDB =
      options.indexedDB ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB ?? undefined;
    this.joinTimeoutMs = options.joinTimeoutMs ?? 300;
    const onError =
      options.onError ?? ((error) => createConsoleLogger().error(error.message, error));
    this.report = (error) =>
      onError(error instanceof Error ? error : ballastError(String(error), { cause: error }));
    this.stopListening = onPageHide(() => this.leavePage());
    // Its elected Source often runs in a background tab: publishing there must not wait on
    // timers, which browsers throttle to about once a second.
    setPageHiddenCheck(documentHidden);
    if (!this.locks) {
      createConsoleLogger().warn(
        'ballast-sync: BroadcastChannelSyncTransport found no Web Locks (navigator.locks: browsers offer it only ' +
          "in secure contexts, https:// or http://localhost). Without it a Source tab that closes or crashes is not noticed, and the 'elected' role is unavailable. Serve the app securely.",
      );
    }
  }

  /**
   * The adapter of channel `channel`: a light handle on this tab's end of the channel.
   *
   * @example
   * new DefaultSyncConnection({ clientType: 'replica', adapter: transport.adapterFor('counter') });
   */
  adapterFor<I, E, S>(channel: string): SyncConnectionAdapter<I, E, S> {
    checkChannel('adapterFor', channel);
    const hub = () => this.hub<I, S>(channel);
    return {
      sendSynchronizedStateToReplicas: (state) => {
        if (!isSyncedState(state))
          throw ballastError('sendSynchronizedStateToReplicas() needs a SyncedState.');
        return hub().publish(state);
      },
      sendInputToSource: (input) => {
        if (!isSyncedInput(input)) throw ballastError('sendInputToSource() needs a SyncedInput.');
        return hub().forward(input);
      },
      readStateFromSource: (clientId) => {
        checkId('readStateFromSource', clientId);
        return defer(() => hub().readStates());
      },
      readInputsFromReplicas: (sourceId) => {
        checkId('readInputsFromReplicas', sourceId);
        return defer(() => hub().readInputs(sourceId));
      },
      observeLink: (clientId) => {
        checkId('observeLink', clientId);
        return defer(() => hub().observeLink());
      },
    };
  }

  /**
   * The channel's election across tabs (Web Locks), for the `'elected'` role. A leader that
   * resigns posts its last State and snapshot before it releases the lock.
   *
   * @example
   * new DefaultSyncConnection({ clientType: 'elected', adapter, election: transport.electionFor('todos'), snapshots: transport.snapshotStoreFor('todos') });
   */
  electionFor(channel: string): SyncElection {
    checkChannel('electionFor', channel);
    if (!this.locks) {
      throw ballastError(
        `electionFor("${channel}"): the 'elected' role needs Web Locks (navigator.locks), which browsers offer only ` +
          'in secure contexts (https:// or http://localhost). Serve the app securely, or give one tab the role ' +
          "'source' and the others 'replica'.",
      );
    }
    const election = new WebLocksSyncElection({
      name: wireNames(this.namespace, channel).electionLock,
      locks: this.locks,
    });
    return {
      campaign: (candidateId) => {
        const campaign = election.campaign(candidateId);
        return new Observable<boolean>((subscriber) => {
          const subscription = campaign.subscribe(subscriber);
          this.campaigns.add(subscription);
          return () => {
            this.campaigns.delete(subscription);
            this.hubs.get(channel)?.flush(); // the successor must find the last snapshot
            subscription.unsubscribe();
          };
        });
      },
    };
  }

  /**
   * Where channel `channel` keeps its latest snapshot: every tab keeps the newest one its Sources
   * saved (and IndexedDB too when the channel is in `persist`), so a Source in any tab continues
   * from it. `load()` first hears the tabs that already had the channel open.
   *
   * @example
   * new DefaultSyncConnection({ clientType: 'source', adapter, snapshots: transport.snapshotStoreFor('todos') });
   */
  snapshotStoreFor<S>(channel: string): SnapshotStore<S> {
    checkChannel('snapshotStoreFor', channel);
    return {
      load: () => this.hub<unknown, S>(channel).loadSnapshot(),
      save: (snapshot: SyncSnapshot<S>) => {
        if (snapshot === null || typeof snapshot !== 'object' || !('state' in snapshot))
          throw ballastError(`snapshotStoreFor("${channel}").save(snapshot) needs a SyncSnapshot.`);
        return this.hub<unknown, S>(channel).saveSnapshot(snapshot);
      },
    };
  }

  /**
   * What each open channel holds in this tab, by name.
   *
   * @example
   * expect(transport.stats()['todos']?.sources).toBe(1); // this tab has the Source
   */
  stats(): Record<string, CrossTabChannelStats> {
    return Object.fromEntries([...this.hubs].map(([name, hub]) => [name, hub.stats()]));
  }

  /**
   * Leaves every channel: a Source of this tab says it left, the locks are released and the
   * BroadcastChannels closed. Clear the ViewModels first; the transport cannot be used afterwards.
   *
   * @example
   * inject(DestroyRef).onDestroy(() => transport.close());
   */
  close(): void {
    this.closed = true;
    this.stopListening();
    for (const hub of this.hubs.values()) hub.close();
    this.hubs.clear();
  }

  /**
   * The page is being unloaded (`pagehide`, not into the back/forward cache): instead of waiting
   * for the browser to drop this tab's locks once the document is destroyed (tens of ms), its
   * Sources say they left, its last messages go out, its election locks are released, and the tab
   * goes silent. Its ViewModels are never cleared (the page is going), so nothing else is sent.
   */
  private leavePage(): void {
    if (this.closed) return;
    for (const hub of this.hubs.values()) hub.leave();
    for (const campaign of [...this.campaigns]) campaign.unsubscribe();
    this.campaigns.clear();
    this.closed = true;
    this.pageLeft = true;
    this.stopListening();
    for (const hub of this.hubs.values()) hub.close();
  }

  private hub<I, S>(channel: string): CrossTabChannel<I, S> {
    const left = this.pageLeft && this.hubs.get(channel);
    if (left) return left as CrossTabChannel<I, S>; // silent: the page is being unloaded
    if (this.closed) {
      throw ballastError(
        `channel "${channel}": this BroadcastChannelSyncTransport was closed. Create a new one.`,
      );
    }
    let hub = this.hubs.get(channel);
    if (!hub) {
      const names = wireNames(this.namespace, channel);
      const persisted = this.persists(channel);
      if (persisted && !this.indexedDB) {
        this.report(
          ballastError(
            `channel "${channel}" is in persist, but there is no IndexedDB here; its State will not survive closing every tab.`,
          ),
        );
      }
      hub = new CrossTabChannel({
        channel,
        names,
        createBroadcastChannel: this.createBroadcastChannel,
        locks: this.locks,
        storage:
          persisted && this.indexedDB
            ? indexedDbStorage(this.indexedDB, names.storageKey, this.report)
            : undefined,
        joinTimeoutMs: this.joinTimeoutMs,
        report: this.report,
      });
      this.hubs.set(channel, hub);
    }
    return hub as CrossTabChannel<I, S>;
  }
}

/** Calls `leave` when the page is unloaded for good (not when it enters the back/forward cache). */
function onPageHide(leave: () => void): () => void {
  const page = (globalThis as { window?: Window }).window;
  if (typeof page?.addEventListener !== 'function') return () => undefined;
  const listener = (event: Event) => {
    if (!(event as PageTransitionEvent).persisted) leave();
  };
  page.addEventListener('pagehide', listener);
  return () => page.removeEventListener('pagehide', listener);
}

/** Whether this page is hidden (a background tab); false where there is no document (workers). */
function documentHidden(): boolean {
  const page = (globalThis as { document?: { visibilityState?: unknown } }).document;
  return page?.visibilityState === 'hidden';
}

function nativeBroadcastChannel(): (name: string) => BroadcastChannelLike {
  const Native = (globalThis as { BroadcastChannel?: new (name: string) => BroadcastChannelLike })
    .BroadcastChannel;
  if (typeof Native !== 'function') {
    throw ballastError(
      'BroadcastChannelSyncTransport needs BroadcastChannel (a browser, a worker, or Node >= 18). ' +
        'On the server, use InMemorySyncTransport (withCrossTabTransport() does so by itself).',
    );
  }
  return (name) => new Native(name);
}

function checkChannel(method: string, channel: string): void {
  if (typeof channel !== 'string' || channel.trim() === '')
    throw ballastError(
      `${method}(channel) needs a non-empty channel name; got ${JSON.stringify(channel)}.`,
    );
}

function checkId(method: string, id: string): void {
  if (typeof id !== 'string' || id === '')
    throw ballastError(
      `${method}(id) needs a non-empty client id; got ${JSON.stringify(id)}. Pass the participant's clientId.`,
    );
}
