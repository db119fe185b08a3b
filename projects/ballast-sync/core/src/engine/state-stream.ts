import { Observable, Subscription, type Observer, type Subscriber, type TeardownLogic } from 'rxjs';
import type { BusErrorSink } from './notification-bus';

/** What a {@link StateStream} reads from its ViewModel. */
export interface StateStreamHost<S> {
  /** The State a new subscriber starts with. */
  readonly currentState: S;
  /** Whether the stream has ended (a new subscriber only completes). */
  readonly ended: boolean;
  /** The ViewModel's `stateEquals` (may throw: that ends the subscriber with that error). */
  equals(a: S, b: S): boolean;
}

/**
 * A ViewModel's States as one Observable: each subscriber gets the current State first, then
 * every State unequal (by `stateEquals`) to the last one it got, and completes when the ViewModel
 * is cleared (a subscriber that comes later only completes, as a completed BehaviorSubject's).
 *
 * It replaces a BehaviorSubject with a per-subscription filter: every Replica tells its observers
 * of every publication, and each subscriber is one {@link StateMember} called directly (with an
 * isolated Observable over it, see `IsolatedObservable`), not a chain of rxjs Subscribers.
 */
export class StateStream<S> extends Observable<S> {
  /** Exact-size, replaced (never mutated) on change: a delivery iterates a snapshot. */
  private members: readonly StateMember<S>[] = [];

  constructor(readonly host: StateStreamHost<S>) {
    super();
  }

  get observed(): boolean {
    return this.members.length > 0;
  }

  /** How rxjs subscribes a Subscriber (an operator's, firstValueFrom()…): it handles its errors. */
  protected _subscribe(subscriber: Subscriber<S>): TeardownLogic {
    return this.join(new StateMember(this, subscriber, undefined));
  }

  /** Subscribes a plain observer of an isolated Observable; what it throws goes to `sink`. */
  subscribeIsolated(observer: Partial<Observer<S>>, sink: BusErrorSink<S>): Subscription {
    return this.join(new StateMember(this, observer, sink));
  }

  /** Tells every member of `state` (a member that joins meanwhile waits for the next one). */
  emit(state: S): void {
    for (const member of this.members) member.offer(state);
  }

  /** Completes every member. */
  complete(): void {
    const members = this.members;
    this.members = [];
    for (const member of members) member.complete();
  }

  remove(member: StateMember<S>): void {
    this.members = this.members.filter((m) => m !== member);
  }

  private join(member: StateMember<S>): StateMember<S> {
    if (this.host.ended) {
      member.complete();
      return member;
    }
    this.members = this.members.concat(member);
    member.offer(this.host.currentState);
    return member;
  }
}

/**
 * One subscriber of a {@link StateStream}: its place in the stream, its Subscription, and the last
 * State it got. Like an rxjs SafeSubscriber wrapping a ProtectedObserver, it ignores States once
 * closed, reports what its observer throws to `sink` (and stays subscribed), and unsubscribes
 * itself after `error` or `complete`. Without a sink its observer is an rxjs Subscriber.
 */
class StateMember<S> extends Subscription {
  private hasLast = false;
  private last: S | undefined;

  constructor(
    private readonly stream: StateStream<S>,
    private readonly observer: Partial<Observer<S>>,
    private readonly sink: BusErrorSink<S> | undefined,
  ) {
    super();
  }

  offer(state: S): void {
    if (this.closed) return;
    if (this.hasLast) {
      let equal: boolean;
      try {
        equal = this.stream.host.equals(this.last as S, state);
      } catch (error) {
        return this.error(error);
      }
      if (equal) return;
    }
    this.hasLast = true;
    this.last = state;
    const sink = this.sink;
    if (sink === undefined) return (this.observer as Subscriber<S>).next(state);
    try {
      this.observer.next?.(state);
    } catch (thrown) {
      sink.safeReport(thrown, state);
    }
  }

  complete(): void {
    if (this.closed) return;
    this.end(() => this.observer.complete?.());
  }

  private error(error: unknown): void {
    const { observer, sink } = this;
    if (sink !== undefined && typeof observer.error !== 'function') {
      this.unsubscribe();
      return sink.safeReport(error, undefined);
    }
    this.end(() => observer.error?.(error));
  }

  private end(callback: () => void): void {
    this.unsubscribe();
    if (this.sink === undefined) return callback();
    try {
      callback();
    } catch (thrown) {
      this.sink.safeReport(thrown, undefined);
    }
  }

  override unsubscribe(): void {
    if (!this.closed) this.stream.remove(this);
    super.unsubscribe();
  }
}
