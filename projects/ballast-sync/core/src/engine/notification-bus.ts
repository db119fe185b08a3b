import { Observable, type Subscriber } from 'rxjs';

/** The subscribers of a bus nobody observes (never mutated). */
const NO_SUBSCRIBERS: readonly never[] = Object.freeze([]);

/**
 * Delivers notifications to every subscriber in one global order. A notification emitted while
 * another is being delivered (for example by a subscriber reacting synchronously) waits until the
 * current one reached every subscriber, so all subscribers see the same sequence.
 */
export class NotificationBus<N> {
  private subscribers: readonly Subscriber<N>[] = NO_SUBSCRIBERS;
  /** Created the first time a notification is emitted during another's delivery. */
  private pending: N[] | undefined;
  private delivering = false;
  private current: N | undefined;
  /** Set by complete(); pending notifications are still delivered before subscribers complete. */
  private completed = false;

  /** Whether anybody listens (lets callers skip building notifications nobody reads). */
  get observed(): boolean {
    return this.subscribers.length > 0;
  }

  /** The notification being delivered right now, if any (what a failing subscriber received). */
  get delivered(): N | undefined {
    return this.current;
  }

  readonly notifications$: Observable<N> = new Observable<N>((subscriber) => {
    if (this.completed) {
      subscriber.complete();
      return undefined;
    }
    this.subscribers = this.subscribers.concat(subscriber); // exact size (a spread leaves room)
    return () => {
      const left = this.subscribers.filter((s) => s !== subscriber);
      this.subscribers = left.length === 0 ? NO_SUBSCRIBERS : left;
    };
  });

  emit(notification: N): void {
    if (this.completed || this.subscribers.length === 0) return;
    if (this.delivering) {
      (this.pending ??= []).push(notification);
      return;
    }
    this.delivering = true;
    try {
      // Subscriber.next never throws: rxjs reports a throwing observer as an unhandled error (and
      // the ViewModel isolates its subscribers, so that becomes an UnhandledError notification).
      this.current = notification;
      for (const subscriber of this.subscribers) subscriber.next(notification);
      // What subscribers emitted meanwhile, in order (the list may grow while it is delivered).
      // `pending` may be created by a subscriber during the loop above: read it after.
      const pending = this.pending;
      for (let i = 0; pending !== undefined && i < pending.length; i++) {
        const next = pending[i] as N;
        this.current = next;
        for (const subscriber of this.subscribers) subscriber.next(next);
      }
    } finally {
      if (this.pending !== undefined) this.pending.length = 0;
      this.delivering = false;
      this.current = undefined;
    }
    if (this.completed) this.completeSubscribers();
  }

  complete(): void {
    if (this.completed) return;
    this.completed = true;
    if (!this.delivering) this.completeSubscribers();
  }

  private completeSubscribers(): void {
    const subscribers = this.subscribers;
    this.subscribers = NO_SUBSCRIBERS;
    for (const subscriber of subscribers) subscriber.complete();
  }
}
