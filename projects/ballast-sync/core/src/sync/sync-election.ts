import { Observable, type Subscriber } from 'rxjs';
import { ballastError } from '../engine/errors';

/**
 * Decides which of a channel's elected participants is its Source: at most one leads at a time,
 * the others follow as Replicas, and when the leader leaves another is elected. Pluggable:
 * {@link InMemorySyncElection} for one JavaScript realm; a Web Locks one decides across the tabs
 * of a browser, a lease one across servers.
 *
 * @example
 * const election = new InMemorySyncElection();
 * election.campaign('tab-1').subscribe((leads) => console.log(leads ? 'Source' : 'Replica'));
 */
export interface SyncElection {
  /**
   * Stands `candidateId` for election: emits `true` while it leads and `false` while another
   * does (the current value first). Unsubscribing withdraws the candidate; a leader that withdraws
   * resigns, and another candidate is elected.
   */
  campaign(candidateId: string): Observable<boolean>;
}

/**
 * A {@link SyncElection} in one JavaScript realm: the earliest candidate still standing leads.
 * A successor is told in a microtask after its leader withdrew, so the leader's teardown (which
 * saves its snapshot) is complete by then.
 *
 * @example
 * const election = new InMemorySyncElection();
 * new DefaultSyncConnection({ clientType: 'elected', adapter, election, snapshots });
 */
export class InMemorySyncElection implements SyncElection {
  private readonly candidates: { readonly id: string; readonly subscriber: Subscriber<boolean> }[] =
    [];

  campaign(candidateId: string): Observable<boolean> {
    if (typeof candidateId !== 'string' || candidateId === '') {
      throw ballastError('InMemorySyncElection.campaign(candidateId) needs a non-empty id.');
    }
    return new Observable<boolean>((subscriber) => {
      const candidate = { id: candidateId, subscriber };
      this.candidates.push(candidate);
      subscriber.next(this.candidates[0] === candidate);
      return () => {
        const index = this.candidates.indexOf(candidate);
        if (index === -1) return;
        this.candidates.splice(index, 1);
        if (index === 0) queueMicrotask(() => this.candidates[0]?.subscriber.next(true));
      };
    });
  }

  /** The candidates standing, the leader first (for tests and debugging). */
  standing(): readonly string[] {
    return this.candidates.map((c) => c.id);
  }
}
