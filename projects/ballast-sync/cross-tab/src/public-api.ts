/*
 * Public API of `ballast-sync/cross-tab`: sync across the tabs of one origin (BroadcastChannel +
 * Web Locks, optionally IndexedDB). No Angular import, and no browser global is read at import time.
 */
export { BroadcastChannelSyncTransport } from './broadcast-channel-sync-transport';
export type { BroadcastChannelSyncTransportOptions } from './broadcast-channel-sync-transport-options';
export type { CrossTabChannelStats } from './cross-tab-channel';
export { WebLocksSyncElection } from './web-locks-sync-election';
export type { WebLocksSyncElectionOptions } from './web-locks-sync-election';
export type { BroadcastChannelLike, WebLocksLike } from './web-locks';
