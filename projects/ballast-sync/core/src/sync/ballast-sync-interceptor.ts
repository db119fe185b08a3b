import type { Observable, TeardownLogic } from 'rxjs';
import { ballastError } from '../engine/errors';
import type { BallastInterceptor, BallastInterceptorScope } from '../engine/interceptor';
import type { BallastNotification } from '../engine/notifications';
import type { SyncConnection } from './sync-connection';

/**
 * Connects a ViewModel to a {@link SyncConnection}: hands it the ViewModel's notifications and
 * the means to restore States and queue Inputs.
 *
 * @example
 * const adapter = new InMemorySyncAdapter<Inputs, Events, State>();
 * const replica = new BasicViewModel({
 *   name: 'counter', initialState, inputHandler,
 *   interceptors: [new BallastSyncInterceptor(new DefaultSyncConnection({ clientType: 'replica', adapter }))],
 * });
 */
export class BallastSyncInterceptor<I, E, S> implements BallastInterceptor<I, E, S> {
  readonly name = 'BallastSyncInterceptor';

  constructor(readonly connection: SyncConnection<I, E, S>) {
    if (
      connection === null ||
      typeof connection !== 'object' ||
      typeof connection.connect !== 'function'
    ) {
      throw ballastError(
        'BallastSyncInterceptor(connection) needs a SyncConnection, e.g. new DefaultSyncConnection({ clientType, adapter }).',
      );
    }
  }

  start(
    scope: BallastInterceptorScope<I, E, S>,
    notifications: Observable<BallastNotification<I, E, S>>,
  ): TeardownLogic {
    return this.connection.connect(scope, notifications);
  }
}
