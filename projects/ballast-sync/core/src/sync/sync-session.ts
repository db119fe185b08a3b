import type { MonoTypeOperatorFunction } from 'rxjs';
import type { BallastInterceptorScope } from '../engine/interceptor';
import type { SyncNotification, SyncStatus } from './sync-connection';
import type { SyncConnectionAdapter } from './sync-connection-adapter';
import { isThenable } from '../engine/is-thenable';

/** What a Source or Replica session needs from its connection. */
export interface SyncSessionContext<I, E, S> {
  readonly clientId: string;
  readonly scope: BallastInterceptorScope<I, E, S>;
  readonly adapter: SyncConnectionAdapter<I, E, S>;
  readonly bufferStates: MonoTypeOperatorFunction<S> | undefined;
  readonly bufferInputs: MonoTypeOperatorFunction<I> | undefined;
  readonly maxPendingInputs: number;
  emit(notification: SyncNotification<I, S>): void;
  setStatus(status: SyncStatus): void;
}

/** Calls an adapter method, reporting a synchronous throw or a rejected Promise as `UnhandledError`. */
export function callAdapter<I, E, S>(
  context: SyncSessionContext<I, E, S>,
  call: () => void | Promise<void>,
): void {
  try {
    const result = call();
    if (isThenable(result)) result.then(undefined, (error) => context.scope.reportError(error));
  } catch (error) {
    context.scope.reportError(error);
  }
}
