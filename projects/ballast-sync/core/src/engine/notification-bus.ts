import { Observable, type Subscriber } from 'rxjs';

/**
 * Delivers notifications to every subscriber in one global order. A notification emitted while
 * another is being delivered (for example by a subscriber reacting synchronously) waits until the
 * current one reached every subscriber, so all subscribers see the same sequence.
 */
export class NotificationBus<N> {
  private subscribers: readonly Subscriber<N>[] = [];
  private readonly pending: N[] = [];
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
    this.subscribers = [...this.subscribers, subscriber];
    return () => {
      this.subscribers = this.subscribers.filter((s) => s !== subscriber);
    };
  });

  emit(notification: N): void {
    if (this.completed || this.subscribers.length === 0) return;
    if (this.delivering) {
      this.pending.push(notification);
      return;
    }
    this.delivering = true;
    try {
      // Subscriber.next never throws: rxjs reports a throwing observer as an unhandled error (and
      // the ViewModel isolates its subscribers, so that becomes an UnhandledError notification).
      this.current = notification;
      for (const subscriber of this.subscribers) subscriber.next(notification);
      // What subscribers emitted meanwhile, in order (the list may grow while it is delivered).
      for (let i = 0; i < this.pending.length; i++) {
        const next = this.pending[i] as N;
        this.current = next;
        for (const subscriber of this.subscribers) subscriber.next(next);
      }
    } finally {
      this.pending.length = 0;
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
    this.subscribers = [];
    for (const subscriber of subscribers) subscriber.complete();
  }
}
