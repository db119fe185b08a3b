import {
  ɵballastError as ballastError,
  createClientId,
  type SyncedInput,
  type SyncedState,
  type SyncLinkState,
  type SyncSnapshot,
} from 'ballast-sync/core';
import { Observable, type Subscriber } from 'rxjs';
import {
  claimWins,
  isNewer,
  isStampedSnapshot,
  isWireBatch,
  type Claim,
  type StampedSnapshot,
  type WireMessage,
  type wireNames,
} from './cross-tab-wire';
import { Barriers } from './barriers';
import { LocalParticipants } from './local-participants';
import { describeValue } from './describe-uncloneable';
import { Outbox } from './outbox';
import { PeerCensus } from './peer-census';
import { PeerPresence } from './peer-presence';
import type { BroadcastChannelLike, WebLocksLike } from './web-locks';

/** Where a channel's snapshot survives every tab closing (IndexedDB), when it is persisted. */
export interface SnapshotStorage {
  read(): Promise<StampedSnapshot<unknown> | undefined>;
  /** Fire and forget: writes are coalesced, failures reported. */
  write(snapshot: StampedSnapshot<unknown>): void;
}

/** What a channel hub needs from its transport. */
export interface CrossTabChannelEnv {
  readonly channel: string;
  readonly names: ReturnType<typeof wireNames>;
  readonly createBroadcastChannel: (name: string) => BroadcastChannelLike;
  readonly locks: WebLocksLike | undefined;
  readonly storage: SnapshotStorage | undefined;
  readonly joinTimeoutMs: number;
  /** Problems no participant can be told about (a lock or storage failure). */
  readonly report: (error: unknown) => void;
}

/** What a channel holds in this tab right now (for leak checks and debugging). */
export interface CrossTabChannelStats {
  /** 1 while this tab's Source is the channel's active Source, else 0. */
  readonly sources: number;
  readonly stateReaders: number;
  readonly linkObservers: number;
  /** Whether an active Source is known, in this tab or another. */
  readonly sourceActive: boolean;
  /** Whether this tab keeps a snapshot of the channel (for the next Source). */
  readonly hasSnapshot: boolean;
}

interface LocalSource<I> {
  readonly id: string;
  readonly subscriber: Subscriber<SyncedInput<I>>;
  /** Mutable until posted: the epoch may rise once stored snapshots are read. */
  readonly claim: { kind: 'claim'; sourceId: string; epoch: number };
}

/**
 * One channel in one tab (internal; the transport opens it on first use and keeps it, with the
 * latest snapshot, until it is closed). It is this tab's end of the channel's BroadcastChannel, the
 * local participants' meeting point, and what this tab knows of the others:
 *
 * - **One active Source across tabs.** A Source that starts here *claims* the channel with an epoch
 *   above every one seen; the highest (epoch, tab) claim wins everywhere, and a local Source that
 *   loses is completed (superseded). States of any other Source are not delivered.
 * - **Late joiners.** A tab that opens the channel says `hello`; every tab answers with a `welcome`
 *   (its Source's claim and latest State, its snapshot), so a Replica starts from the current State.
 * - **A closed or crashed Source tab** is seen through Web Locks: each tab holds a lock while it has
 *   the channel open, and a tab that follows a Source in another tab waits for that tab's lock,
 *   which the browser grants once it is gone; the link then says `'no-source'`. A Source cleared in
 *   a living tab says `left`.
 * - **The snapshot** a Source saves travels with its State (one post, one clone) and every tab keeps
 *   the newest, so the next Source, in whichever tab, continues from it.
 */
export class CrossTabChannel<I, S> {
  /** This tab's id on the channel (new each time a tab opens it). */
  readonly peerId = createClientId();
  private readonly port: BroadcastChannelLike;
  private readonly outbox: Outbox;
  private readonly census: PeerCensus;
  private readonly presence: PeerPresence;
  private closed = false;
  /** Set when the page goes away: nothing is sent or delivered any more, and nothing throws. */
  private silent = false;
  private ready = false;
  private readonly whenReady: Promise<void>;

  private source: LocalSource<I> | undefined;
  private readonly local = new LocalParticipants<S>();

  private active: { readonly sourceId: string; readonly peer: string; epoch: number } | undefined;
  private current: SyncedState<S> | undefined;
  private maxEpoch = 0;
  private latest: StampedSnapshot<S> | undefined;
  private saves = 0;
  /**
   * Whether the last active Source said it left (a `left`, after its last snapshot: one tab's
   * messages keep their order), so its last snapshot is here and no barrier is needed.
   */
  private leftCleanly = false;
  private readonly barriers: Barriers;

