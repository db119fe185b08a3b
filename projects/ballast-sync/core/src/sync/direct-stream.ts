import type { Observable } from 'rxjs';

/**
 * Internal protocol between a session's `AdapterStream` and the in-memory channel: an adapter
 * stream that supports it lets the AdapterStream itself join the channel, instead of an rxjs
 * Subscriber, its observer wrapper, its finalizer array and a teardown object per subscription
 * (what every idle Replica would hold twice). Any other adapter goes through `subscribe()`.
 */
export const SUBSCRIBE_DIRECT: unique symbol = Symbol('ballast-sync: subscribe direct');

/**
 * An observer a stream calls directly. Its `next` never throws and ignores values once it left;
 * a direct stream never errors or completes.
 */
export interface DirectObserver<T> {
  next(value: T): void;
}

/** What a direct subscription returns: how its observer leaves (it has no `unsubscribe`). */
export interface DirectMembership {
  leave(observer: object): void;
}

/** Tells a direct membership from an rxjs Subscription (which has no `leave`). */
export function isDirectMembership(value: object | undefined): value is DirectMembership {
  return typeof (value as Partial<DirectMembership> | undefined)?.leave === 'function';
}

/** An adapter stream that an observer may join directly. */
export interface DirectStream<T> {
  [SUBSCRIBE_DIRECT](observer: DirectObserver<T>): DirectMembership;
}

export function isDirectStream<T>(
  stream: Observable<T>,
): stream is Observable<T> & DirectStream<T> {
  return typeof (stream as Partial<DirectStream<T>>)[SUBSCRIBE_DIRECT] === 'function';
}
