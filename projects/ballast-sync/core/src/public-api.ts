/*
 * Public API of `ballast-sync/core`: the ViewModel engine and Ballast Sync. No Angular import:
 * this entry point runs unchanged in plain Node.
 */
export { BasicViewModel } from './engine/basic-view-model';
export type { BallastViewModelConfiguration, InputOutcome, InputQueueOptions, QueueOverflow } from './engine/view-model-config';
export type { EventHandler, EventHandlerScope, InputHandler, InputHandlerScope, SideJob, SideJobScope } from './engine/scopes';
export { fifo, lifo, parallel } from './engine/input-strategy';
export type { InputFilter, InputFilterResult, InputStrategy, InputStrategyOptions } from './engine/input-strategy';
export type { BallastInterceptor, BallastInterceptorScope, InterceptorQueueItem } from './engine/interceptor';
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
export { ballastError, ERROR_PREFIX } from './engine/errors';

