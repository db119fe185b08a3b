import { ɵballastError as ballastError } from 'ballast-sync/core';
import type { BroadcastChannelLike, WebLocksLike } from './web-locks';

/** Options of {@link BroadcastChannelSyncTransport}; every one is optional. */
export interface BroadcastChannelSyncTransportOptions {
  /**
   * Keeps apps that share an origin apart (default `'default'`): tabs talk on a channel only with
   * tabs whose transport has the same namespace.
   */
  namespace?: string;
  /**
   * Channels whose latest snapshot also goes to IndexedDB, so their State survives closing every
   * tab (a reload, a new tab later): a list of channel names, or a function of the name.
   * Default: none (the State lives as long as one tab of the app has the channel open).
   */
  persist?: readonly string[] | ((channel: string) => boolean);
  /**
   * How long a tab that becomes the Source right after opening a channel waits, at most, for the
   * tabs that already had it open to tell it their snapshot (default 300 ms).
   */
  joinTimeoutMs?: number;
  /** Where problems that no ViewModel can be told about go (default: `console.error`). */
  onError?: (error: Error) => void;
  /** Creates the BroadcastChannel of a name (default: `new BroadcastChannel(name)`); for tests. */
  createBroadcastChannel?: (name: string) => BroadcastChannelLike;
  /** The Web Locks API (default: `navigator.locks`); inject a fake in unit tests. */
  locks?: WebLocksLike;
  /** The IndexedDB factory for `persist` (default: `indexedDB`); e.g. fake-indexeddb in tests. */
  indexedDB?: IDBFactory;
}

/** Checks the options, throwing a `ballast-sync: ` error that says what to change. */
export function checkCrossTabOptions(options: BroadcastChannelSyncTransportOptions): void {
  const fail = (message: string): never => {
    throw ballastError(`BroadcastChannelSyncTransport: ${message}`);
  };
  if (options === null || typeof options !== 'object')
    fail('options must be an object, e.g. { namespace: "my-app" }.');
  const { namespace, persist, joinTimeoutMs, onError, createBroadcastChannel, locks } = options;
  if (namespace !== undefined && (typeof namespace !== 'string' || namespace.trim() === ''))
    fail(`namespace must be a non-empty string; got ${JSON.stringify(namespace)}.`);
  if (
    persist !== undefined &&
    typeof persist !== 'function' &&
    !(Array.isArray(persist) && persist.every((name) => typeof name === 'string'))
  )
    fail('persist must be a list of channel names or a function (channel) => boolean.');
  if (
    joinTimeoutMs !== undefined &&
    (typeof joinTimeoutMs !== 'number' || !Number.isFinite(joinTimeoutMs) || joinTimeoutMs < 0)
  )
    fail(`joinTimeoutMs must be a finite number of ms >= 0; got ${String(joinTimeoutMs)}.`);
  for (const [key, value] of Object.entries({ onError, createBroadcastChannel })) {
    if (value !== undefined && typeof value !== 'function') fail(`${key} must be a function.`);
  }
  if (
    locks !== undefined &&
    (typeof locks?.request !== 'function' || typeof locks.query !== 'function')
  )
    fail('locks must implement the Web Locks API (request and query), like navigator.locks.');
}
