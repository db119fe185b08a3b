import type { SyncedInput, SyncedState, SyncSnapshot } from 'ballast-sync/core';

/**
 * What the tabs of one origin say to each other on a channel's BroadcastChannel (internal). Every
 * post is one {@link WireBatch}: the messages a tab queued during one microtask, in order. The
 * envelopes of the sync protocol (`SyncedInput`, `SyncedState`, `SyncSnapshot`, protocol 1) travel
 * inside unchanged; this layer only adds who speaks (`from`, one id per tab and channel) and the
 * claims that keep one Source active across tabs.
 */

/** The version of this wire; a tab ignores batches of another one. */
export const CROSS_TAB_WIRE_VERSION = 1;

/** Orders snapshots across tabs: the claim epoch of the Source that saved it, then its tab, then a counter. */
export interface Stamp {
  readonly epoch: number;
  readonly peer: string;
  readonly n: number;
}

export interface StampedSnapshot<S> {
  readonly stamp: Stamp;
  readonly snapshot: SyncSnapshot<S>;
}

/** A Source's claim to be the channel's active Source: the highest (epoch, peer) wins. */
export interface Claim {
  readonly sourceId: string;
  readonly epoch: number;
}

export type WireMessage<I = unknown, S = unknown> =
  /** A tab opened the channel: the others answer with a `welcome`. */
  | { readonly kind: 'hello' }
  /** The answer to one tab's `hello`: what this tab knows (its Source's claim and State, its snapshot). */
  | {
      readonly kind: 'welcome';
      readonly to: string;
      readonly claim?: Claim;
      readonly state?: SyncedState<S>;
      readonly snapshot?: StampedSnapshot<S>;
    }
  /** A Source of this tab became the channel's active Source. */
  | ({ readonly kind: 'claim' } & Claim)
  /** A State published by this tab's active Source. */
  | { readonly kind: 'state'; readonly state: SyncedState<S> }
  /** A Replica's Input, for the active Source (whichever tab has it). */
  | { readonly kind: 'input'; readonly input: SyncedInput<I> }
  /** This tab's active Source left (its ViewModel was cleared). */
  | { readonly kind: 'left'; readonly sourceId: string }
  /** The latest snapshot this tab's Source saved: every tab keeps the newest, for the next Source. */
  | { readonly kind: 'snapshot'; readonly snapshot: StampedSnapshot<S> }
  /** A barrier: a tab posts it to itself, and everything posted before it has arrived once it is back. */
  | { readonly kind: 'ping'; readonly nonce: string };

export interface WireBatch {
  readonly ballastSync: typeof CROSS_TAB_WIRE_VERSION;
  readonly from: string;
  readonly messages: readonly WireMessage[];
}

/** Whether a received value is a batch of this wire (anything else on the channel is ignored). */
export function isWireBatch(value: unknown): value is WireBatch {
  const v = value as Partial<WireBatch> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    v.ballastSync === CROSS_TAB_WIRE_VERSION &&
    typeof v.from === 'string' &&
    Array.isArray(v.messages)
  );
}

/** Whether claim `a` (by tab `aPeer`) takes precedence over claim `b` (by tab `bPeer`). */
export function claimWins(a: number, aPeer: string, b: number, bPeer: string): boolean {
  return a !== b ? a > b : aPeer > bPeer;
}

/** Whether stamp `a` is newer than `b` (or `b` is absent). */
export function isNewer(a: Stamp, b: Stamp | undefined): boolean {
  if (!b) return true;
  if (a.epoch !== b.epoch) return a.epoch > b.epoch;
  if (a.peer !== b.peer) return a.peer > b.peer;
  return a.n > b.n;
}

/** Whether a value is a well-formed stamped snapshot (from another tab or from storage). */
export function isStampedSnapshot(value: unknown): value is StampedSnapshot<unknown> {
  const v = value as Partial<StampedSnapshot<unknown>> | null;
  const stamp = v?.stamp as Partial<Stamp> | undefined;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof stamp === 'object' &&
    stamp !== null &&
    typeof stamp.epoch === 'number' &&
    typeof stamp.peer === 'string' &&
    typeof stamp.n === 'number' &&
    typeof v.snapshot === 'object' &&
    v.snapshot !== null
  );
}

/** The names one transport uses on the origin, kept apart per namespace and channel. */
export function wireNames(namespace: string, channel: string) {
  const base = `ballast-sync/${encodeURIComponent(namespace)}/${encodeURIComponent(channel)}`;
  return {
    /** The BroadcastChannel of the channel. */
    broadcastChannel: base,
    /** The Web Lock the channel's elected Source holds. */
    electionLock: `${base}/elected-source`,
    /** The Web Lock a tab holds while it has the channel open (how others see it close or crash). */
    peerLockPrefix: `${base}/peer/`,
    /** The IndexedDB key of the channel's persisted snapshot. */
    storageKey: `${encodeURIComponent(namespace)}/${encodeURIComponent(channel)}`,
  };
}
