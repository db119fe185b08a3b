import type { Observable, Subscription } from 'rxjs';
import type { BallastNotification } from '../engine/notifications';
import type { ActiveRole } from './sync-connection';
import { ReplicaSession } from './replica-session';
import { SourceSession } from './source-session';
import type { SyncElection } from './sync-election';
import { createClientId } from './sync-messages';
import type { SyncSessionContext } from './sync-session';

/** The role an elected participant plays right now. */
type ElectedRole = Exclude<ActiveRole, 'spectator'>;

/**
 * An elected participant: a Replica while another candidate leads the channel's election, its
 * Source while it leads. On promotion it continues from the channel's latest snapshot (saved by the
 * previous Source), and its own Inputs that Source had not acknowledged are replayed on top, so no
 * Input is lost or applied twice; Replicas re-send theirs to it as to any new Source. Each role it
 * plays is a new incarnation on the wire.
 */
export class ElectedSession<I, E, S> {
  private current:
    | {
        readonly role: ElectedRole;
        readonly session: SourceSession<I, E, S> | ReplicaSession<I, E, S>;
      }
    | undefined;
  private candidacy: Subscription | undefined;
  private closed = false;

  constructor(
    /** A context for a new incarnation. */
    private readonly contextFor: (incarnation: string) => SyncSessionContext<I, E, S>,
    private readonly election: SyncElection,
    private readonly onRole: (
      role: ElectedRole,
      session: SourceSession<I, E, S> | ReplicaSession<I, E, S>,
    ) => void,
    private readonly reportError: (error: unknown) => void,
  ) {}

  start(notifications: Observable<BallastNotification<I, E, S>>): void {
    try {
      const candidacy = this.election.campaign(createClientId()).subscribe({
        next: (leads) => this.become(leads ? 'source' : 'replica', notifications),
        error: (error: unknown) => this.reportError(error),
      });
      if (this.closed) candidacy.unsubscribe();
      else this.candidacy = candidacy;
    } catch (error) {
      this.reportError(error);
    }
  }

  /**
   * Cleared. Torn down in this order: the session first (a Source saves its snapshot), then the
   * candidacy (a successor is elected, and loads that snapshot).
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stop();
    this.candidacy?.unsubscribe();
  }

  /** Whether the role it plays now has nothing on its way. */
  isSynced(): boolean {
    return this.current?.session.isSynced() ?? true;
  }

  private become(role: ElectedRole, notifications: Observable<BallastNotification<I, E, S>>): void {
    if (this.closed || this.current?.role === role) return;
    const handOver =
      this.current?.session instanceof ReplicaSession ? this.current.session.handOver() : undefined;
    this.stop();
    const context = this.contextFor(createClientId());
    const session =
      role === 'source'
        ? new SourceSession(context, handOver)
        : new ReplicaSession(context, 'forward-inputs');
    this.onRole(role, session);
    this.current = { role, session };
    session.start(notifications);
  }

  private stop(): void {
    const current = this.current;
    this.current = undefined;
    current?.session.close();
  }
}
