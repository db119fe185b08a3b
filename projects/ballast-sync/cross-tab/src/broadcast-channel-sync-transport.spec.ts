/**
 * @jest-environment node
 */
// The core's internal schedule, by path: only to check what the transport told it.
import { PublicationSchedule } from '../../core/src/sync/publication-schedule';
import { BroadcastChannelSyncTransport } from './broadcast-channel-sync-transport';
import { FakeBrowser, settle, waitUntil, type FakeTab } from './cross-tab-test-kit.spec-helper';

let browsers: FakeBrowser[] = [];
const browser = (...args: ConstructorParameters<typeof FakeBrowser>) => {
  const created = new FakeBrowser(...args);
  browsers.push(created);
  return created;
};
afterEach(() => {
  browsers.forEach((b) => b.closeAll());
  browsers = [];
});

describe('BroadcastChannelSyncTransport: one State across tabs', () => {
  it('three tabs converge, and an Input from any tab reaches all', async () => {
    const b = browser();
    const source = b.tab().join('source', 's');
    const r1 = b.tab().join('replica', 'r1');
    const r2 = b.tab().join('replica', 'r2');
    await waitUntil(() => [r1, r2].every((r) => r.status === 'connected'));
    source.send('s1');
    r1.send('a1');
    r2.send('b1');
    r1.send('a2');
    await waitUntil(
      () => [source, r1, r2].every((p) => p.ids().length === 4),
      () => [source, r1, r2].map((p) => p.ids()),
    );
    await settle();
    for (const p of [r1, r2]) expect(p.ids()).toEqual(source.ids());
    expect([...source.ids()].sort()).toEqual(['a1', 'a2', 'b1', 's1']);
    // One Replica's Inputs keep their order at the Source.
    expect(source.ids().filter((id) => id.startsWith('a'))).toEqual(['a1', 'a2']);
  });

  it('keeps a burst of one Replica’s Inputs in order', async () => {
    const b = browser();
    const source = b.tab().join('source', 's');
    const replica = b.tab().join('replica', 'r');
    await waitUntil(() => replica.status === 'connected');
    const sent = Array.from({ length: 200 }, (_, i) => `r${i}`);
    sent.forEach((id) => replica.send(id));
    await waitUntil(() => source.ids().length === 200 && replica.ids().length === 200);
    expect(source.ids()).toEqual(sent);
    await waitUntil(() => replica.sync.filter((n) => n.type === 'InputForwarded').length >= 200);
    expect(replica.ids()).toEqual(sent);
  });

  it('a tab opened late shows the current State at once, before the Source publishes again', async () => {
    const b = browser();
    const source = b.tab().join('source', 's');
    for (const id of ['x', 'y', 'z']) source.send(id);
    await settle();
    const fresh = () => source.sync.filter((n) => n.type === 'StatePublished' && !n.republished);
    const published = fresh().length;
    const late = b.tab().join('spectator', 'late');
    await waitUntil(
      () => late.ids().length === 3,
      () => late.ids(),
    );
    expect(late.ids()).toEqual(['x', 'y', 'z']);
    expect(late.status).toBe('connected');
    expect(fresh()).toHaveLength(published);
  });

  it('keeps one active Source across tabs: a Source in another tab takes over, the old one is superseded', async () => {
    const b = browser();
    const oldSource = b.tab().join('source', 'old');
    const replica = b.tab().join('replica', 'r');
    await waitUntil(() => replica.status === 'connected');
    replica.send('before');
    await waitUntil(() => oldSource.ids().length === 1);
    const newSource = b.tab().join('source', 'new');
    await waitUntil(
      () => oldSource.status === 'superseded',
      () => oldSource.status,
    );
    replica.send('after');
    await waitUntil(
      () => newSource.ids().includes('after'),
      () => newSource.ids(),
    );
    await settle();
    expect(oldSource.ids()).toEqual(['before']); // it no longer receives Inputs
    expect(replica.ids()).toEqual(newSource.ids());
    expect(oldSource.sync.some((n) => n.type === 'SourceSuperseded')).toBe(true);
  });

  it('two Sources that start at once in two tabs: exactly one stays active, everywhere', async () => {
    const b = browser();
    const [t1, t2, t3] = [b.tab(), b.tab(), b.tab()];
    const replica = t3.join('replica', 'r');
    const one = t1.join('source', 'one');
    const two = t2.join('source', 'two');
    await waitUntil(
      () => [one, two].filter((s) => s.status === 'superseded').length === 1,
      () => [one.status, two.status],
    );
    const winner = one.status === 'superseded' ? two : one;
    replica.send('r1');
    await waitUntil(() => winner.ids().includes('r1') && replica.status === 'connected');
    await settle();
    expect(replica.ids()).toEqual(winner.ids());
    expect((winner === one ? two : one).ids()).toEqual([]);
  });

  it('Inputs a Replica tab sends before any tab has a Source reach the first Source, in order, once', async () => {
    const b = browser();
    const replica = b.tab().join('replica', 'r');
    ['early-1', 'early-2', 'early-3'].forEach((id) => replica.send(id));
    await settle(50);
    expect(replica.status).toBe('waiting-for-source');
    const source = b.tab().join('source', 's');
    await waitUntil(() => source.ids().length === 3 && replica.status === 'connected');
    await settle();
    expect(source.ids()).toEqual(['early-1', 'early-2', 'early-3']);
    expect(replica.ids()).toEqual(source.ids());
  });

  it('the link says no-source when the Source tab closes or crashes, and connected again with a new Source', async () => {
    for (const end of ['close', 'crash'] as const) {
      const b = browser();
      const sourceTab = b.tab();
      sourceTab.join('source', 's');
      const replica = b.tab().join('replica', 'r');
      await waitUntil(() => replica.status === 'connected');
      sourceTab[end]();
      await waitUntil(
        () => replica.status === 'waiting-for-source',
        () => [end, replica.status],
      );
      expect(replica.sync).toContainEqual({ type: 'LinkChanged', link: 'no-source' });
      b.tab().join('source', 's2');
      await waitUntil(
        () => replica.status === 'connected',
        () => [end, replica.status],
      );
    }
  });

  it('two browser contexts (two origins) never share, nor do two namespaces of one origin', async () => {
    const one = browser();
    const other = browser();
    const source = one.tab().join('source', 's');
    const foreign = other.tab().join('replica', 'r');
    const otherApp = one.tab({ namespace: 'another-app' }).join('replica', 'r2');
    source.send('mine');
    await settle(80);
    expect(foreign.ids()).toEqual([]);
    expect(otherApp.ids()).toEqual([]);
    expect([foreign.status, otherApp.status]).toEqual(['waiting-for-source', 'waiting-for-source']);
  });
});

