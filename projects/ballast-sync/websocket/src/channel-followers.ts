import {
  applyDelta,
  syncedStateProblem,
  type SyncedState,
  type SyncLinkState,
  type SyncReaderRole,
} from 'ballast-sync/core';
import type { Subscriber } from 'rxjs';
import type { DeltaFrame } from './web-socket-frames';

/**
 * What became of a delta: `applied`; `stale` (it leads to a State already held or passed: nothing
 * to do); `gap` (it does not start from the State held, or does not fit it: ask for a snapshot).
 */
export type DeltaOutcome = 'applied' | 'stale' | 'gap';

/** Where a participant's `join` stands on the current socket. */
export type JoinState = 'no' | 'asked' | 'yes';

/** One local participant of a channel: a Replica or Spectator, by clientId (internal). */
export interface Participant {
  role: SyncReaderRole;
  /** Its State readers (normally one), each with whether it has received a State yet. */
  readonly readers: Map<Subscriber<SyncedState<unknown>>, { fed: boolean }>;
  joined: JoinState;
}

/** What {@link WebSocketSyncTransport.stats} tells of one channel. */
export interface WebSocketSyncChannelStats {
  /** Local Replicas and Spectators following the channel. */
  readonly participants: number;
  /** How many of them the server confirmed (`joined`) on the current socket. */
  readonly joined: number;
  readonly linkObservers: number;
  /** The version of the latest State received, if any. */
  readonly version: number | undefined;
}

/**
 * The local participants of one channel and their link observers (internal): a State frame
 * arrives once per socket and is fanned out to every reader here.
 */
export class ChannelFollowers {
  readonly participants = new Map<string, Participant>();
  /** Each link observer with its clientId and the last value it was given. */
  private readonly linkObservers = new Map<
    Subscriber<SyncLinkState>,
    { readonly clientId: string; last: SyncLinkState }
  >();
  /** The latest State of the channel, for participants that start following later. */
  latest: SyncedState<unknown> | undefined;
  /** Whether a `resync` was sent and its snapshot has not arrived yet (reset when the socket drops). */
  resyncAsked = false;

  /**
   * Applies a delta to the latest State, only if it was computed from exactly that State (same
   * Source incarnation and version); the result reaches every reader as a new State. Anything
   * else never touches the State held: a gap, for which the caller asks a snapshot.
   */
  receiveDelta(frame: DeltaFrame): DeltaOutcome {
    const latest = this.latest;
    const { from, to } = frame;
    if (latest?.incarnation === to.incarnation && latest.version >= to.version) return 'stale';
    if (latest?.incarnation !== from.incarnation || latest.version !== from.version) return 'gap';
    let state: unknown;
    try {
      state = applyDelta(latest.state, frame.ops);
    } catch {
      return 'gap'; // a delta that does not fit: applyDelta changed nothing
    }
    const next = { ...to, state } as SyncedState<unknown>;
    if (syncedStateProblem(next) !== undefined) return 'gap';
    this.fanOut(next);
    return 'applied';
  }

  isEmpty(): boolean {
    return this.participants.size === 0 && this.linkObservers.size === 0;
  }

  /**
   * Adds a reader. It gets the channel's latest State a microtask later (the then latest one, if
   * none reached it meanwhile), so that a second local participant does not wait for a frame.
   */
  addReader(participant: Participant, reader: Subscriber<SyncedState<unknown>>): void {
    const entry = { fed: false };
    participant.readers.set(reader, entry);
    if (!this.latest) return;
    queueMicrotask(() => {
      if (entry.fed || participant.readers.get(reader) !== entry || !this.latest) return;
      entry.fed = true;
      reader.next(this.latest);
    });
  }

  /**
   * Every reader of every participant gets `state`. The same State again (the server answers each
   * `join` with the current State) only goes to readers that have none yet.
   */
  fanOut(state: SyncedState<unknown>): void {
    const latest = this.latest;
    const again =
      latest !== undefined &&
      latest.incarnation === state.incarnation &&
      latest.version === state.version;
    this.latest = state;
    for (const participant of [...this.participants.values()]) {
      for (const [reader, entry] of [...participant.readers]) {
        if (again && entry.fed) continue;
        entry.fed = true;
        reader.next(state);
      }
    }
  }

  /** Adds a link observer, which gets `link` at once; returns its removal. */
  addLinkObserver(
    clientId: string,
    observer: Subscriber<SyncLinkState>,
    link: SyncLinkState,
  ): () => void {
    this.linkObservers.set(observer, { clientId, last: link });
    observer.next(link);
    return () => this.linkObservers.delete(observer);
  }

  /** Tells each link observer whose link changed. */
  linkChanged(linkOf: (clientId: string) => SyncLinkState): void {
    for (const [observer, entry] of [...this.linkObservers]) {
      const link = linkOf(entry.clientId);
      if (link === entry.last) continue;
      entry.last = link;
      observer.next(link);
    }
  }

  /** The transport closed: link observers hear `'disconnected'`, and everybody is let go. */
  disconnectAll(): void {
    const observers = [...this.linkObservers];
    this.linkObservers.clear();
    this.participants.clear();
    for (const [observer, entry] of observers) {
      if (entry.last !== 'disconnected') observer.next('disconnected');
    }
  }

  stats(): WebSocketSyncChannelStats {
    const participants = [...this.participants.values()];
    return {
      participants: participants.length,
      joined: participants.filter((p) => p.joined === 'yes').length,
      linkObservers: this.linkObservers.size,
      version: this.latest?.version,
    };
  }
}
