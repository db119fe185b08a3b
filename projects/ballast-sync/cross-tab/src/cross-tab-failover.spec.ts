/**
 * @jest-environment node
 */
import { createFaultyAdapter } from 'ballast-sync/testing';
import { FakeBrowser, settle, waitUntil, type Participant } from './cross-tab-test-kit.spec-helper';

let browsers: FakeBrowser[] = [];
const browser = () => {
  const created = new FakeBrowser();
  browsers.push(created);
  return created;
};
afterEach(() => {
  browsers.forEach((b) => b.closeAll());
  browsers = [];
});

const leaders = (ps: Participant[]) => ps.filter((p) => p.activeRole === 'source');
const connected = (ps: Participant[]) => ps.every((p) => p.status === 'connected');
const describeAll = (ps: Participant[]) => () =>
  ps.map((p) => ({ name: p.name, role: p.activeRole, status: p.status, ids: p.ids() }));

/** Every id at most once, and each sender's ids in the order it sent them. */
function expectExactlyOnce(ids: readonly string[], sent: Record<string, string[]>): void {
  expect(new Set(ids).size).toBe(ids.length);
  for (const [name, own] of Object.entries(sent))
    expect(ids.filter((id) => id.startsWith(`${name}:`))).toEqual(own);
}

async function electedTabs(b: FakeBrowser, names: string[], options = {}) {
  const ps = names.map((name) => b.tab().join('elected', name, options));
  await waitUntil(() => leaders(ps).length === 1 && connected(ps), describeAll(ps));
  return ps;
}