describe('BroadcastChannelSyncTransport: values must be structured-cloneable', () => {
  it('a State that cannot be cloned is reported with a ballast-sync error naming the channel and where', async () => {
    const b = browser();
    const source = b.tab().join('source', 's');
    source.vm.trySend({ type: 'Put', extra: { format: () => 'x' } });
    await waitUntil(
      () => source.unhandled.length > 1,
      () => source.unhandled,
    );
    // Its snapshot is saved (and shared) first, then its State is sent: both are reported.
    expect(source.unhandled).toContainEqual(
      expect.stringMatching(
        /^ballast-sync: channel "list" cannot send its State to the other tabs: it cannot be structured-cloned, at state\.extra\.format \(a function\)/,
      ),
    );
  });

  it('an Input that cannot be cloned is reported when it goes to a Source in another tab', async () => {
    const b = browser();
    b.tab().join('source', 's');
    const replica = b.tab().join('replica', 'r');
    await waitUntil(() => replica.status === 'connected');
    replica.vm.trySend({ type: 'Put', extra: [1, Symbol('nope')] });
    await waitUntil(
      () => replica.unhandled.length > 0,
      () => replica.unhandled,
    );
    expect(replica.unhandled[0]).toMatch(
      /^ballast-sync: channel "list" cannot send the Input "Put" to the Source in another tab: it cannot be structured-cloned, at input\.extra\[1\] \(a Symbol\)/,
    );
  });
});

