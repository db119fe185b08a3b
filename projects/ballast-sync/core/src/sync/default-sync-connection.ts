import { type Observable, type TeardownLogic } from 'rxjs';
import { ballastError } from '../engine/errors';
import type { BallastInterceptorScope } from '../engine/interceptor';
import { isolate } from '../engine/isolate';
import { ConnectionSessionContext } from './connection-session-context';
import { ConnectionStreams, type ConnectionWatcher } from './connection-streams';
import { createConsoleLogger } from '../engine/logger';
import type { BallastNotification } from '../engine/notifications';
import { ElectedSession } from './elected-session';
import { ReplicaSession } from './replica-session';
import { SourceSession } from './source-session';
import {
  ClientType,
  type ActiveRole,
  type SyncConnection,
  type SyncNotification,
  type SyncStatus,
} from './sync-connection';
import {
  validateSyncConnectionOptions,
  type DefaultSyncConnectionOptions,
} from './sync-connection-options';
import type { SyncElection } from './sync-election';
import { createClientId, type SyncSnapshot } from './sync-messages';
import type { RetransmitOptions } from './sync-session';

export type { DefaultSyncConnectionOptions } from './sync-connection-options';

/**
 * Ballast's Source / Replica / Spectator behaviour, with its defects fixed: one active Source per
 * channel, acknowledged Inputs (Replicas always converge), identified Inputs processed once over a
 * lossy wire, late joiners served at once, Inputs sent before any Source kept for the first one,
 * Replicas that rebase instead of going back in time; plus the `'elected'` role.
 *
 * @example
 * const adapter = new InMemorySyncAdapter<Inputs, Events, State>();
 * const connection = new DefaultSyncConnection({ clientType: ClientType.Replica, adapter });
 * new BasicViewModel({ ...config, interceptors: [new BallastSyncInterceptor(connection)] });
 */
export class DefaultSyncConnection<I, E, S> implements SyncConnection<I, E, S> {
  readonly clientType: ClientType;
  readonly clientId: string;
  // Subjects are created only for who observes them: most connections are never watched.
  private readonly streams: ConnectionStreams<I, E, S>;
  private readonly retransmit: RetransmitOptions;
  private scope: BallastInterceptorScope<I, E, S> | undefined;
  private source: SourceSession<I, E, S> | undefined;
  private currentIncarnation: string | undefined;

  constructor(private readonly options: DefaultSyncConnectionOptions<I, E, S>) {
    this.retransmit = validateSyncConnectionOptions(options);
    this.clientType = options.clientType;
    this.clientId = options.clientId ?? createClientId();
    // An elected participant follows until it is elected.
    this.streams = new ConnectionStreams<I, E, S>(
      options.clientType === ClientType.Elected ? ClientType.Replica : options.clientType,
      this,
    );
  }

  /** This run of the connection on the wire: random, set when it connects (undefined before). */
  get incarnation(): string | undefined {
    return this.currentIncarnation;
  }

  /**
   * A Source (or an elected one leading now): its current State with every acknowledgement it
   * reflects. A Source that continues from it (`resumeFrom`, or a `SnapshotStore`) never applies
   * again an Input the State already reflects. A Replica's Input whose handler has started counts
   * as reflected: if it is still running when the snapshot is taken, a successor keeps only the
   * effect it had by then (at most once for the rest, never twice).
   *
   * @example
   * const next = new DefaultSyncConnection({ clientType: 'source', adapter, resumeFrom: old.snapshot() });
   */
  snapshot(): SyncSnapshot<S> {
    if (!this.source) {
      throw ballastError(
        `snapshot() needs a connected Source; this connection is a ${this.streams.role}${this.scope ? '' : ' that is not connected yet'}.`,
      );
    }
    return this.source.snapshot();
  }

