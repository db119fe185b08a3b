/**
 * @jest-environment node
 */
import { firstValueFrom, skip } from 'rxjs';
import { FakeLockManager } from './fake-web-locks.spec-helper';
import { WebLocksSyncElection } from './web-locks-sync-election';

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

function candidate(manager: FakeLockManager, tab: string) {
  const locks = manager.client(tab);
  const election = new WebLocksSyncElection({ name: 'app/todos/source', locks });
  const seen: boolean[] = [];
  const subscription = election.campaign(tab).subscribe((leads) => seen.push(leads));
  return { locks, seen, subscription, leads: () => seen.at(-1) === true };
}

describe('WebLocksSyncElection', () => {
  it('follows at once, then exactly one candidate leads; when it resigns the next one does', async () => {
    const manager = new FakeLockManager();
    const [a, b, c] = ['a', 'b', 'c'].map((tab) => candidate(manager, tab)) as [
      ReturnType<typeof candidate>,
      ReturnType<typeof candidate>,
      ReturnType<typeof candidate>,
    ];
    expect([a.seen, b.seen, c.seen]).toEqual([[false], [false], [false]]);
    await settle();
    expect([a.leads(), b.leads(), c.leads()]).toEqual([true, false, false]);
    a.subscription.unsubscribe();
    await settle();
    expect([b.leads(), c.leads()]).toEqual([true, false]);
    expect(manager.heldNames()).toEqual(['app/todos/source']);
    b.subscription.unsubscribe();
    c.subscription.unsubscribe();
    await settle();
    expect(manager.heldNames()).toEqual([]);
  });

  it('a candidate that withdraws while waiting never leads, and the lock goes to the next', async () => {
    const manager = new FakeLockManager();
    const a = candidate(manager, 'a');
    const b = candidate(manager, 'b');
    const c = candidate(manager, 'c');
    await settle();
    b.subscription.unsubscribe();
    a.subscription.unsubscribe();
    await settle();
    expect(b.seen).toEqual([false]);
    expect(c.leads()).toBe(true);
    c.subscription.unsubscribe();
  });

  it('a leader whose tab crashes loses the lock without resigning, and the next candidate leads', async () => {
    const manager = new FakeLockManager();
    const a = candidate(manager, 'a');
    const b = candidate(manager, 'b');
    await settle();
    a.locks.crash();
    expect(
      await firstValueFrom(
        new WebLocksSyncElection({ name: 'x', locks: manager.client('z') })
          .campaign('z')
          .pipe(skip(1)),
      ),
    ).toBe(true);
    await settle();
    expect(b.leads()).toBe(true);
    b.subscription.unsubscribe();
  });

  it('needs a lock name, Web Locks and a candidate id, with clear errors', () => {
    const locks = new FakeLockManager().client('t');
    expect(() => new WebLocksSyncElection({ name: '', locks })).toThrow(
      /^ballast-sync: WebLocksSyncElection needs options \{ name \}/,
    );
    expect(() => new WebLocksSyncElection({ name: 'x' })).toThrow(
      /^ballast-sync: WebLocksSyncElection needs the Web Locks API \(navigator\.locks\)/,
    );
    expect(() => new WebLocksSyncElection({ name: 'x', locks }).campaign('')).toThrow(
      /^ballast-sync: WebLocksSyncElection\.campaign\(candidateId\) needs a non-empty id/,
    );
  });
});
