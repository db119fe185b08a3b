import {
  BehaviorSubject,
  Subject,
  type MonoTypeOperatorFunction,
  type Observable,
  type TeardownLogic,
} from 'rxjs';
import { ballastError } from '../engine/errors';
import type { BallastInterceptorScope } from '../engine/interceptor';
import type { BallastNotification } from '../engine/notifications';
import { ReplicaSession } from './replica-session';
import { SourceSession } from './source-session';
import {
  ClientType,
  type SyncConnection,
  type SyncNotification,
  type SyncStatus,
} from './sync-connection';
import type { SyncConnectionAdapter } from './sync-connection-adapter';
import { createClientId } from './sync-messages';

/** Options of {@link DefaultSyncConnection}. */
export interface DefaultSyncConnectionOptions<I, E, S> {
  clientType: ClientType;
  adapter: SyncConnectionAdapter<I, E, S>;
  /**
   * Source only: decides when States are published (e.g. `throttleTime(50, undefined, { trailing: true })`,
   * `debounceTime(100)`, `delay(300)`); the latest State is always what is published. It must emit
   * after the last value it receives, or Replicas wait for the next change.
   */
  bufferStates?: MonoTypeOperatorFunction<S>;
  /**
   * Replica only: decides when queued Inputs are forwarded (e.g. `delay(300)`, `debounceTime(100)`).
   * Every Input up to the one it lets through is sent, in order, so none is lost.
   */
  bufferInputs?: MonoTypeOperatorFunction<I>;
  /**
   * Replica: how many forwarded Inputs may wait for an acknowledgement (for example while no
   * Source exists); beyond it an Input is applied locally only, with an `UnhandledError`. Source: how
   * many out-of-order Inputs it holds per Replica. Default 1000.
   */
  maxPendingInputs?: number;
  /** This participant's id on the wire (default: random). */
  clientId?: string;
}

const CLIENT_TYPES: readonly string[] = Object.values(ClientType);

/**
 * Ballast's Source / Replica / Spectator behaviour, with its defects fixed: one active Source per
 * channel, acknowledged Inputs (Replicas always converge), identified Inputs processed once, late
 * joiners served at once, Inputs sent before any Source kept for the first one.
 *
 * @example
 * const adapter = new InMemorySyncAdapter<Inputs, Events, State>();
 * const connection = new DefaultSyncConnection({ clientType: ClientType.Replica, adapter });
 * new BasicViewModel({ ...config, interceptors: [new BallastSyncInterceptor(connection)] });
 */
export class DefaultSyncConnection<I, E, S> implements SyncConnection<I, E, S> {
  readonly clientType: ClientType;
  readonly clientId: string;
  private readonly status$ = new BehaviorSubject<SyncStatus>('disconnected');
  private readonly notifications$ = new Subject<SyncNotification<I, S>>();
  private connected = false;

  constructor(private readonly options: DefaultSyncConnectionOptions<I, E, S>) {
    if (options === null || typeof options !== 'object') {
      throw ballastError('DefaultSyncConnection needs options { clientType, adapter }.');
    }
    if (!CLIENT_TYPES.includes(options.clientType)) {
      throw ballastError(
        `DefaultSyncConnection: clientType must be one of ${CLIENT_TYPES.map((t) => `'${t}'`).join(', ')}; got ${JSON.stringify(options.clientType)}.`,
      );
    }
    const adapter = options.adapter as Partial<SyncConnectionAdapter<I, E, S>> | null;
    const methods = [
      'sendSynchronizedStateToReplicas',
      'sendInputToSource',
      'readStateFromSource',
      'readInputsFromReplicas',
    ] as const;
    if (
      adapter === null ||
      typeof adapter !== 'object' ||
      methods.some((m) => typeof adapter[m] !== 'function')
    ) {
      throw ballastError(
        `DefaultSyncConnection: adapter must implement SyncConnectionAdapter (${methods.join(', ')}), e.g. new InMemorySyncAdapter().`,
      );
    }
    const applies = { bufferStates: ClientType.Source, bufferInputs: ClientType.Replica } as const;
    for (const key of ['bufferStates', 'bufferInputs'] as const) {
      if (options[key] === undefined) continue;
      if (typeof options[key] !== 'function') {
        throw ballastError(
          `DefaultSyncConnection: ${key} must be an rxjs operator such as delay(300); got ${typeof options[key]}.`,
        );
      }
      if (options.clientType !== applies[key]) {
        throw ballastError(
          `DefaultSyncConnection: ${key} only applies to a ${applies[key]} (it decides when ${key === 'bufferStates' ? 'States are published' : 'Inputs are forwarded'}), ` +
            `but this connection is a ${options.clientType}. Remove it, or give it to the ${applies[key]}.`,
        );
      }
    }
    const max = options.maxPendingInputs ?? 1000;
    if (!Number.isInteger(max) || max < 1) {
      throw ballastError(
        `DefaultSyncConnection: maxPendingInputs must be a whole number >= 1; got ${String(max)}.`,
      );
    }
    if (
      options.clientId !== undefined &&
      (typeof options.clientId !== 'string' || options.clientId === '')
    ) {
      throw ballastError('DefaultSyncConnection: clientId must be a non-empty string.');
    }
    this.clientType = options.clientType;
    this.clientId = options.clientId ?? createClientId();
  }

  connect(
    scope: BallastInterceptorScope<I, E, S>,
    notifications: Observable<BallastNotification<I, E, S>>,
  ): TeardownLogic {
    if (this.connected) {
      throw ballastError(
        `this DefaultSyncConnection is already connected; create one per ViewModel (ViewModel "${scope.viewModelName}").`,
      );
    }
    this.connected = true;
    const context = {
      clientId: this.clientId,
      scope,
      adapter: this.options.adapter,
      bufferStates: this.options.bufferStates,
      bufferInputs: this.options.bufferInputs,
      maxPendingInputs: this.options.maxPendingInputs ?? 1000,
      emit: (notification: SyncNotification<I, S>) => this.notifications$.next(notification),
      setStatus: (status: SyncStatus) => status !== this.status$.value && this.status$.next(status),
    };
    const session =
      this.clientType === ClientType.Source
        ? new SourceSession(context)
        : new ReplicaSession(context, this.clientType === ClientType.Replica);
    const subscription = session.start(notifications);
    return () => {
      subscription.unsubscribe();
      this.status$.next('disconnected');
      this.status$.complete();
      this.notifications$.complete();
    };
  }

  observeStatus(): Observable<SyncStatus> {
    return this.status$.asObservable();
  }

  observeSyncNotifications(): Observable<SyncNotification<I, S>> {
    return this.notifications$.asObservable();
  }
}
