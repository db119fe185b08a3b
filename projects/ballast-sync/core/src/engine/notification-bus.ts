import {
  Observable,
  Subscription,
  type Observer,
  type Subscriber,
  type TeardownLogic,
  type Unsubscribable,
} from 'rxjs';

/** Who receives a bus's notifications: an rxjs Subscriber, or a {@link BusMember}. */
interface BusListener<N> {
  next(notification: N): void;
  complete(): void;
}

/** Where a {@link BusMember} reports what its observer threw: an isolated Observable of the bus. */
export interface BusErrorSink<N> {
  /** The bus (what its members leave when they unsubscribe). */
  readonly source: unknown;
  /** Never throws. */
  safeReport(error: unknown, value: N | undefined): void;
}

/**
 * Delivers notifications to every subscriber in one global order. A notification emitted while
 * another is being delivered (for example by a subscriber reacting synchronously) waits until the
 * current one reached every subscriber, so all subscribers see the same sequence.
 *
 * The bus is itself the Observable of its notifications. An isolated Observable over it (see
 * `isolate()`) subscribes a plain observer through {@link subscribeIsolated}: one small
 * {@link BusMember} instead of an rxjs Subscriber, its observer and its teardown (what every
 * interceptor of every ViewModel pays once).
 */
export class NotificationBus<N> extends Observable<N> {
  /** None, one (most buses), or several (an exact-size array, replaced and never mutated). */
  private listeners: BusListener<N> | readonly BusListener<N>[] | undefined;
  /** Created the first time a notification is emitted during another's delivery. */
  private pending: N[] | undefined;
  /** The notification being delivered (undefined while none is: notifications are objects). */
  private current: N | undefined;
  /** Set by complete(); pending notifications are still delivered before subscribers complete. */
  private completed = false;

  /** Whether anybody listens (lets callers skip building notifications nobody reads). */
  get observed(): boolean {
    return this.listeners !== undefined;
  }

  /** The notification being delivered right now, if any (what a failing subscriber received). */
  get delivered(): N | undefined {
    return this.current;
  }

  /** How rxjs subscribes a Subscriber (an operator's, or one made from a plain observer). */
  protected _subscribe(subscriber: Subscriber<N>): TeardownLogic {
    if (this.completed) {
      subscriber.complete();
      return undefined;
    }
    this.add(subscriber);
    return new BusTeardown(this, subscriber);
  }

  /**
   * Subscribes `observer` for an isolated Observable: what its callbacks throw goes to
   * `sink.safeReport` (as a ProtectedObserver would send it), and the Subscription returned is
   * the member itself. Completes it at once when the bus is complete.
   */
  subscribeIsolated(observer: Partial<Observer<N>>, sink: BusErrorSink<N>): Subscription {
    const member = new BusMember(observer, sink);
    if (this.completed) member.complete();
    else this.add(member);
    return member;
  }

  emit(notification: N): void {
    if (this.completed || this.listeners === undefined) return;
    if (this.current !== undefined) {
      (this.pending ??= []).push(notification);
      return;
    }
    try {
      // Listeners never throw: an rxjs Subscriber reports a throwing observer as an unhandled
      // error, a BusMember to its isolated Observable (the ViewModel isolates its subscribers, so
      // that becomes an UnhandledError notification).
      this.current = notification;
      this.deliver(notification);
      // What subscribers emitted meanwhile, in order (the list may grow while it is delivered).
      // `pending` may be created by a subscriber during the delivery above: read it after.
      const pending = this.pending;
      for (let i = 0; pending !== undefined && i < pending.length; i++) {
        const next = pending[i] as N;
        this.current = next;
        this.deliver(next);
      }
    } finally {
      if (this.pending !== undefined) this.pending.length = 0;
      this.current = undefined;
    }
    if (this.completed) this.completeListeners();
  }

  complete(): void {
    if (this.completed) return;
    this.completed = true;
    if (this.current === undefined) this.completeListeners();
  }

  /** Removes a listener (unknown ones are ignored). */
  remove(listener: BusListener<N>): void {
    const listeners = this.listeners;
    if (listeners === listener) this.listeners = undefined;
    else if (isList(listeners)) {
      const left = listeners.filter((l) => l !== listener);
      this.listeners = left.length === 0 ? undefined : left.length === 1 ? left[0] : left;
    }
  }

  /**
   * To the listeners present when it starts: one added meanwhile waits for the next notification,
   * one removed meanwhile is closed and ignores it.
   */
  private deliver(notification: N): void {
    const listeners = this.listeners;
    if (isList(listeners)) for (const listener of listeners) listener.next(notification);
    else listeners?.next(notification);
  }

  private add(listener: BusListener<N>): void {
    const listeners = this.listeners;
    if (listeners === undefined) this.listeners = listener;
    // An exact-size array (a spread or a push leaves room to grow).
    else this.listeners = isList(listeners) ? listeners.concat(listener) : [listeners, listener];
  }

  private completeListeners(): void {
    const listeners = this.listeners;
    this.listeners = undefined;
    if (isList(listeners)) for (const listener of listeners) listener.complete();
    else listeners?.complete();
  }
}

function isList<N>(
  listeners: BusListener<N> | readonly BusListener<N>[] | undefined,
): listeners is readonly BusListener<N>[] {
  return Array.isArray(listeners);
}

/** Removes an rxjs Subscriber from its bus (an object, not a closure and its context). */
class BusTeardown<N> implements Unsubscribable {
  constructor(
    private readonly bus: NotificationBus<N>,
    private readonly subscriber: Subscriber<N>,
  ) {}

  unsubscribe(): void {
    this.bus.remove(this.subscriber);
  }
}

/**
 * A plain observer subscribed to a bus through an isolated Observable (`sink`, whose source is
 * the bus): both its place on the bus and its Subscription. Like an rxjs SafeSubscriber wrapping a ProtectedObserver, it ignores
 * notifications once closed, reports what its observer throws to `sink` (and stays subscribed),
 * and unsubscribes itself after `complete`.
 */
class BusMember<N> extends Subscription implements BusListener<N> {
  constructor(
    private readonly observer: Partial<Observer<N>>,
    private readonly sink: BusErrorSink<N>,
  ) {
    super();
  }

  next(notification: N): void {
    if (this.closed) return;
    try {
      this.observer.next?.(notification);
    } catch (thrown) {
      this.sink.safeReport(thrown, notification);
    }
  }

  complete(): void {
    if (this.closed) return;
    try {
      this.observer.complete?.();
    } catch (thrown) {
      this.sink.safeReport(thrown, undefined);
    }
    this.unsubscribe();
  }

  override unsubscribe(): void {
    if (!this.closed) (this.sink.source as NotificationBus<N>).remove(this);
    super.unsubscribe();
  }
}
