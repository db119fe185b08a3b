import type { SyncLinkState } from 'ballast-sync/core';
import type { WebSocketSyncTransportOptions } from 'ballast-sync/websocket';
import type { Subscription } from 'rxjs';
import { cleanUpAfterEach, fakeTimers, fakeTransport } from './fake-web-socket.spec-helper';
import { ReconnectBackoff } from './reconnect-backoff';

const cleanUps = cleanUpAfterEach();

function setUp(options: Partial<WebSocketSyncTransportOptions> = {}) {
  const { fakes, errors, transport } = fakeTransport({
    reconnect: { initialDelayMs: 100, maxDelayMs: 1_000, jitter: 0 },
    ...options,
  });
  const subscriptions: Subscription[] = [];
  const links = new Map<string, SyncLinkState[]>();
  const follow = (channel: string, clientId: string, role: 'replica' | 'spectator') => {
    const adapter = transport.adapterFor(channel);
    const seen: SyncLinkState[] = [];
    links.set(clientId, seen);
    subscriptions.push(
      adapter.readStateFromSource(clientId, role).subscribe(),
      adapter.observeLink!(clientId).subscribe((link) => seen.push(link)),
    );
  };
  cleanUps.push(() => {
    subscriptions.forEach((s) => s.unsubscribe());
    transport.close();
  });
  return { transport, fakes, errors, follow, links };
}

describe('ReconnectBackoff', () => {
  it('doubles from initialDelayMs up to maxDelayMs, each wait shortened by at most jitter', () => {
    const options = { initialDelayMs: 100, maxDelayMs: 1_000, jitter: 0.5 };
    const bases = [100, 200, 400, 800, 1_000, 1_000];
    const longest = new ReconnectBackoff(options, () => 0);
    expect(bases.map(() => longest.next())).toEqual(bases);
    const shortest = new ReconnectBackoff(options, () => 0.999_999);
    expect(bases.map(() => shortest.next())).toEqual(bases.map((b) => b / 2));
    const random = new ReconnectBackoff(options);
    for (let round = 0; round < 200; round++) {
      const base = bases[Math.min(round, bases.length - 1)] as number;
      const wait = random.next();
      expect(wait).toBeGreaterThanOrEqual(base / 2);
      expect(wait).toBeLessThanOrEqual(base);
    }
    random.reset();
    expect(random.next()).toBeLessThanOrEqual(100);
  });
});

