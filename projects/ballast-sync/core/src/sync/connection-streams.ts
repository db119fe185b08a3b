import { BehaviorSubject, EMPTY, Subject, type Observable } from 'rxjs';
import type { ActiveRole, SyncNotification, SyncStatus } from './sync-connection';

/** What a connected {@link DefaultSyncConnection} runs: it is ended by {@link close}. */
export interface ConnectionSession {
  isSynced(): boolean;
  close(): void;
}

/**
 * What a connection tells its observers — its status, its role, its sync notifications, and
 * "something `isSynced()` depends on changed" — in one object whose Subjects exist only once
 * somebody observes them: most connections are never watched (a page of many Replicas), so they
 * hold no Subject and emitting costs nothing. It also holds the connection's session, and is the
 * teardown its interceptor gets: unsubscribing it disconnects. Internal to
 * {@link DefaultSyncConnection}.
 */
export class ConnectionStreams<I, S> {
  /** The running session (undefined before connect and once cleared). */
  session: ConnectionSession | undefined;
  status: SyncStatus = 'disconnected';
  private statusSubject: BehaviorSubject<SyncStatus> | undefined;
  private roleSubject: BehaviorSubject<ActiveRole> | undefined;
  private notificationsSubject: Subject<SyncNotification<I, S>> | undefined;
  private changesSubject: Subject<void> | undefined;
  private completed = false;

  constructor(public role: ActiveRole) {}

  /** Sets the status; observers hear of it only when it differs. */
  setStatus(status: SyncStatus): void {
    if (status !== this.status) this.announceStatus(status);
  }

  /** Sets the status and tells observers, even when it is the same (a new start). */
  announceStatus(status: SyncStatus): void {
    this.status = status;
    this.statusSubject?.next(status);
  }

  setRole(role: ActiveRole): void {
    if (role === this.role) return;
    this.role = role;
    this.roleSubject?.next(role);
  }

  emit(notification: SyncNotification<I, S>): void {
    if (this.notificationsSubject?.observed) this.notificationsSubject.next(notification);
  }

  changed(): void {
    if (this.changesSubject?.observed) this.changesSubject.next();
  }

  /** The current status first, then every change; completes at once after {@link complete}. */
  observeStatus(): Observable<SyncStatus> {
    if (this.completed) return EMPTY;
    return (this.statusSubject ??= new BehaviorSubject(this.status)).asObservable();
  }

  /** The current role first, then every change; completes at once after {@link complete}. */
  observeRole(): Observable<ActiveRole> {
    if (this.completed) return EMPTY;
    return (this.roleSubject ??= new BehaviorSubject(this.role)).asObservable();
  }

  /** Sync notifications from now on; completes at once after {@link complete}. */
  observeNotifications(): Observable<SyncNotification<I, S>> {
    if (this.completed) return EMPTY;
    return (this.notificationsSubject ??= new Subject()).asObservable();
  }

  /** Each change `isSynced()` depends on, from now on; completes at once after {@link complete}. */
  observeChanges(): Observable<void> {
    if (this.completed) return EMPTY;
    return (this.changesSubject ??= new Subject()).asObservable();
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
    this.statusSubject?.complete();
    this.notificationsSubject?.complete();
    this.roleSubject?.complete();
    this.changesSubject?.complete();
  }
}