describe("the 'elected' role across tabs (Web Locks election, shared snapshots)", () => {
  it('exactly one tab leads; Inputs from every tab reach all', async () => {
    const b = browser();
    const ps = await electedTabs(b, ['a', 'b', 'c']);
    expect(ps.map((p) => p.activeRole)).toEqual(['source', 'replica', 'replica']);
    ps.forEach((p) => p.send(`${p.name}:1`));
    await waitUntil(() => ps.every((p) => p.ids().length === 3), describeAll(ps));
    await settle();
    for (const p of ps) expect(p.ids()).toEqual(ps[0]?.ids());
  });

  it.each(['crash', 'close', 'clear'] as const)(
    'when the Source tab goes away (%s), another is promoted from the latest State; a burst from all tabs during the failover is applied exactly once',
    async (end) => {
      const b = browser();
      const [a, bb, c] = (await electedTabs(b, ['a', 'b', 'c'])) as [
        Participant,
        Participant,
        Participant,
      ];
      const sent: Record<string, string[]> = { a: [], b: [], c: [] };
      const send = (p: Participant, i: number) => {
        const id = `${p.name}:${i}`;
        if (p.send(id)) sent[p.name]?.push(id);
      };
      for (let i = 0; i < 5; i++) [a, bb, c].forEach((p) => send(p, i));
      await waitUntil(() => [bb, c].every((p) => p.ids().length === 15), describeAll([a, bb, c]));
      const before = [...a.ids()];
      send(a, 5); // the leader's own last Input: kept on a graceful leave, may be lost in a crash

      const started = Date.now();
      const aTab = b.tabs[0];
      if (end === 'crash') aTab?.crash();
      else if (end === 'close') aTab?.close();
      else a.vm.clear();
      for (let i = 5; i < 15; i++) [bb, c].forEach((p) => send(p, i));
      await waitUntil(
        () => leaders([bb, c]).length === 1 && connected([bb, c]),
        describeAll([bb, c]),
      );
      const promotedInMs = Date.now() - started;
      for (let i = 15; i < 20; i++) [bb, c].forEach((p) => send(p, i));
      await waitUntil(
        () =>
          [bb, c].every(
            (p) => p.ids().length >= before.length + 30 && p.ids().join() === bb.ids().join(),
          ),
        describeAll([bb, c]),
      );
      await settle(60);

      const ids = bb.ids();
      expect(c.ids()).toEqual(ids);
      expect(ids.slice(0, before.length)).toEqual(before); // nothing acknowledged was lost
      if (end === 'crash') {
        sent['a'] = sent['a']?.filter((id) => ids.includes(id)) ?? [];
      }
      expectExactlyOnce(ids, sent);
      expect(ids.filter((id) => id.startsWith('a:'))).toHaveLength(
        end === 'crash' ? (sent['a']?.length ?? 0) : 6,
      );
      expect(promotedInMs).toBeLessThan(1000);
      expect(b.tabs.flatMap((t) => t.errors)).toEqual([]);
    },
  );

  it('a page being unloaded (pagehide) hands over at once, without waiting for the browser to drop its locks', async () => {
    const b = browser();
    const page = new EventTarget();
    (globalThis as { window?: unknown }).window = page;
    let leaderTab;
    try {
      leaderTab = b.tab(); // listens to this tab's window
    } finally {
      delete (globalThis as { window?: unknown }).window;
    }
    const leader = leaderTab.join('elected', 'a');
    const follower = b.tab().join('elected', 'b');
    await waitUntil(() => leader.activeRole === 'source' && connected([leader, follower]));
    leader.send('a:1');
    follower.send('b:1');
    await waitUntil(() => follower.ids().length === 2);

    const bfcache = new Event('pagehide');
    Object.assign(bfcache, { persisted: true });
    page.dispatchEvent(bfcache); // into the back/forward cache: it may come back, nothing happens
    await settle();
    expect(leader.activeRole).toBe('source');

    page.dispatchEvent(new Event('pagehide')); // unloaded: its locks are never dropped in this fake
    follower.send('b:2');
    await waitUntil(() => follower.activeRole === 'source' && follower.status === 'connected');
    await waitUntil(
      () => follower.ids().length === 3,
      () => follower.ids(),
    );
    expect(follower.ids()).toEqual(['a:1', 'b:1', 'b:2']);
    expect(leader.unhandled).toEqual([]);
    expect(leaderTab.errors).toEqual([]);
  });

  it('a tab that opens later and leads continues from the snapshot a tab without ViewModels still keeps', async () => {
    const b = browser();
    const first = b.tab().join('elected', 'a');
    await waitUntil(() => first.activeRole === 'source' && first.status === 'connected');
    ['a:1', 'a:2'].forEach((id) => first.send(id));
    await settle();
    first.vm.clear(); // the page navigates elsewhere; the tab and its transport stay
    const next = b.tab().join('elected', 'b');
    await waitUntil(() => next.activeRole === 'source' && next.status === 'connected');
    next.send('b:1');
    await waitUntil(
      () => next.ids().length === 3,
      () => next.ids(),
    );
    expect(next.ids()).toEqual(['a:1', 'a:2', 'b:1']);
  });

  it('over a lossy, repeating wire, with a Source crash, every accepted Input is applied once and all converge', async () => {
    const b = browser();
    const faults = { loss: 0.15, duplicate: 0.15, delayMs: [0, 3] as [number, number] };
    const tabs = ['a', 'b', 'c'].map(() => b.tab());
    const ps = tabs.map((tab, i) =>
      tab.join('elected', 'abc'[i] as string, {
        adapter: createFaultyAdapter(tab.transport.adapterFor('list'), {
          seed: 11 + i,
          inputs: faults,
          states: faults,
        }),
      }),
    );
    await waitUntil(() => leaders(ps).length === 1 && connected(ps), describeAll(ps));
    const sent: Record<string, string[]> = { a: [], b: [], c: [] };
    for (let i = 0; i < 30; i++) {
      for (const p of ps)
        if (p.vm.status !== 'Cleared' && p.send(`${p.name}:${i}`))
          sent[p.name]?.push(`${p.name}:${i}`);
      if (i === 15) tabs[ps.indexOf(leaders(ps)[0] as Participant)]?.crash();
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    const survivors = ps.filter((p) => p.vm.status !== 'Cleared');
    await waitUntil(
      () =>
        leaders(survivors).length === 1 &&
        survivors.every(
          (p) => p.ids().length >= 60 && p.ids().join() === survivors[0]?.ids().join(),
        ),
      describeAll(survivors),
      5000,
    );
    const ids = survivors[0]?.ids() ?? [];
    const crashed = ps.find((p) => !survivors.includes(p)) as Participant;
    sent[crashed.name] = sent[crashed.name]?.filter((id) => ids.includes(id)) ?? [];
    expectExactlyOnce(ids, sent);
    for (const p of survivors)
      expect(ids.filter((id) => id.startsWith(`${p.name}:`))).toHaveLength(30);
  });
});