describe('BroadcastChannelSyncTransport: lifecycle and validation', () => {
  it('close() leaves every channel: locks released, later use is a clear error', async () => {
    const b = browser();
    const tab: FakeTab = b.tab();
    const source = tab.join('source', 's');
    await settle();
    expect(tab.transport.stats()).toEqual({
      list: {
        sources: 1,
        stateReaders: 0,
        linkObservers: 1,
        sourceActive: true,
        hasSnapshot: true,
      },
    });
    expect(b.locks.heldNames()).toHaveLength(1); // its peer lock
    tab.close();
    await settle();
    expect(tab.transport.stats()).toEqual({});
    expect(b.locks.heldNames()).toEqual([]);
    let failure: unknown;
    tab.transport
      .adapterFor('list')
      .readStateFromSource('x')
      .subscribe({ error: (error: unknown) => (failure = error) });
    expect(String(failure)).toMatch(
      /ballast-sync: channel "list": this BroadcastChannelSyncTransport was closed/,
    );
    expect(source.vm.status).toBe('Cleared');
  });

  it('validates its options and arguments with errors that say what to do', () => {
    const locks = new FakeBrowser().locks.client('t');
    const make = (options: object) =>
      new BroadcastChannelSyncTransport({
        locks,
        createBroadcastChannel: () => ({}) as never,
        ...options,
      });
    expect(() => make({ namespace: '' })).toThrow(
      /^ballast-sync: BroadcastChannelSyncTransport: namespace must be a non-empty string/,
    );
    expect(() => make({ persist: 'todos' })).toThrow(/persist must be a list of channel names/);
    expect(() => make({ joinTimeoutMs: -1 })).toThrow(/joinTimeoutMs must be a finite number/);
    expect(() => make({ locks: {} })).toThrow(/locks must implement the Web Locks API/);
    const transport = make({});
    expect(() => transport.adapterFor('')).toThrow(
      /^ballast-sync: adapterFor\(channel\) needs a non-empty channel name/,
    );
    expect(() => transport.adapterFor('x').readInputsFromReplicas('')).toThrow(
      /needs a non-empty client id/,
    );
    expect(() => transport.adapterFor('x').sendInputToSource({} as never)).toThrow(
      /^ballast-sync: sendInputToSource\(\) needs a SyncedInput/,
    );
  });

  it('without Web Locks it warns, and the elected role is a clear error', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const transport = new BroadcastChannelSyncTransport({
      createBroadcastChannel: () => ({}) as never,
    });
    expect(warn).toHaveBeenCalledWith(
      expect.stringMatching(/^ballast-sync: BroadcastChannelSyncTransport found no Web Locks/),
    );
    expect(() => transport.electionFor('todos')).toThrow(
      /^ballast-sync: electionFor\("todos"\): the 'elected' role needs Web Locks/,
    );
    warn.mockRestore();
  });

  it('tells Sources when their tab is hidden, so that they publish without throttled timers', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const page = globalThis as { document?: { visibilityState: string } };
    page.document = { visibilityState: 'visible' };
    const transport = new BroadcastChannelSyncTransport({
      createBroadcastChannel: () => ({}) as never,
    });
    const fires: number[] = [];
    const schedule = new PublicationSchedule(() => fires.push(performance.now()));
    const hop = () => new Promise<void>((resolve) => setImmediate(resolve));
    try {
      schedule.published();
      const until = performance.now() + 12; // a costly delivery: visible, the next one waits ~12 ms
      while (performance.now() < until);
      await hop();
      page.document.visibilityState = 'hidden';
      // Timers never fire from now on: a publication that waited for one would never happen.
      jest.useFakeTimers({ doNotFake: ['setImmediate', 'clearImmediate', 'performance'] });
      schedule.request();
      await hop();
      expect(fires).toHaveLength(1);
    } finally {
      jest.useRealTimers();
      schedule.stop();
      transport.close();
      delete page.document;
      warn.mockRestore();
    }
  });

  it('reads no browser global until it is created', async () => {
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'BroadcastChannel');
    Object.defineProperty(globalThis, 'BroadcastChannel', {
      configurable: true,
      get: () => {
        throw new Error('touched at import');
      },
    });
    try {
      await jest.isolateModulesAsync(async () => {
        const api = await import('./public-api');
        expect(typeof api.BroadcastChannelSyncTransport).toBe('function');
      });
    } finally {
      Object.defineProperty(globalThis, 'BroadcastChannel', descriptor as PropertyDescriptor);
    }
  });
});
