import { BehaviorSubject, EMPTY, Subject, type Observable } from 'rxjs';
import { NotificationBus } from '../engine/notification-bus';
import { SessionContext } from './connection-session-context';
import type { DefaultSyncConnection } from './default-sync-connection';
import type { ActiveRole, SyncNotification, SyncStatus } from './sync-connection';

/** What a connected {@link DefaultSyncConnection} runs: it is ended by {@link close}. */
export interface ConnectionSession {
  isSynced(): boolean;
  close(): void;
}

/**
 * Internal (for the Angular layer): one listener told of a connection's status and sync
 * notifications as subscribers of `observeStatus()` and `observeSyncNotifications()` would be
 * (what it throws reported as theirs), without Subjects and subscriptions.
 */
export interface ConnectionWatcher<I, S> {
  statusChanged(status: SyncStatus): void;
  syncNotification(notification: SyncNotification<I, S>): void;
}

/** The Subjects of a watched connection, each created by its first observer. */
interface Subjects<I, S> {
  status?: BehaviorSubject<SyncStatus>;
  role?: BehaviorSubject<ActiveRole>;
  /** A bus, not a Subject: an isolated subscriber is called directly (see `isolate()`). */
  notifications?: NotificationBus<SyncNotification<I, S>>;
  changes?: Subject<void>;
}

/**
 * What a connection tells its observers — its status, its role, its sync notifications, and
 * "something `isSynced()` depends on changed" — in one object whose Subjects exist only once
 * somebody observes them: most connections are never watched (a page of many Replicas), so they
 * hold no Subject and emitting costs nothing. It also holds the connection's session, and is the
 * teardown its interceptor gets: unsubscribing it disconnects. Internal to
 * {@link DefaultSyncConnection}.
 *
 * It is also the context of a Source's or Replica's session (the connection's one incarnation),
 * read from its connection: no context object per connection. An elected connection gives each
 * incarnation a `ConnectionSessionContext` of its own.
 */
export class ConnectionStreams<I, E, S> extends SessionContext<I, E, S> {
  /** The running session (undefined before connect and once cleared). */
  session: ConnectionSession | undefined;
  status: SyncStatus = 'disconnected';
  private subjects: Subjects<I, S> | undefined;
  private watcher: ConnectionWatcher<I, S> | undefined;
  private completed = false;

  constructor(
    public role: ActiveRole,
    /** What the session context reads, and where a throwing watcher is reported. */
    protected readonly connection: DefaultSyncConnection<I, E, S>,
  ) {
    super();
  }

  /** Set by the connection before its session starts. */
  get incarnation(): string {
    return this.connection.incarnation as string;
  }

  /** Sets the status; observers hear of it only when it differs. */
  setStatus(status: SyncStatus): void {
    if (status !== this.status) this.announceStatus(status);
  }

  /** Sets the status and tells observers, even when it is the same (a new start). */
  announceStatus(status: SyncStatus): void {
    this.status = status;
    const watcher = this.watcher;
    if (watcher) {
      try {
        watcher.statusChanged(status);
      } catch (error) {
        this.connection['reportSubscriberError'](error);
      }
    }
    this.subjects?.status?.next(status);
  }

  setRole(role: ActiveRole): void {
    if (role === this.role) return;
    this.role = role;
    this.subjects?.role?.next(role);
  }

  emit(notification: SyncNotification<I, S>): void {
    const watcher = this.watcher;
    if (watcher) {
      try {
        watcher.syncNotification(notification);
      } catch (error) {
        this.connection['reportSubscriberError'](error);
      }
    }
    const notifications = this.subjects?.notifications;
    if (notifications?.observed) notifications.emit(notification);
  }

  changed(): void {
    const changes = this.subjects?.changes;
    if (changes?.observed) changes.next();
  }

  /**
   * Makes `watcher` the one {@link ConnectionWatcher}, let go once complete; returns the current
   * status (what `observeStatus()` starts with).
   */
  watch(watcher: ConnectionWatcher<I, S>): SyncStatus {
    if (!this.completed) this.watcher = watcher;
    return this.status;
  }

  /** The current status first, then every change; completes at once after {@link complete}. */
  observeStatus(): Observable<SyncStatus> {
    if (this.completed) return EMPTY;
    return (this.subjectsOf().status ??= new BehaviorSubject(this.status)).asObservable();
  }

  /** The current role first, then every change; completes at once after {@link complete}. */
  observeRole(): Observable<ActiveRole> {
    if (this.completed) return EMPTY;
    return (this.subjectsOf().role ??= new BehaviorSubject(this.role)).asObservable();
  }

  /** Sync notifications from now on; completes at once after {@link complete}. */
  observeNotifications(): Observable<SyncNotification<I, S>> {
    if (this.completed) return EMPTY;
    return (this.subjectsOf().notifications ??= new NotificationBus());
  }

  /** Each change `isSynced()` depends on, from now on; completes at once after {@link complete}. */
  observeChanges(): Observable<void> {
    if (this.completed) return EMPTY;
    return (this.subjectsOf().changes ??= new Subject()).asObservable();
  }

  /** The ViewModel is cleared: the session ends, and every stream says `'disconnected'` and completes. */
  unsubscribe(): void {
    this.session?.close();
    this.session = undefined;
    this.complete();
  }

  /** The status becomes `'disconnected'` and every stream completes. */
  complete(): void {
    this.announceStatus('disconnected');
    this.completed = true;
    this.watcher = undefined;
    const subjects = this.subjects;
    subjects?.status?.complete();
    subjects?.notifications?.complete();
    subjects?.role?.complete();
    subjects?.changes?.complete();
  }

  private subjectsOf(): Subjects<I, S> {
    return (this.subjects ??= {});
  }
}
