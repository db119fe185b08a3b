import type { BallastInterceptor } from './interceptor';

/** Lifecycle of a ViewModel: it starts Running when constructed and ends Cleared. */
export type ViewModelStatus = 'Running' | 'ShuttingDown' | 'Cleared';

/**
 * Why an Input never reached its handler: the queue was full (`overflow`), the ViewModel was
 * shutting down or cleared, or an interceptor's input guard refused it (`refused`, with a message).
 */
export type InputDropReason = 'overflow' | 'shutting-down' | 'cleared' | 'refused';

/** Whether a side job runs for the first time under its key, or replaced a running one. */
export type RestartState = 'Initial' | 'Restarted';

/**
 * Everything a ViewModel does, as one ordered stream. Every interceptor and every
 * `observeNotifications()` subscriber sees the same notifications in the same order.
 */
export type BallastNotification<I, E, S> =
  | { readonly type: 'ViewModelStatusChanged'; readonly status: ViewModelStatus }
  | { readonly type: 'InputQueued'; readonly input: I }
  | { readonly type: 'InputAccepted'; readonly input: I }
  | { readonly type: 'InputRejected'; readonly input: I }
  | {
      readonly type: 'InputDropped';
      readonly input: I;
      readonly reason: InputDropReason;
      /** Why an input guard refused it (reason `refused` only). */
      readonly message?: string;
    }
  | { readonly type: 'InputHandledSuccessfully'; readonly input: I }
  | { readonly type: 'InputCancelled'; readonly input: I }
  | { readonly type: 'InputHandlerError'; readonly input: I; readonly error: unknown }
  | { readonly type: 'EventQueued'; readonly event: E }
  | { readonly type: 'EventEmitted'; readonly event: E }
  | { readonly type: 'EventHandledSuccessfully'; readonly event: E }
  | { readonly type: 'EventHandlerError'; readonly event: E; readonly error: unknown }
  /** The Event buffer was full: its oldest Event was discarded, never delivered. */
  | { readonly type: 'EventDropped'; readonly event: E; readonly reason: 'overflow' }
  | { readonly type: 'EventProcessingStarted' }
  | { readonly type: 'EventProcessingStopped' }
  | { readonly type: 'StateChanged'; readonly state: S }
  | { readonly type: 'SideJobQueued'; readonly key: string }
  | { readonly type: 'SideJobStarted'; readonly key: string; readonly restartState: RestartState }
  | { readonly type: 'SideJobCompleted'; readonly key: string }
  | { readonly type: 'SideJobCancelled'; readonly key: string }
  | { readonly type: 'SideJobError'; readonly key: string; readonly error: unknown }
  | { readonly type: 'InterceptorAttached'; readonly interceptor: BallastInterceptor<I, E, S> }
  | {
      readonly type: 'InterceptorFailed';
      readonly interceptor: BallastInterceptor<I, E, S>;
      readonly error: unknown;
    }
  | { readonly type: 'UnhandledError'; readonly error: unknown };

/** The `type` of any notification. */
export type BallastNotificationType = BallastNotification<unknown, unknown, unknown>['type'];

/** Narrows a notification union to one `type`. */
export type NotificationOfType<I, E, S, T extends BallastNotificationType> = Extract<
  BallastNotification<I, E, S>,
  { type: T }
>;
