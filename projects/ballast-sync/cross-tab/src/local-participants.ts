import type { SyncedState, SyncLinkState } from 'ballast-sync/core';
import type { Subscriber } from 'rxjs';

/**
 * This tab's State readers and link observers on one channel, and the queue through which they
 * (and a local Source) are served (internal). Every delivery waits for the next microtask and all
 * keep one order, as in the in-memory channel: a Replica sees `'no-source'` only after the last
 * State of the Source that left.
 */
export class LocalParticipants<S> {
  private readonly readers = new Set<Subscriber<SyncedState<S>>>();
  /** Each link observer with the last value queued for it, so it only hears of changes. */
  private readonly linkObservers = new Map<Subscriber<SyncLinkState>, SyncLinkState>();
  private deliveries: (() => void)[] = [];

  /** A new reader starts with `current`, when there is one. */
  addReader(reader: Subscriber<SyncedState<S>>, current: SyncedState<S> | undefined): () => void {
    this.readers.add(reader);
    if (current) this.deliver(() => reader.next(current));
    return () => this.readers.delete(reader);
  }

  /** Every reader gets `state`. */
  sendState(state: SyncedState<S>): void {
    for (const reader of this.readers) this.deliver(() => reader.next(state));
  }

  /** A new link observer gets `link` (at once when nothing is queued, else behind what is). */
  addLinkObserver(observer: Subscriber<SyncLinkState>, link: SyncLinkState): () => void {
    this.linkObservers.set(observer, link);
    if (this.deliveries.length === 0) observer.next(link);
    else this.deliver(() => observer.next(link));
    return () => this.linkObservers.delete(observer);
  }

  /** Tells each link observer whose last value differs. */
  linkChanged(link: SyncLinkState): void {
    for (const [observer, last] of this.linkObservers) {
      if (last === link) continue;
      this.linkObservers.set(observer, link);
      this.deliver(() => observer.next(link));
    }
  }

  /** Queues any delivery (e.g. an Input for the local Source) behind the others. */
  deliver(delivery: () => void): void {
    this.deliveries.push(delivery);
    if (this.deliveries.length === 1) queueMicrotask(() => this.drain());
  }

  /** The channel closed: observers hear `'disconnected'`, and everybody is let go. */
  disconnect(): void {
    for (const observer of this.linkObservers.keys()) observer.next('disconnected');
    this.linkObservers.clear();
    this.readers.clear();
  }

  counts(): { readonly stateReaders: number; readonly linkObservers: number } {
    return { stateReaders: this.readers.size, linkObservers: this.linkObservers.size };
  }

  private drain(): void {
    // Deliveries queued while draining run in this same pass, keeping one order.
    for (let i = 0; i < this.deliveries.length; i++) (this.deliveries[i] as () => void)();
    this.deliveries = [];
  }
}
