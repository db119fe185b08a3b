import { ɵballastError as ballastError, type SyncElection } from 'ballast-sync/core';
import { Observable } from 'rxjs';
import { browserLocks, isAbortError, type WebLocksLike } from './web-locks';

/** Options of {@link WebLocksSyncElection}. */
export interface WebLocksSyncElectionOptions {
  /** The Web Lock the leader holds; one per channel (and per app sharing the origin). */
  readonly name: string;
  /** The Web Locks API (default `navigator.locks`); inject a fake in unit tests. */
  readonly locks?: WebLocksLike;
}

/**
 * A {@link SyncElection} across the tabs (and workers) of one origin, on the Web Locks API: the
 * candidate holding the lock leads, the others wait for it in the order they asked. The browser
 * releases a lock when its holder unsubscribes, and also when its tab is closed, crashes or
 * navigates away, so the next candidate is elected without any timer or heartbeat.
 *
 * A candidate follows (`false`) from the moment it stands until the lock is granted (`true`): the
 * grant is asynchronous, even for the first tab.
 *
 * @example
 * const election = new WebLocksSyncElection({ name: 'my-app/todos' });
 * new DefaultSyncConnection({ clientType: 'elected', adapter, election, snapshots });
 */
export class WebLocksSyncElection implements SyncElection {
  readonly name: string;
  private readonly locks: WebLocksLike;

  constructor(options: WebLocksSyncElectionOptions) {
    if (
      options === null ||
      typeof options !== 'object' ||
      typeof options.name !== 'string' ||
      options.name === ''
    ) {
      throw ballastError('WebLocksSyncElection needs options { name } with a non-empty lock name.');
    }
    const locks = options.locks ?? browserLocks();
    if (!locks || typeof locks.request !== 'function') {
      throw ballastError(
        'WebLocksSyncElection needs the Web Locks API (navigator.locks), which browsers offer only in secure ' +
          'contexts (https:// or http://localhost). Serve the app securely, or pass { locks }.',
      );
    }
    this.name = options.name;
    this.locks = locks;
  }

  /**
   * Stands `candidateId`: `false` at once, `true` once it holds the lock. Unsubscribing withdraws
   * (a pending request is aborted) or resigns (the lock is released, and the next candidate leads).
   *
   * @example
   * election.campaign('tab-1').subscribe((leads) => console.log(leads ? 'Source' : 'Replica'));
   */
  campaign(candidateId: string): Observable<boolean> {
    if (typeof candidateId !== 'string' || candidateId === '') {
      throw ballastError('WebLocksSyncElection.campaign(candidateId) needs a non-empty id.');
    }
    return new Observable<boolean>((subscriber) => {
      let withdrawn = false;
      let resign: (() => void) | undefined;
      const controller = new AbortController();
      subscriber.next(false);
      this.locks
        .request(this.name, { signal: controller.signal }, () => {
          if (withdrawn) return undefined; // withdrew as it was granted: release at once
          subscriber.next(true);
          return new Promise<void>((release) => (resign = release));
        })
        .catch((error: unknown) => {
          if (withdrawn && isAbortError(error)) return;
          subscriber.error(
            ballastError(
              `the Web Locks election "${this.name}" failed for candidate "${candidateId}"; it follows as a Replica.`,
              { cause: error },
            ),
          );
        });
      return () => {
        withdrawn = true;
        if (resign) resign();
        else controller.abort();
      };
    });
  }
}