  constructor(private readonly env: CrossTabChannelEnv) {
    this.port = env.createBroadcastChannel(env.names.broadcastChannel);
    this.port.onmessage = (event) => this.receive(event.data);
    this.outbox = new Outbox(this.port, this.peerId);
    this.barriers = new Barriers(
      () => env.createBroadcastChannel(env.names.broadcastChannel),
      this.peerId,
    );
    this.census = new PeerCensus(env.locks, env.names.peerLockPrefix, this.peerId);
    this.presence = new PeerPresence(
      env.locks,
      env.names.peerLockPrefix,
      this.peerId,
      (peer) => this.peerGone(peer),
      env.report,
    );
    this.outbox.post({ kind: 'hello' });
    const steps: Promise<unknown>[] = [];
    steps.push(this.presence.hold());
    if (env.storage) {
      steps.push(
        env.storage.read().then(
          (stored) => stored && this.adopt(stored as StampedSnapshot<S>),
          (error: unknown) => env.report(error),
        ),
      );
    }
    this.whenReady = Promise.all(steps).then(() => this.becomeReady());
  }

  // ---- participants (through the adapter) ----

  /** A local Source publishes: local readers get it now, the other tabs by broadcast. */
  publish(state: SyncedState<S>): Promise<void> | void {
    this.checkOpen('publish a State');
    if (this.silent) return;
    if (state.sourceId !== this.source?.id) return; // superseded: it already knows
    this.current = state;
    this.local.sendState(state);
    return this.outbox.post(
      { kind: 'state', state },
      { root: 'state', value: state.state },
      (problem) =>
        `channel "${this.env.channel}" cannot send its State to the other tabs: ${problem}.`,
    );
  }

  /** A local Replica forwards an Input: to the local Source if it is here, else to the other tabs. */
  forward(input: SyncedInput<I>): Promise<void> | void {
    this.checkOpen('forward an Input');
    if (this.silent) return;
    const source = this.source;
    if (source) {
      this.local.deliver(() => source.subscriber.next(input));
      return;
    }
    return this.outbox.post(
      { kind: 'input', input },
      { root: 'input', value: input.input },
      (problem) =>
        `channel "${this.env.channel}" cannot send the Input ${describeValue(input.input)} to the Source in another tab: ${problem}.`,
    );
  }

  readStates(): Observable<SyncedState<S>> {
    return new Observable<SyncedState<S>>((subscriber) => {
      this.checkOpen('read States');
      return this.local.addReader(subscriber, this.current);
    });
  }

  /** A local Source takes over the channel, in every tab. */
  readInputs(sourceId: string): Observable<SyncedInput<I>> {
    return new Observable<SyncedInput<I>>((subscriber) => {
      this.checkOpen('take Inputs');
      const previous = this.source;
      const epoch = this.maxEpoch + 1;
      this.maxEpoch = epoch;
      const claim = { kind: 'claim' as const, sourceId, epoch };
      this.source = { id: sourceId, subscriber, claim };
      this.outbox.post(claim);
      this.setActive({ sourceId, peer: this.peerId, epoch });
      previous?.subscriber.complete(); // tells the previous local Source it was superseded
      return () => {
        if (this.source?.subscriber !== subscriber) return;
        this.source = undefined;
        if (this.closed) return;
        this.outbox.post({ kind: 'left', sourceId });
        this.setActive(undefined);
        this.leftCleanly = true;
      };
    });
  }

  observeLink(): Observable<SyncLinkState> {
    return new Observable<SyncLinkState>((subscriber) => {
      if (this.closed) {
        subscriber.next('disconnected');
        return;
      }
      return this.local.addLinkObserver(subscriber, this.link());
    });
  }

  // ---- snapshots (through the transport's snapshot store) ----

  /**
   * The channel's latest snapshot, once this tab has heard every other tab that has the channel
   * open (the first time) and everything already posted to it has arrived (a barrier).
   */
  async loadSnapshot(): Promise<SyncSnapshot<S> | undefined> {
    this.checkOpen('load a snapshot');
    await this.whenReady;
    await this.census.settled(this.env.joinTimeoutMs);
    if (!this.leftCleanly && !this.closed) await this.barriers.pass();
    return this.latest?.snapshot;
  }

  saveSnapshot(snapshot: SyncSnapshot<S>): Promise<void> {
    this.checkOpen('save a snapshot');
    if (this.silent) return Promise.resolve();
    const epoch = this.source?.claim.epoch ?? this.maxEpoch;
    const stamped: StampedSnapshot<S> = {
      stamp: { epoch, peer: this.peerId, n: ++this.saves },
      snapshot,
    };
    if (isNewer(stamped.stamp, this.latest?.stamp)) this.latest = stamped;
    this.env.storage?.write(stamped);
    return this.outbox.post(
      { kind: 'snapshot', snapshot: stamped },
      { root: 'state', value: snapshot.state },
      (problem) =>
        `channel "${this.env.channel}" cannot share its snapshot with the other tabs: ${problem}.`,
    );
  }

  /** Posts what is queued now (a leaving Source's last State and snapshot, before its lock goes). */
  flush(): void {
    this.outbox.flush();
  }

  /**
   * The page goes away: a local Source says `left` and what is queued goes out now; afterwards the
   * participants' calls do nothing (they are not told: the page is being unloaded).
   */
  leave(): void {
    if (this.closed || this.silent) return;
    if (this.source) this.outbox.post({ kind: 'left', sourceId: this.source.id });
    this.source = undefined;
    this.outbox.flush();
    this.silent = true;
  }

