import { Observable, type Subscriber, type TeardownLogic, type Unsubscribable } from 'rxjs';
import {
  SUBSCRIBE_DIRECT,
  type DirectMembership,
  type DirectObserver,
  type DirectStream,
} from './direct-stream';
import type { SyncLinkState } from './sync-connection-adapter';
import type { SyncedInput, SyncedState } from './sync-messages';

/** What an in-memory channel holds right now (for leak checks and debugging). */
export interface InMemorySyncAdapterStats {
  /** 1 while a Source is active, else 0. */
  readonly sources: number;
  /** Replicas and Spectators reading States. */
  readonly stateReaders: number;
  /** Participants observing their link (`observeLink`). */
  readonly linkObservers: number;
  /** Whether the active Source published a State that late joiners receive. */
  readonly hasCurrentState: boolean;
  /** Values waiting for the next microtask to be delivered. */
  readonly queuedDeliveries: number;
}

/** The stats of a channel that holds nothing. */
export const EMPTY_IN_MEMORY_STATS: InMemorySyncAdapterStats = Object.freeze({
  sources: 0,
  stateReaders: 0,
  linkObservers: 0,
  hasCurrentState: false,
  queuedDeliveries: 0,
});

/**
 * The state of one in-memory channel: its active Source, its State readers and link observers, its
 * current State and the deliveries waiting for the next microtask. Internal (not exported from the
 * package): an `InMemorySyncAdapter` owns one, an `InMemorySyncTransport` creates one per live
 * channel name and forgets it once it is idle. Arguments are validated by the adapter.
 *
 * Every value (Inputs, States, link changes) goes through one delivery queue, so everything a
 * participant observes keeps the order in which it happened on the channel: a Replica sees
 * `'no-source'` only after the last State of the Source that left.
 */
export class InMemoryChannel<I, S> implements DirectMembership {
  private source:
    { readonly id: string; readonly subscriber: Subscriber<SyncedInput<I>> } | undefined;
  /** rxjs Subscribers, or observers that joined directly (see `direct-stream.ts`). */
  private readonly readers = new Set<DirectObserver<SyncedState<S>>>();
  /** Each link observer with the last value queued for it, so it only hears of changes. */
  private readonly linkObservers = new Map<DirectObserver<SyncLinkState>, SyncLinkState>();
  /**
   * The adapter an `InMemorySyncTransport` hands out for this channel while it is live (one for
   * all its participants).
   */
  handle: unknown;
  private current: SyncedState<S> | undefined;
  private deliveries: (() => void)[] = [];
  /** Told once the deliveries queued before them were made (publications waiting to be handed over). */
  private afterFlush: (() => void)[] = [];

  /** @param onIdle called each time the channel becomes idle (holds nothing, see {@link isIdle}). */
  constructor(private readonly onIdle: () => void = () => undefined) {}

  /** Resolves once every reader was handed the State (undefined when there is none to wait for). */
  publish(state: SyncedState<S>): Promise<void> | undefined {
    if (state.sourceId !== this.source?.id) return undefined; // from a superseded Source, which already knows it
    this.current = state;
    if (this.readers.size === 0) return undefined;
    // One delivery for all readers (not one closure each): they receive it in turn, before
    // anything queued meanwhile.
    const readers = [...this.readers];
    this.deliver(() => {
      for (const reader of readers) reader.next(state);
    });
    return new Promise<void>((delivered) => this.afterFlush.push(delivered));
  }

  forward(input: SyncedInput<I>): void {
    const source = this.source;
    // Without a Source the Input is not lost: its Replica re-sends it when a Source appears.
    if (source) this.deliver(() => source.subscriber.next(input));
  }

  /** A State reader joins: it receives the current State (if any), then every one published. */
  addReader(reader: DirectObserver<SyncedState<S>>): void {
    this.readers.add(reader);
    const current = this.current;
    if (current) this.deliver(() => reader.next(current));
  }

  readInputs(sourceId: string): Observable<SyncedInput<I>> {
    return new Observable<SyncedInput<I>>((subscriber) => {
      const previous = this.source;
      this.source = { id: sourceId, subscriber };
      this.current = undefined;
      this.linkChanged();
      previous?.subscriber.complete(); // tells the previous Source it was superseded
      return () => {
        if (this.source?.subscriber === subscriber) {
          this.source = undefined;
          this.current = undefined;
          this.linkChanged();
        }
        this.releaseIfIdle();
      };
    });
  }