  /**
   * Whether nothing of this connection is on its way: a Replica has no unacknowledged Input and
   * no Source State waiting to be applied; a Source has published every change and acknowledgement
   * and its adapter handed them over. True once cleared (nothing more will happen).
   */
  isSynced(): boolean {
    return this.streams.session?.isSynced() ?? true;
  }

  /**
   * Resolves once {@link isSynced} holds (at once if it does). With the ViewModel's `whenIdle()`
   * this is what a test or a server render waits for, instead of guessing a number of turns.
   *
   * @example
   * replica.trySend({ type: 'Increment', by: 1 });
   * await connection.whenSynced(); // acknowledged: the Source has it
   */
  whenSynced(): Promise<void> {
    if (this.isSynced()) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const subscription = this.streams.observeChanges().subscribe({
        next: () => {
          if (!this.isSynced()) return;
          subscription.unsubscribe();
          resolve();
        },
        complete: resolve,
      });
    });
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
    this.startSession(scope, notifications);
    // Unsubscribing it ends the session and completes every stream (no closure per connection).
    return this.streams;
  }

  /** The current status first, then every change. A subscriber that throws is reported, not fatal. */
  observeStatus(): Observable<SyncStatus> {
    return isolate(this.streams.observeStatus(), (error) => this.reportSubscriberError(error));
  }

  /** The role it plays right now, then every change (only an elected one changes). */
  observeRole(): Observable<ActiveRole> {
    return isolate(this.streams.observeRole(), (error) => this.reportSubscriberError(error));
  }

  /** What this connection does on the wire. A subscriber that throws is reported, not fatal. */
  observeSyncNotifications(): Observable<SyncNotification<I, S>> {
    return isolate(this.streams.observeNotifications(), (error) =>
      this.reportSubscriberError(error),
    );
  }

  /** A context for a new incarnation of an elected connection on the wire. */
  private contextFor(incarnation: string): ConnectionSessionContext<I, E, S> {
    this.currentIncarnation = incarnation;
    return new ConnectionSessionContext(this.streams, incarnation);
  }

  private startSession(
    scope: BallastInterceptorScope<I, E, S>,
    notifications: Observable<BallastNotification<I, E, S>>,
  ): void {
    switch (this.clientType) {
      // One incarnation: the streams are its session's context (see ConnectionStreams).
      case ClientType.Source: {
        this.currentIncarnation = createClientId();
        const source = (this.streams.session = this.source = new SourceSession(this.streams));
        return source.start(notifications);
      }
      case ClientType.Replica:
      case ClientType.Spectator: {
        this.currentIncarnation = createClientId();
        const mode = this.clientType === ClientType.Replica ? 'forward-inputs' : 'follow-only';
        const replica = (this.streams.session = new ReplicaSession(this.streams, mode));
        return replica.start(notifications);
      }
      case ClientType.Elected: {
        const elected = new ElectedSession(
          (incarnation) => this.contextFor(incarnation),
          this.options.election as SyncElection,
          (role, session) => {
            this.source = session instanceof SourceSession ? session : undefined;
            this.streams.announceStatus('waiting-for-source');
            this.streams.setRole(role);
            this.streams.emit({
              type: 'RoleChanged',
              role,
              incarnation: this.currentIncarnation as string,
            });
          },
          (error) => scope.reportError(error),
        );
        this.streams.session = elected;
        return elected.start(notifications);
      }
    }
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

/**
 * Internal (for the Angular layer): makes `watcher` the one {@link ConnectionWatcher} of a
 * `DefaultSyncConnection` and returns its current status, or returns undefined for any other
 * connection (observe it through `observeStatus()` and `observeSyncNotifications()` instead).
 */
export function watchConnection<I, E, S>(
  connection: SyncConnection<I, E, S>,
  watcher: ConnectionWatcher<I, S>,
): SyncStatus | undefined {
  if (!(connection instanceof DefaultSyncConnection)) return undefined;
  return (connection as DefaultSyncConnection<I, E, S>)['streams'].watch(watcher);
}