  /** Leaves the channel: a local Source says `left`, participants see `'disconnected'`. */
  close(): void {
    if (this.closed) return;
    if (this.source) this.outbox.post({ kind: 'left', sourceId: this.source.id });
    this.outbox.flush();
    this.outbox.discard();
    this.closed = true;
    this.source = undefined;
    this.presence.close();
    this.port.onmessage = null;
    this.port.close();
    this.barriers.close();
    this.census.close();
    this.local.disconnect();
  }

  stats(): CrossTabChannelStats {
    return {
      sources: this.source ? 1 : 0,
      ...this.local.counts(),
      sourceActive: this.active !== undefined,
      hasSnapshot: this.latest !== undefined,
    };
  }

  // ---- the wire ----

  private receive(data: unknown): void {
    if (this.closed || !isWireBatch(data)) return;
    const from = data.from;
    for (const raw of data.messages) {
      const message = raw as WireMessage<I, S>;
      if (from === this.peerId) {
        if (message.kind === 'ping') this.barriers.arrived(message.nonce);
      } else if (this.presence.isGone(from)) {
        if (message.kind === 'snapshot') this.adopt(message.snapshot); // late, but data
      } else {
        this.handle(from, message);
      }
    }
  }

  private handle(from: string, message: WireMessage<I, S>): void {
    switch (message.kind) {
      case 'hello':
        this.census.answered(from); // it opened after us: it knows nothing we lack
        return this.welcome(from);
      case 'welcome':
        if (message.to !== this.peerId) return;
        if (message.snapshot) this.adopt(message.snapshot);
        if (message.claim) this.onClaim(from, message.claim);
        if (message.state) this.onState(from, message.state);
        return this.census.answered(from);
      case 'claim':
        return this.onClaim(from, message);
      case 'state':
        return this.onState(from, message.state);
      case 'input': {
        const source = this.source;
        if (source) this.local.deliver(() => source.subscriber.next(message.input));
        return;
      }
      case 'left':
        if (this.active?.peer === from && this.active.sourceId === message.sourceId) {
          this.setActive(undefined);
          this.leftCleanly = true;
        }
        return;
      case 'snapshot':
        return this.adopt(message.snapshot);
    }
  }

  private welcome(to: string): void {
    const source = this.source;
    this.outbox.post({
      kind: 'welcome',
      to,
      ...(source && { claim: source.claim }), // the same object: its epoch is final when posted
      ...(source && this.current && { state: this.current }),
      ...(this.latest && { snapshot: this.latest }),
    });
  }

  private onClaim(peer: string, claim: Claim): void {
    if (typeof claim?.sourceId !== 'string' || typeof claim.epoch !== 'number') return;
    this.maxEpoch = Math.max(this.maxEpoch, claim.epoch);
    const active = this.active;
    if (active && !claimWins(claim.epoch, peer, active.epoch, active.peer)) return;
    const superseded = this.source;
    this.source = undefined;
    this.setActive({ sourceId: claim.sourceId, peer, epoch: claim.epoch });
    superseded?.subscriber.complete();
  }

  private onState(peer: string, state: SyncedState<S>): void {
    const active = this.active;
    if (!active || active.peer !== peer || active.sourceId !== state?.sourceId) return;
    this.current = state;
    this.local.sendState(state);
  }

  /** Keeps a snapshot when it is newer than the one kept (and remembers its epoch). */
  private adopt(stamped: StampedSnapshot<S>): void {
    if (!isStampedSnapshot(stamped)) return;
    this.maxEpoch = Math.max(this.maxEpoch, stamped.stamp.epoch);
    if (isNewer(stamped.stamp, this.latest?.stamp)) this.latest = stamped;
  }

  private setActive(next: CrossTabChannel<I, S>['active']): void {
    this.active = next;
    this.leftCleanly = false;
    this.current = undefined;
    this.presence.watch(next?.peer);
    this.local.linkChanged(this.link());
  }

  private peerGone(peer: string): void {
    if (this.closed) return;
    this.census.answered(peer);
    if (this.active?.peer === peer) this.setActive(undefined);
  }

  /** Holding the peer lock and having read storage: this tab may speak. */
  private becomeReady(): void {
    if (this.closed) return;
    this.ready = true;
    const source = this.source;
    // A stored snapshot may carry a higher epoch than this Source's provisional claim.
    if (source && source.claim.epoch < this.maxEpoch && this.active?.peer === this.peerId) {
      source.claim.epoch = ++this.maxEpoch;
      this.active.epoch = source.claim.epoch;
    }
    this.outbox.start();
    this.census.start();
  }

  private link(): SyncLinkState {
    return this.active ? 'connected' : 'no-source';
  }

  private checkOpen(action: string): void {
    if (this.closed && !this.silent)
      throw ballastError(
        `channel "${this.env.channel}" cannot ${action}: its BroadcastChannelSyncTransport was closed. ` +
          'Create a new transport (clear the ViewModels before closing one).',
      );
  }
}
