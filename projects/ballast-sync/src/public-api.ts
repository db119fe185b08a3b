/*
 * Public API of `ballast-sync`: the Angular layer, plus everything of `ballast-sync/core`.
 */
export * from 'ballast-sync/core';
export { SyncViewModel } from './lib/angular/sync-view-model';
export type { EventSubscriptionRef, SyncViewModelConfig } from './lib/angular/sync-view-model';
export { provideSyncViewModel } from './lib/angular/provide-sync-view-model';
export type { SyncViewModelClass } from './lib/angular/provide-sync-view-model';
export type { SyncViewModelOptions } from './lib/angular/sync-view-model-options';
export {
  provideBallastSync,
  withInMemoryAdapter,
  withInMemoryTransport,
  withStabilityTimeout,
  withSyncConnection,
  withSyncTransport,
  withTransferState,
} from './lib/angular/provide-ballast-sync';
export type { BallastSyncFeature } from './lib/angular/provide-ballast-sync';
export {
  BALLAST_SYNC_CONNECTION_FACTORY,
  BALLAST_SYNC_STABILITY_TIMEOUT,
  BALLAST_SYNC_TRANSFER_STATE,
  BALLAST_SYNC_TRANSPORT,
} from './lib/angular/sync-tokens';
export type {
  SyncConnectionFactory,
  SyncConnectionFactoryOptions,
} from './lib/angular/sync-tokens';
export { withCrossTabTransport } from './lib/angular/with-cross-tab-transport';
export { withWebSocketTransport } from './lib/angular/with-web-socket-transport';