describe('WebSocketSyncTransport reconnects', () => {
  it('with backoff while it cannot connect, reporting the outage once, and joins everything again', () => {
    fakeTimers();
    let tokens = 0;
    const { fakes, follow, links, errors } = setUp({ token: () => `t${++tokens}` });
    follow('todos', 'a', 'replica');
    follow('todos', 'b', 'spectator');
    follow('counter', 'c', 'replica');
    const first = fakes.last();
    first.accept();
    for (const [channel, clientId] of [
      ['todos', 'a'],
      ['todos', 'b'],
      ['counter', 'c'],
    ])
      first.receive({ type: 'joined', channel, clientId });
    expect(links.get('a')).toEqual(['disconnected', 'connected']);

    first.drop(1006);
    expect([...links.values()].map((seen) => seen.at(-1))).toEqual([
      'disconnected',
      'disconnected',
      'disconnected',
    ]);
    expect(errors).toEqual([]); // a drop is no news: the statuses say it
    // Attempts that fail before a welcome wait 100, 200, 400, 800, 1000, 1000 ms.
    const waits: number[] = [];
    for (let attempt = 0; attempt < 6; attempt++) {
      const before = fakes.sockets.length;
      let waited = 0;
      while (fakes.sockets.length === before) {
        jest.advanceTimersByTime(10);
        waited += 10;
      }
      waits.push(waited);
      fakes.last().drop(1006);
    }
    expect(waits).toEqual([100, 200, 400, 800, 1_000, 1_000]);
    expect(errors).toEqual([
      'ballast-sync: could not connect to the sync server at ws://sync.test/ballast-sync (close code 1006). ' +
        'It retries in 200 ms, then with backoff.',
    ]);
    // The token is read again for every attempt.
    expect(fakes.sockets.map((s) => s.token)).toEqual(['t1', 't2', 't3', 't4', 't5', 't6', 't7']);

    jest.advanceTimersByTime(1_000);
    const back = fakes.last();
    back.accept();
    expect(back.sentOfType('join')).toEqual([
      { type: 'join', channel: 'todos', clientId: 'a', role: 'replica' },
      { type: 'join', channel: 'todos', clientId: 'b', role: 'spectator' },
      { type: 'join', channel: 'counter', clientId: 'c', role: 'replica' },
    ]);
    back.receive({ type: 'joined', channel: 'todos', clientId: 'a' });
    expect(links.get('a')).toEqual(['disconnected', 'connected', 'disconnected', 'connected']);
    expect(links.get('b')?.at(-1)).toBe('disconnected'); // until its own joined

    // A connection that was up starts over at the first wait.
    back.drop(1001, 'server restart');
    jest.advanceTimersByTime(99);
    expect(fakes.sockets).toHaveLength(8);
    jest.advanceTimersByTime(1);
    expect(fakes.sockets).toHaveLength(9);
  });

  it('re-reads an async token; a refused token (HTTP 401) is retried with backoff and reported once', async () => {
    fakeTimers();
    const tokens = ['expired', 'expired', 'fresh'];
    const { fakes, follow, errors } = setUp({ token: async () => tokens.shift() });
    follow('todos', 'a', 'replica');
    await Promise.resolve();
    expect(fakes.last().token).toBe('expired');
    fakes.last().fail('Unexpected server response: 401');
    await jest.advanceTimersByTimeAsync(100);
    expect(fakes.last().token).toBe('expired');
    fakes.last().fail('Unexpected server response: 401');
    await jest.advanceTimersByTimeAsync(200);
    expect(fakes.sockets.map((s) => s.token)).toEqual(['expired', 'expired', 'fresh']);
    expect(errors).toEqual([
      'ballast-sync: the sync server at ws://sync.test/ballast-sync refused the token (HTTP 401): give a valid token (options.token). ' +
        'It retries in 100 ms, then with backoff, reading the token again.',
    ]);
    fakes.last().accept();
    expect(fakes.last().sentOfType('join')).toHaveLength(1);
  });

  it('a token function that throws, or never settles, counts as a failed attempt', async () => {
    fakeTimers();
    let calls = 0;
    const { fakes, follow, errors } = setUp({
      connectTimeoutMs: 500,
      token: () => {
        calls++;
        if (calls === 1) throw new Error('no session');
        if (calls === 2) return new Promise<string>(() => undefined);
        return 'ok';
      },
    });
    follow('todos', 'a', 'replica');
    expect(fakes.sockets).toHaveLength(0);
    expect(errors).toEqual([
      'ballast-sync: could not connect to the sync server at ws://sync.test/ballast-sync: the token function failed (no session); ' +
        'it is called again on the next attempt. It retries in 100 ms, then with backoff.',
    ]);
    await jest.advanceTimersByTimeAsync(100); // attempt 2: the token never comes
    expect(calls).toBe(2);
    await jest.advanceTimersByTimeAsync(500 + 200); // timed out, then waited
    expect(calls).toBe(3);
    expect(fakes.last().token).toBe('ok');
  });

  it('stops on a protocol mismatch (close 4000, or a welcome of another version) instead of hammering', () => {
    fakeTimers();
    const { fakes, follow, errors, transport } = setUp();
    follow('todos', 'a', 'replica');
    fakes.last().open();
    fakes.last().drop(4000, 'this server speaks protocol 2');
    jest.advanceTimersByTime(60_000);
    expect(fakes.sockets).toHaveLength(1);
    expect(transport.stats().socket).toBe('stopped');
    expect(errors).toEqual([
      'ballast-sync: the sync server at ws://sync.test/ballast-sync speaks another protocol (this server speaks protocol 2); ' +
        'this client speaks protocol 1. Run the same ballast-sync version on both sides. The transport stopped; create a new one once that is fixed.',
    ]);

    const other = setUp();
    other.follow('todos', 'a', 'replica');
    other.fakes.last().open();
    other.fakes.last().receive({ type: 'welcome', protocol: 2 });
    jest.advanceTimersByTime(60_000);
    expect(other.fakes.sockets).toHaveLength(1);
    expect(other.fakes.last().closedByClient).toEqual({ code: 1000, reason: 'stopped' });
    expect(other.errors[0]).toMatch(
      /speaks protocol 2, this client speaks 1: run the same ballast-sync version/,
    );
  });

  it('times out a server that never welcomes, and grows the wait after closes that mean "slow down"', () => {
    fakeTimers();
    const { fakes, follow, errors } = setUp({ connectTimeoutMs: 300 });
    follow('todos', 'a', 'replica');
    fakes.last().open(); // hello sent, no welcome
    jest.advanceTimersByTime(300);
    // Dropped without a closing handshake: a server that does not answer would not answer that.
    expect(fakes.last().terminated).toBe(true);
    expect(errors).toEqual([
      'ballast-sync: the sync server at ws://sync.test/ballast-sync did not welcome this client in time. It retries in 100 ms, then with backoff.',
    ]);
    jest.advanceTimersByTime(100);
    fakes.last().accept();
    fakes.last().drop(1009, 'frame too large'); // a welcomed connection, but the client's fault
    jest.advanceTimersByTime(199);
    expect(fakes.sockets).toHaveLength(2);
    jest.advanceTimersByTime(1);
    expect(fakes.sockets).toHaveLength(3);
    expect(errors[1]).toBe(
      'ballast-sync: the sync server at ws://sync.test/ballast-sync closed the socket: a frame was too large (close code 1009: frame too large). It retries in 200 ms, then with backoff.',
    );
  });

  it('with reconnect: false, stays disconnected after the first socket closed', () => {
    fakeTimers();
    const { fakes, follow, errors, transport, links } = setUp({ reconnect: false });
    follow('todos', 'a', 'replica');
    fakes.last().accept();
    fakes.last().receive({ type: 'joined', channel: 'todos', clientId: 'a' });
    fakes.last().drop(1001);
    jest.advanceTimersByTime(60_000);
    expect(fakes.sockets).toHaveLength(1);
    expect(transport.stats().socket).toBe('stopped');
    expect(links.get('a')).toEqual(['disconnected', 'connected', 'disconnected']);
    expect(errors).toEqual([
      'ballast-sync: the connection to the sync server at ws://sync.test/ballast-sync was lost (close code 1001). The transport stays disconnected (reconnect: false).',
    ]);
  });

  it('close() while waiting to reconnect stops for good', () => {
    fakeTimers();
    const { fakes, follow, transport } = setUp();
    follow('todos', 'a', 'replica');
    fakes.last().drop(1006);
    transport.close();
    jest.advanceTimersByTime(60_000);
    expect(fakes.sockets).toHaveLength(1);
    expect(jest.getTimerCount()).toBe(0);
  });
});
