import { ballastError, describeValue } from './errors';
import type { BallastInterceptorScope, InputGuard, InterceptorQueueItem } from './interceptor';
import type { BallastLogger } from './logger';
import type { BallastNotification } from './notifications';
import type { InputOutcome } from './view-model-config';

/** What an interceptor's scope needs from its ViewModel. */
export interface InterceptorScopeHost<I, E, S> {
  readonly name: string;
  readonly logger: BallastLogger;
  getState(): S;
  /** Like `send()`. */
  postInput(input: I): Promise<void>;
  /** Like `sendAndAwaitCompletion()` with a callback for when the handler starts on it. */
  postInputAndAwait(input: I, started?: () => void): Promise<InputOutcome>;
  /** Queues a restored State (throws unless the ViewModel is running). */
  restore(
    item: Extract<InterceptorQueueItem<I, S>, { type: 'restore' }>,
    settle: ((outcome: InputOutcome) => void) | undefined,
  ): void;
  postEvent(event: E): void;
  notify(notification: BallastNotification<I, E, S>): void;
  addInputGuard(guard: InputGuard<I>): () => void;
}

/** The scope every interceptor of one ViewModel receives in `start()`. */
export function createInterceptorScope<I, E, S>(
  host: InterceptorScopeHost<I, E, S>,
): BallastInterceptorScope<I, E, S> {
  return {
    viewModelName: host.name,
    logger: host.logger,
    getCurrentState: () => host.getState(),
    sendToQueue: async (item) => {
      checkQueueItem('sendToQueue', item);
      if (item.type === 'input') return host.postInput(item.input);
      host.restore(item, undefined);
    },
    // Interceptors chain a callback on it; they do not await it inside a handler.
    sendToQueueAndAwaitCompletion: async (item) => {
      checkQueueItem('sendToQueueAndAwaitCompletion', item);
      if (item.type === 'input') return host.postInputAndAwait(item.input, item.started);
      return new Promise<InputOutcome>((settle) => host.restore(item, settle));
    },
    postEvent: (event) => host.postEvent(event),
    reportError: (error) => host.notify({ type: 'UnhandledError', error }),
    addInputGuard: (guard) => host.addInputGuard(guard),
  };
}

function checkQueueItem<I, S>(method: string, item: InterceptorQueueItem<I, S>): void {
  if (
    item === null ||
    typeof item !== 'object' ||
    (item.type !== 'input' && item.type !== 'restore') ||
    (item.type === 'restore' && item.rebase !== undefined && typeof item.rebase !== 'function')
  ) {
    throw ballastError(
      `${method}() needs { type: 'input', input } or { type: 'restore', state, rebase?: () => ({ state, inputs }) }; got ${describeValue(item)}.`,
    );
  }
}