  /** A link observer joins: it receives the current link state, then each change. */
  addLinkObserver(observer: DirectObserver<SyncLinkState>): void {
    const link = this.link();
    this.linkObservers.set(observer, link);
    // At once when nothing is queued; else behind what is, so that a State still on its way
    // is seen before the link state that followed it.
    if (this.deliveries.length === 0) observer.next(link);
    else this.deliver(() => observer.next(link));
  }

  /** A State reader or link observer leaves (one that is not there is ignored). */
  leave(observer: object): void {
    this.readers.delete(observer as DirectObserver<SyncedState<S>>);
    this.linkObservers.delete(observer as DirectObserver<SyncLinkState>);
    this.releaseIfIdle();
  }

  /** Whether the channel holds nothing: no Source, no reader, no link observer, no delivery. */
  isIdle(): boolean {
    return (
      this.source === undefined &&
      this.readers.size === 0 &&
      this.linkObservers.size === 0 &&
      this.deliveries.length === 0
    );
  }

  stats(): InMemorySyncAdapterStats {
    return {
      sources: this.source ? 1 : 0,
      stateReaders: this.readers.size,
      linkObservers: this.linkObservers.size,
      hasCurrentState: this.current !== undefined,
      queuedDeliveries: this.deliveries.length,
    };
  }

  /** A participant's link is always up in memory; it reaches a Source whenever one is active. */
  private link(): SyncLinkState {
    return this.source ? 'connected' : 'no-source';
  }

  private linkChanged(): void {
    const link = this.link();
    for (const [observer, last] of this.linkObservers) {
      if (last === link) continue;
      this.linkObservers.set(observer, link);
      this.deliver(() => observer.next(link));
    }
  }

  private deliver(delivery: () => void): void {
    this.deliveries.push(delivery);
    if (this.deliveries.length === 1) queueMicrotask(() => this.flush());
  }

  private flush(): void {
    // Deliveries queued while flushing run in this same pass, keeping one global order.
    for (let i = 0; i < this.deliveries.length; i++) (this.deliveries[i] as () => void)();
    this.deliveries = [];
    const delivered = this.afterFlush;
    this.afterFlush = [];
    for (const done of delivered) done();
    this.releaseIfIdle();
  }

  /** Tells the owner once it holds nothing any more. */
  releaseIfIdle(): void {
    if (this.isIdle()) this.onIdle();
  }
}

/** How an in-memory adapter reaches its channel state (see `InMemorySyncAdapter`). */
export interface ChannelRef<I, S> {
  /** The live channel, if any (sending needs none: without a channel there is no Source). */
  find(): InMemoryChannel<I, S> | undefined;
  /** The channel, created on demand (subscribing does that). */
  open(): InMemoryChannel<I, S>;
}

/**
 * A channel's State readers (`'states'`) or link observers (`'link'`), as an Observable: the
 * channel is opened when it is subscribed. An rxjs Subscriber joins with a {@link Membership} as
 * its teardown; a session's AdapterStream joins directly (see `direct-stream.ts`).
 */
export class ChannelStream<T> extends Observable<T> implements DirectStream<T> {
  constructor(
    private readonly ref: ChannelRef<unknown, unknown>,
    private readonly kind: 'states' | 'link',
  ) {
    super();
  }

  protected _subscribe(subscriber: Subscriber<T>): TeardownLogic {
    return new Membership(this.join(subscriber), subscriber);
  }

  [SUBSCRIBE_DIRECT](observer: DirectObserver<T>): DirectMembership {
    return this.join(observer);
  }

  private join(observer: DirectObserver<T>): InMemoryChannel<unknown, unknown> {
    const channel = this.ref.open();
    if (this.kind === 'states') channel.addReader(observer as DirectObserver<SyncedState<unknown>>);
    else channel.addLinkObserver(observer as DirectObserver<SyncLinkState>);
    return channel;
  }
}

/**
 * A reader's or link observer's place in its channel, and the teardown of its subscription:
 * unsubscribing removes it (one small object instead of a closure and its context).
 */
class Membership implements Unsubscribable {
  constructor(
    private readonly channel: InMemoryChannel<unknown, unknown>,
    private readonly member: object,
  ) {}

  unsubscribe(): void {
    this.channel.leave(this.member);
  }
}
