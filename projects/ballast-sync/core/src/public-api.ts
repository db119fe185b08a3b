/*
 * Public API of `ballast-sync/core`: the ViewModel engine and Ballast Sync. No Angular import:
 * this entry point runs unchanged in plain Node.
 */
export { BasicViewModel } from './engine/basic-view-model';
export type {
  BallastViewModelConfiguration,
  EventBufferOptions,
  InputOutcome,
  InputQueueOptions,
  QueueOverflow,
} from './engine/view-model-config';
export type {
  EventHandler,
  EventHandlerScope,
  InputHandler,
  InputHandlerScope,
  SideJob,
  SideJobScope,
} from './engine/scopes';
export { fifo, lifo, parallel } from './engine/input-strategy';
export type {
  InputFilter,
  InputFilterResult,
  InputStrategy,
  InputStrategyOptions,
} from './engine/input-strategy';
export type {
  BallastInterceptor,
  BallastInterceptorScope,
  InputGuard,
  InterceptorQueueItem,
} from './engine/interceptor';
export type {
  BallastNotification,
  BallastNotificationType,
  InputDropReason,
  NotificationOfType,
  RestartState,
  ViewModelStatus,
} from './engine/notifications';
export { createConsoleLogger, noOpLogger } from './engine/logger';
export type { BallastLogger } from './engine/logger';
/** Internal (for the library's other entry points): errors that start with `ballast-sync: `. */
export { ballastError as ɵballastError } from './engine/errors';
/** Internal: a setTimeout that any delay (Infinity, past 2^31 - 1 ms) cannot overflow. */
export { setLongTimeout as ɵsetLongTimeout } from './engine/set-long-timeout';
/** Internal (for the browser entry points): how publication schedules tell that the page is hidden. */
export { setPageHiddenCheck as ɵsetPageHiddenCheck } from './sync/publication-schedule';
/** Internal (for the Angular layer): a ViewModel's one State listener, without subscriptions. */
export { watchStates as ɵwatchStates } from './engine/basic-view-model';
export type { StateWatcher as ɵStateWatcher } from './engine/basic-view-model';

// Ballast Sync
export { BallastSyncInterceptor } from './sync/ballast-sync-interceptor';
export { ClientType } from './sync/sync-connection';
export type {
  ActiveRole,
  SyncConnection,
  SyncNotification,
  SyncStatus,
} from './sync/sync-connection';
export { DefaultSyncConnection } from './sync/default-sync-connection';
/** Internal (for the Angular layer): a connection's one status and notification listener. */
export { watchConnection as ɵwatchConnection } from './sync/default-sync-connection';
export type { ConnectionWatcher as ɵConnectionWatcher } from './sync/connection-streams';
export type { DefaultSyncConnectionOptions } from './sync/sync-connection-options';
export { InMemorySnapshotStore } from './sync/snapshot-store';
export type { SnapshotStore } from './sync/snapshot-store';
export { InMemorySyncElection } from './sync/sync-election';
export type { SyncElection } from './sync/sync-election';
export type {
  SyncConnectionAdapter,
  SyncLinkState,
  SyncReaderRole,
  SyncTransport,
} from './sync/sync-connection-adapter';
export {
  createClientId,
  isSyncedInput,
  isSyncedState,
  SYNC_PROTOCOL_VERSION,
  syncedInputProblem,
  syncedStateProblem,
  syncSnapshotProblem,
} from './sync/sync-messages';
export type { SyncedInput, SyncedState, SyncSnapshot } from './sync/sync-messages';
export type { RetransmitOptions } from './sync/sync-session';
export { InMemorySyncAdapter } from './sync/in-memory-sync-adapter';
export type { InMemorySyncAdapterStats } from './sync/in-memory-sync-adapter';
export { InMemorySyncTransport } from './sync/in-memory-sync-transport';

// Deltas: what changed between two States, as RFC 6902 JSON Patch operations
export { applyDelta } from './delta/apply-delta';
export { diffStates } from './delta/diff-states';
export { plainDataProblem } from './delta/plain-data-problem';
export type { DeltaOperation } from './delta/delta-operation';
