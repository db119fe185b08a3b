/*
 * Public API of `ballast-sync-server`: hosts ballast-sync Source ViewModels behind WebSockets
 * (docs/PROTOCOL.md). Node only.
 */
export { createSyncServer } from './sync-server.js';
export type { SyncServer, SyncServerStats } from './sync-server.js';
export type { AuthenticationRequest, SyncServerOptions } from './sync-server-options.js';
export { defineSyncChannel } from './sync-channel.js';
export type { AnySyncChannel, SyncChannel } from './sync-channel.js';
export type { ChannelStats } from './channel-host.js';
export { DEFAULT_LIMITS } from './limits.js';
export type { SyncServerLimits } from './limits.js';
export { FileSnapshotStore } from './file-snapshot-store.js';
export type { FileSnapshotStoreOptions } from './file-snapshot-store.js';
export { InMemorySnapshotStores } from './snapshot-stores.js';
export type { SnapshotStoreProvider } from './snapshot-stores.js';
export type {
  InputValidator,
  InputValidatorFunction,
  StandardSchemaResult,
  StandardSchemaV1,
} from './input-validation.js';
export { WIRE_PROTOCOL_VERSION, CloseCode, ERROR_CODES } from './frames.js';
export type { ErrorCode, ParticipantRole } from './frames.js';
export { REFUSAL_KINDS } from './refusals.js';
export type { RefusalKind } from './refusals.js';
export { WIRE_CODECS } from './wire-codecs.js';
export type { WireCodecName } from './wire-codecs.js';
