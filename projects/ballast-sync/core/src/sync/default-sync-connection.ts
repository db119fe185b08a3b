import {
  BehaviorSubject,
  Subject,
  type MonoTypeOperatorFunction,
  type Observable,
  type TeardownLogic,
} from 'rxjs';
import { ballastError } from '../engine/errors';
import type { BallastInterceptorScope } from '../engine/interceptor';
import { isolate } from '../engine/isolate';
import { createConsoleLogger } from '../engine/logger';
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
import { createClientId, syncSnapshotProblem, type SyncSnapshot } from './sync-messages';
import type { RetransmitOptions } from './sync-session';

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
   * Replica: how many accepted Inputs may wait for an acknowledgement (for example while no Source
   * exists); beyond it a new Input is refused before it applies locally (outcome `dropped`, reason
   * `'refused'`, and a `PendingInputsOverflow` sync notification). Source: how many Inputs that
   * arrived ahead of a missing one it holds per Replica. Default 1000.
   */
  maxPendingInputs?: number;
  /**
   * This participant's id on the wire (default: random). Each connection also has a random
   * `incarnation`, so a restarted participant with the same id is safe; two live participants with
   * the same id are reported by the Source.
   */
  clientId?: string;
  /**
   * How lost messages are recovered (defaults `{ intervalMs: 1000, maxIntervalMs: 30000 }`): a
   * Replica whose Inputs get no acknowledgement for `intervalMs` sends them again
   * (`AcknowledgementOverdue`), and a Source re-publishes its latest State when it published nothing
   * for `intervalMs`; each wait doubles up to `maxIntervalMs`, and starts over on progress.
   */
  retransmit?: Partial<RetransmitOptions>;
  /**
   * Source only: continue from a snapshot (see `snapshot()`) instead of the ViewModel's initial
   * State: its State is restored first, and its acknowledgements are inherited, so no Input it
   * already reflects is applied again.
   */
  resumeFrom?: SyncSnapshot<S>;
}

const DEFAULT_RETRANSMIT: RetransmitOptions = { intervalMs: 1000, maxIntervalMs: 30_000 };

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
  private readonly retransmit: RetransmitOptions;
  private scope: BallastInterceptorScope<I, E, S> | undefined;
  private source: SourceSession<I, E, S> | undefined;
  private currentIncarnation: string | undefined;

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
    this.retransmit = validateRetransmit(options.retransmit);
    if (options.resumeFrom !== undefined) {
      if (options.clientType !== ClientType.Source) {
        throw ballastError(
          `DefaultSyncConnection: resumeFrom only applies to a source, but this connection is a ${options.clientType}. Remove it.`,
        );
      }
      const problem = syncSnapshotProblem(options.resumeFrom);
      if (problem !== undefined) {
        throw ballastError(
          `DefaultSyncConnection: resumeFrom is not a snapshot (${problem}). Pass what snapshot() of a Source returned.`,
        );
      }
    }
    this.clientType = options.clientType;
    this.clientId = options.clientId ?? createClientId();
  }

  /** This run of the connection: random, set when it connects (undefined before). */
  get incarnation(): string | undefined {
    return this.currentIncarnation;
  }

  /**
   * Source only: its current State with every acknowledgement it reflects. A Source that continues
   * from it (`resumeFrom`) never applies again an Input the State already reflects. An Input still
   * running when it is taken may be reflected in part and will be applied again: take snapshots
   * from a fifo Source between Inputs (e.g. after `whenIdle()`) when that matters.
   *
   * @example
   * const next = new DefaultSyncConnection({ clientType: 'source', adapter, resumeFrom: old.snapshot() });
   */
  snapshot(): SyncSnapshot<S> {
    if (!this.source) {
      throw ballastError(
        `snapshot() needs a connected Source; this connection is a ${this.clientType}${this.scope ? '' : ' that is not connected yet'}.`,
      );
    }
    return this.source.snapshot();
  }

  connect(
    scope: BallastInterceptorScope<I, E, S>,
    notifications: Observable<BallastNotification<I, E, S>>,
  ): TeardownLogic {
    if (this.scope) {
      throw ballastError(
        `this DefaultSyncConnection is already connected; create one per ViewModel (ViewModel "${scope.viewModelName}").`,
      );
    }
    this.scope = scope;
    this.currentIncarnation = createClientId();
    const context = {
      clientId: this.clientId,
      incarnation: this.currentIncarnation,
      scope,
      adapter: this.options.adapter,
      bufferStates: this.options.bufferStates,
      bufferInputs: this.options.bufferInputs,
      maxPendingInputs: this.options.maxPendingInputs ?? 1000,
      retransmit: this.retransmit,
      resumeFrom: this.options.resumeFrom,
      emit: (notification: SyncNotification<I, S>) => this.notifications$.next(notification),
      setStatus: (status: SyncStatus) => status !== this.status$.value && this.status$.next(status),
    };
    const session =
      this.clientType === ClientType.Source
        ? (this.source = new SourceSession(context))
        : new ReplicaSession(
            context,
            this.clientType === ClientType.Replica ? 'forward-inputs' : 'follow-only',
          );
    const subscription = session.start(notifications);
    return () => {
      subscription.unsubscribe();
      this.status$.next('disconnected');
      this.status$.complete();
      this.notifications$.complete();
    };
  }

  /** The current status first, then every change. A subscriber that throws is reported, not fatal. */
  observeStatus(): Observable<SyncStatus> {
    return isolate(this.status$.asObservable(), (error) => this.reportSubscriberError(error));
  }

  /** What this connection does on the wire. A subscriber that throws is reported, not fatal. */
  observeSyncNotifications(): Observable<SyncNotification<I, S>> {
    return isolate(this.notifications$.asObservable(), (error) =>
      this.reportSubscriberError(error),
    );
  }

  private reportSubscriberError(error: unknown): void {
    const wrapped = ballastError(
      `a subscriber of the sync connection of channel "${this.scope?.viewModelName ?? '(not connected)'}" threw; the connection goes on.`,
      { cause: error },
    );
    // After clear the scope still logs it (the notification stream is complete by then).
    if (this.scope) this.scope.reportError(wrapped);
    else createConsoleLogger().error(wrapped.message, error);
  }
}

function validateRetransmit(value: Partial<RetransmitOptions> | undefined): RetransmitOptions {
  if (value === undefined) return DEFAULT_RETRANSMIT;
  if (value === null || typeof value !== 'object') {
    throw ballastError(
      'DefaultSyncConnection: retransmit must be an object { intervalMs?, maxIntervalMs? }.',
    );
  }
  const intervalMs = value.intervalMs ?? DEFAULT_RETRANSMIT.intervalMs;
  const maxIntervalMs =
    value.maxIntervalMs ?? Math.max(intervalMs, DEFAULT_RETRANSMIT.maxIntervalMs);
  if (typeof intervalMs !== 'number' || !Number.isFinite(intervalMs) || intervalMs <= 0) {
    throw ballastError(
      `DefaultSyncConnection: retransmit.intervalMs must be a finite number of ms > 0; got ${String(intervalMs)}.`,
    );
  }
  if (
    typeof maxIntervalMs !== 'number' ||
    !Number.isFinite(maxIntervalMs) ||
    maxIntervalMs < intervalMs
  ) {
    throw ballastError(
      `DefaultSyncConnection: retransmit.maxIntervalMs must be a finite number of ms >= intervalMs (${intervalMs}); got ${String(maxIntervalMs)}.`,
    );
  }
  return { intervalMs, maxIntervalMs };
}
