import { Observable, Subscriber, type Observer, type Operator, type Subscription } from 'rxjs';
import { ballastError } from './errors';
import { NotificationBus, type BusErrorSink } from './notification-bus';
import { StateStream } from './state-stream';

/** Angular's development flag: `false` in production builds (long messages are dropped). */
declare const ngDevMode: unknown;

/**
 * Receives what a subscriber of an {@link isolate}d Observable threw, or an error notification it
 * had no `error` callback for. `value` is the value it threw on when that value came straight from
 * the source; it is undefined for an error notification and for a piped Observable (whose values
 * are no longer the source's). `report` must not throw: what it throws is ignored.
 */
export type IsolatedErrorReport<T> = (error: unknown, value: T | undefined) => void;

type ObserverOrNext<T> = Partial<Observer<T>> | ((value: T) => void) | null | undefined;
type ErrorCallback = ((error: unknown) => void) | null | undefined;
type CompleteCallback = (() => void) | null | undefined;

/**
 * Returns `source` such that its subscribers can never take the process down: a `next`, `error`
 * or `complete` callback that throws, or an error notification that reaches a subscriber without
 * an `error` callback, goes to `report` instead of rxjs's global unhandled-error path (which
 * rethrows it from a `setTimeout`, crashing a Node server). A subscriber that threw stays
 * subscribed. Operators applied with `pipe()` keep the protection (an error an operator throws
 * reaches the final subscriber as an error notification, and so `report`); combining it with
 * creation functions such as `merge()` or `combineLatest()` gives an ordinary Observable.
 *
 * @example
 * const states$ = isolate(vm.observeStates(), (error) => logger.error('ballast-sync: a subscriber failed.', error));
 * states$.pipe(map((s) => render(s))).subscribe(); // a throwing render() is reported, not rethrown
 */
export function isolate<T>(source: Observable<T>, report: IsolatedErrorReport<T>): Observable<T> {
  if (!(source instanceof Observable)) {
    throw ballastError(
      typeof ngDevMode === 'undefined' || ngDevMode
        ? `isolate(source, report) needs an rxjs Observable as source; got ${typeof source}.`
        : 30,
    );
  }
  if (typeof report !== 'function') {
    throw ballastError(
      typeof ngDevMode === 'undefined' || ngDevMode
        ? `isolate(source, report) needs a function (error, value) => void as report; got ${typeof report}.`
        : 31,
    );
  }
  return new ReportingObservable(source, report);
}

/**
 * An Observable whose subscribers are isolated: wraps the callbacks given to `subscribe()`, and
 * sends what they throw to {@link reportError}. Over a {@link NotificationBus} or a
 * {@link StateStream}, a plain observer becomes one small member of it (no rxjs Subscriber,
 * observer wrapper or teardown).
 */
export abstract class IsolatedObservable<T> extends Observable<T> implements BusErrorSink<T> {
  constructor(source: Observable<T>) {
    // rxjs's own way to wrap an Observable (what lift() does): its default _subscribe subscribes
    // to `source`, so no closure is kept per isolated Observable.
    super();
    this.source = source;
  }

  /** Receives what a subscriber threw (`value` as {@link IsolatedErrorReport} says); may throw. */
  protected abstract reportError(error: unknown, value: T | undefined): void;

  /** Every rxjs operator goes through `lift()`: the piped Observable is isolated as well. */
  override lift<R>(operator?: Operator<T, R>): Observable<R> {
    return new ReportingObservable<R>(super.lift(operator), (error) =>
      this.reportError(error, undefined),
    );
  }

  override subscribe(
    observerOrNext?: ObserverOrNext<T>,
    error?: ErrorCallback,
    complete?: CompleteCallback,
  ): Subscription {
    // An operator, firstValueFrom() or forEach() subscribes with a Subscriber: it handles errors
    // itself, and wrapping it would break the chain that unsubscribes the source.
    if (isSubscriber(observerOrNext)) return super.subscribe(observerOrNext);
    const observer: Partial<Observer<T>> =
      typeof observerOrNext === 'object' && observerOrNext !== null
        ? observerOrNext
        : {
            next: observerOrNext ?? undefined,
            error: error ?? undefined,
            complete: complete ?? undefined,
          };
    const source = this.source;
    if (source instanceof NotificationBus || source instanceof StateStream)
      return source.subscribeIsolated(observer, this);
    return super.subscribe(new ProtectedObserver(observer, this));
  }

  /** Called by {@link ProtectedObserver} and bus members; never throws. */
  safeReport(error: unknown, value: T | undefined): void {
    try {
      this.reportError(error, value);
    } catch {
      // Nothing may escape: rxjs would rethrow it from a timer. `report` is documented not to throw.
    }
  }
}

/** What {@link isolate} returns: reports to a function. */
class ReportingObservable<T> extends IsolatedObservable<T> {
  constructor(
    source: Observable<T>,
    private readonly report: IsolatedErrorReport<T>,
  ) {
    super(source);
  }

  protected reportError(error: unknown, value: T | undefined): void {
    this.report(error, value);
  }
}

/**
 * A subscriber's callbacks with what they throw reported to their isolated Observable: prototype
 * methods, so a subscription costs one small object instead of three closures.
 */
class ProtectedObserver<T> implements Observer<T> {
  constructor(
    private readonly observer: Partial<Observer<T>>,
    private readonly isolated: IsolatedObservable<T>,
  ) {}

  next(value: T): void {
    try {
      this.observer.next?.(value);
    } catch (thrown) {
      this.isolated.safeReport(thrown, value);
    }
  }

  error(error: unknown): void {
    const observer = this.observer;
    if (typeof observer.error !== 'function') return this.isolated.safeReport(error, undefined);
    try {
      observer.error(error);
    } catch (thrown) {
      this.isolated.safeReport(thrown, undefined);
    }
  }

  complete(): void {
    try {
      this.observer.complete?.();
    } catch (thrown) {
      this.isolated.safeReport(thrown, undefined);
    }
  }
}

/** rxjs's own test: a Subscriber of this or another copy of rxjs. */
function isSubscriber<T>(value: unknown): value is Subscriber<T> {
  if (value instanceof Subscriber) return true;
  if (value === null || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return ['next', 'error', 'complete', 'add', 'remove', 'unsubscribe'].every(
    (method) => typeof v[method] === 'function',
  );
}
