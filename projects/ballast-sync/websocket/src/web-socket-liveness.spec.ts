import { DefaultSyncConnection, type SyncLinkState, type SyncStatus } from 'ballast-sync/core';
import {
  WEB_SOCKET_LIVENESS_DEFAULTS,
  WebSocketSyncTransport,
  type WebSocketSyncTransportOptions,
} from 'ballast-sync/websocket';
import type { Subscription } from 'rxjs';
import {
  countViewModel,
  cleanUpAfterEach,
  fakeTimers,
  fakeTransport,
  FakeSyncServer,
  type Add,
  type Count,
  type FakeWebSocket,
} from './fake-web-socket.spec-helper';
import { LivenessCheck } from './liveness-check';

const cleanUps = cleanUpAfterEach();

const LIVENESS = { pingAfterMs: 1_000, timeoutMs: 500 };

function setUp(options: Partial<WebSocketSyncTransportOptions> = {}) {
  const { fakes, errors, transport } = fakeTransport({
    reconnect: { initialDelayMs: 100, maxDelayMs: 10_000, jitter: 0 },
    liveness: LIVENESS,
    ...options,
  });
  const subscriptions: Subscription[] = [];
  const links: SyncLinkState[] = [];
  const adapter = transport.adapterFor('todos');
  /** Follows channel "todos" as Replica "a". */
  const follow = () =>
    subscriptions.push(
      adapter.readStateFromSource('a', 'replica').subscribe(),
      adapter.observeLink!('a').subscribe((link) => links.push(link)),
    );
  cleanUps.push(() => {
    subscriptions.forEach((s) => s.unsubscribe());
    transport.close();
  });
  return { transport, fakes, errors, follow, links };
}

/** Welcomes `socket` (by a server with `features`) and says Replica "a" joined. */
function welcome(socket: FakeWebSocket, features?: readonly string[]): void {
  socket.accept(features);
  socket.receive({ type: 'joined', channel: 'todos', clientId: 'a', role: 'replica' });
}

const pings = (socket: FakeWebSocket) => socket.sentOfType('ping').length;

describe('WebSocketSyncTransport liveness', () => {
  it('asks for pings in hello (unless liveness: false), and pings only a server whose welcome says it answers them', () => {
    fakeTimers();
    const asked = (options: Partial<WebSocketSyncTransportOptions>) => {
      const { fakes, follow } = setUp(options);
      follow();
      fakes.last().open();
      return fakes.last().sentOfType('hello')[0]?.['features'];
    };
    expect(asked({})).toEqual(['delta', 'ping']);
    expect(asked({ liveness: false })).toEqual(['delta']);
    expect(asked({ deltas: false })).toEqual(['ping']);

    // An older server: its welcome has no features (or not "ping"). It would call a ping a bad
    // frame, so it is never sent one, and no liveness timer runs.
    for (const features of [undefined, ['delta']]) {
      const { fakes, follow, links } = setUp();
      const timers = jest.getTimerCount();
      follow();
      welcome(fakes.last(), features);
      expect(jest.getTimerCount()).toBe(timers);
      jest.advanceTimersByTime(60_000);
      expect(pings(fakes.last())).toBe(0);
      expect(links.at(-1)).toBe('connected');
    }
  });

  it('pings after pingAfterMs without a frame; any frame counts as alive, with no timer work per frame', () => {
    fakeTimers();
    const { fakes, follow, links } = setUp();
    follow();
    const socket = fakes.last();
    welcome(socket, ['delta', 'ping']);
    expect(jest.getTimerCount()).toBe(1); // the one liveness timer of this socket

    jest.advanceTimersByTime(999);
    expect(pings(socket)).toBe(0);
    jest.advanceTimersByTime(1);
    expect(socket.sent.at(-1)).toEqual({ type: 'ping' });
    socket.receive({ type: 'pong' });
    expect(links).toEqual(['disconnected', 'connected']);

    // Traffic: a frame every 900 ms (an unknown one counts too). No ping, and receiving frames
    // neither sets nor clears a timer.
    const setTimeoutCalls = jest.spyOn(globalThis, 'setTimeout');
    const clearTimeoutCalls = jest.spyOn(globalThis, 'clearTimeout');
    for (let i = 0; i < 20; i++) {
      jest.advanceTimersByTime(900);
      for (let j = 0; j < 50; j++) socket.receive(i % 2 ? { type: 'pong' } : { type: 'news' });
    }
    expect(pings(socket)).toBe(1);
    expect(clearTimeoutCalls).not.toHaveBeenCalled();
    // The timer woke up once per pingAfterMs of time (18 s), never per frame (1000 frames).
    expect(setTimeoutCalls.mock.calls.length).toBeLessThanOrEqual(20);
    expect(jest.getTimerCount()).toBe(1);

    // Silence again: a ping 1000 ms after the last frame, answered in time, then another one.
    jest.advanceTimersByTime(1_000);
    expect(pings(socket)).toBe(2);
    jest.advanceTimersByTime(499);
    socket.receive({ type: 'pong' });
    jest.advanceTimersByTime(1_000);
    expect(pings(socket)).toBe(3);
    socket.receive({ type: 'pong' });
    expect(fakes.sockets).toHaveLength(1);
    expect(links).toEqual(['disconnected', 'connected']);
  });

  it('a ping with no answer within timeoutMs closes the socket, says disconnected, and reconnects with backoff', () => {
    fakeTimers();
    const { fakes, follow, links, errors, transport } = setUp();
    follow();
    const first = fakes.last();
    welcome(first, ['ping']);
    first.blackHoled = true; // half-open: the socket stays open, nothing gets through
    jest.advanceTimersByTime(1_000 + 499);
    expect(pings(first)).toBe(1);
    expect(links.at(-1)).toBe('connected');
    expect(first.terminated).toBe(false);

    jest.advanceTimersByTime(1);
    expect(first.terminated).toBe(true); // no closing handshake: it would never be answered
    expect(links.at(-1)).toBe('disconnected');
    expect(transport.stats().socket).toBe('waiting');
    expect(errors).toEqual([]); // a lost connection is no news: the statuses say it
    expect(jest.getTimerCount()).toBe(1); // the reconnect wait only

    jest.advanceTimersByTime(99);
    expect(fakes.sockets).toHaveLength(1);
    jest.advanceTimersByTime(1); // the first wait of the backoff (100 ms)
    expect(fakes.sockets).toHaveLength(2);
    welcome(fakes.last(), ['ping']);
    expect(fakes.last().sentOfType('join')).toHaveLength(1);
    expect(links).toEqual(['disconnected', 'connected', 'disconnected', 'connected']);
  });

  it('with reconnect: false, a dead connection stops the transport and says why', () => {
    fakeTimers();
    const { fakes, follow, errors, transport } = setUp({ reconnect: false });
    follow();
    welcome(fakes.last(), ['ping']);
    fakes.last().blackHoled = true;
    jest.advanceTimersByTime(1_500);
    expect(transport.stats().socket).toBe('stopped');
    expect(errors).toEqual([
      'ballast-sync: the connection to the sync server at ws://sync.test/ballast-sync was taken for dead: ' +
        'nothing came back within 500 ms of a ping (liveness.timeoutMs). The transport stays disconnected (reconnect: false).',
    ]);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('leaves no timer behind: on close(), on a drop, and on a server that never welcomes', () => {
    fakeTimers();
    const { fakes, follow, transport } = setUp({ connectTimeoutMs: 300 });
    follow();
    welcome(fakes.last(), ['ping']);
    jest.advanceTimersByTime(1_000); // a ping waits for its answer
    expect(jest.getTimerCount()).toBe(1);
    fakes.last().drop(1006);
    expect(jest.getTimerCount()).toBe(1); // the reconnect wait, not the liveness timer
    jest.advanceTimersByTime(100);
    fakes.last().open(); // no welcome: the connect timeout covers it, no liveness timer yet
    expect(jest.getTimerCount()).toBe(1);
    jest.advanceTimersByTime(300);
    expect(fakes.last().terminated).toBe(true);
    jest.advanceTimersByTime(200);
    welcome(fakes.last(), ['ping']);
    transport.close();
    expect(jest.getTimerCount()).toBe(0);
    expect(fakes.last().closedByClient).toEqual({ code: 1000, reason: 'client closed' });
  });

  it('refuses bad liveness options with errors that say what to do', () => {
    const make = (liveness: unknown) => () =>
      new WebSocketSyncTransport({ url: 'ws://x', liveness: liveness as never });
    expect(make(true)).toThrow(
      /^ballast-sync: WebSocketSyncTransport: liveness must be false or an object \{ pingAfterMs\?, timeoutMs\? \}; got true\.$/,
    );
    expect(make({ intervalMs: 5 })).toThrow(
      'liveness has no option "intervalMs"; its options are pingAfterMs and timeoutMs.',
    );
    expect(make({ pingAfterMs: 0 })).toThrow(
      /liveness\.pingAfterMs must be a number of ms > 0 \(at most 2147483647\); got 0\. Give liveness: false to turn the check off\./,
    );
    expect(make({ timeoutMs: Infinity })).toThrow(/liveness\.timeoutMs must be a number of ms > 0/);
    expect(make({ timeoutMs: '5' })).toThrow(/liveness\.timeoutMs must be a number/);
    expect(make({ timeoutMs: NaN })).toThrow(/got NaN/);
    expect(() => new WebSocketSyncTransport({ url: 'ws://x', liveness: false })).not.toThrow();
    expect(
      () => new WebSocketSyncTransport({ url: 'ws://x', liveness: { timeoutMs: 1 } }),
    ).not.toThrow();
    expect(WEB_SOCKET_LIVENESS_DEFAULTS).toEqual({ pingAfterMs: 15_000, timeoutMs: 10_000 });
  });

  it('a dead link is found within pingAfterMs + timeoutMs of the last frame, also when timeoutMs > pingAfterMs', () => {
    fakeTimers();
    const { fakes, follow, transport } = setUp({
      liveness: { pingAfterMs: 100, timeoutMs: 1_000 },
    });
    follow();
    const socket = fakes.last();
    socket.accept(['ping']);
    jest.advanceTimersByTime(100);
    expect(pings(socket)).toBe(1);
    jest.advanceTimersByTime(1);
    // The answer, 1 ms after the ping; then the link dies. The next ping goes out 100 ms after
    // this last frame, not when the first one's timeout would have run out (1 100 ms).
    socket.receive({ type: 'joined', channel: 'todos', clientId: 'a', role: 'replica' });
    socket.blackHoled = true;
    jest.advanceTimersByTime(100);
    expect(pings(socket)).toBe(2);
    jest.advanceTimersByTime(999);
    expect(transport.stats().socket).toBe('ready');
    jest.advanceTimersByTime(1); // 101 + 100 + 1 000 ms: found out
    expect(transport.stats().socket).toBe('waiting');
  });

  it('a slow link (a frame longer on its way than timeoutMs) converges: each time its server welcomes it again, the timeout doubles, up to 8×, and the backoff keeps growing', () => {
    fakeTimers();
    const { fakes, follow, links, errors } = setUp(); // pingAfterMs 1 000, timeoutMs 500; waits 100, 200, 400…
    follow();
    /** Welcomes a socket whose State never arrives in time: returns how long it lived. */
    const welcomedButStuck = () => {
      const socket = fakes.last();
      welcome(socket, ['ping']);
      const sockets = fakes.sockets.length;
      let lived = 0;
      while (socket.readyState === 1 && lived < 60_000) {
        jest.advanceTimersByTime(100);
        lived += 100;
      }
      expect(pings(socket)).toBe(1);
      expect(socket.terminated).toBe(true);
      expect(fakes.sockets).toHaveLength(sockets);
      return lived;
    };
    /** How long the transport waits before its next attempt. */
    const waited = () => {
      const sockets = fakes.sockets.length;
      let wait = 0;
      while (fakes.sockets.length === sockets && wait < 60_000) {
        jest.advanceTimersByTime(10);
        wait += 10;
      }
      return wait;
    };
    const lives: number[] = [];
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      lives.push(welcomedButStuck());
      waits.push(waited());
    }
    // pingAfterMs, then timeoutMs × 1, 2, 4, 8, 8.
    expect(lives).toEqual([1_500, 2_000, 3_000, 5_000, 5_000]);
    expect(waits).toEqual([100, 200, 400, 800, 1_600]); // not started over after each loss
    expect(errors).toEqual([]);

    // This time the State arrives, 3 s after the ping; then the pong that was queued behind it
    // (late: the timeout stays 4 s), then a pong within 500 ms of its ping (back to 500 ms).
    const socket = fakes.last();
    welcome(socket, ['ping']);
    jest.advanceTimersByTime(1_000);
    expect(pings(socket)).toBe(1);
    jest.advanceTimersByTime(3_000);
    socket.receive({ type: 'state', channel: 'todos', state: {} });
    socket.receive({ type: 'pong' });
    jest.advanceTimersByTime(1_000);
    expect(pings(socket)).toBe(2);
    jest.advanceTimersByTime(3_999);
    socket.receive({ type: 'pong' }); // 4 s: late, still alive
    jest.advanceTimersByTime(1_000);
    expect(pings(socket)).toBe(3);
    jest.advanceTimersByTime(499);
    socket.receive({ type: 'pong' }); // in time: the configured timeout again
    jest.advanceTimersByTime(1_000);
    expect(pings(socket)).toBe(4);
    socket.blackHoled = true; // now truly dead: found out within timeoutMs of the ping
    jest.advanceTimersByTime(499);
    expect(socket.readyState).toBe(1);
    jest.advanceTimersByTime(1);
    expect(socket.terminated).toBe(true);
    // That link had proven itself (frames long after its welcome): the backoff starts over.
    expect(waited()).toBe(100);
    expect(links.at(-1)).toBe('disconnected');
  });

  it('a hook that stops the check (a socket that closes as the ping goes out) leaves no timer behind', () => {
    fakeTimers();
    const dead = jest.fn();
    const check: LivenessCheck = new LivenessCheck({ pingAfterMs: 100, timeoutMs: 50 }, 1, {
      ping: () => check.stop(),
      dead,
      prompt: () => undefined,
    });
    jest.advanceTimersByTime(100);
    expect(jest.getTimerCount()).toBe(0);
    check.heard();
    check.probe();
    jest.advanceTimersByTime(10_000);
    expect(dead).not.toHaveBeenCalled();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('a Replica behind a half-open link shows disconnected once found out; its Inputs reach the Source once', async () => {
    // Real timers, short intervals: the fake server stops answering without closing the socket.
    const server = new FakeSyncServer();
    const { fakes, transport } = fakeTransport({
      reconnect: { initialDelayMs: 10, maxDelayMs: 20, jitter: 0 },
      liveness: { pingAfterMs: 30, timeoutMs: 60 },
    });
    const connection = new DefaultSyncConnection<Add, never, Count>({
      clientType: 'replica',
      adapter: transport.adapterFor<Add, never, Count>('count'),
    });
    const statuses: SyncStatus[] = [];
    connection.observeStatus().subscribe((s) => statuses.push(s));
    const replica = countViewModel(connection);
    try {
      server.serve(fakes.last());
      await until(() => statuses.at(-1) === 'connected', 'connected');
      replica.trySend({ type: 'Add', by: 1 });
      await until(() => server.source('count').getCurrentState().n === 1, 'the Source at 1');

      fakes.last().blackHoled = true;
      const cutAt = Date.now();
      for (let i = 0; i < 3; i++) replica.trySend({ type: 'Add', by: 10 });
      await replica.whenIdle();
      expect(replica.getCurrentState().n).toBe(31); // applied locally at once
      expect(statuses.at(-1)).toBe('connected'); // nobody knows yet
      await until(() => statuses.at(-1) === 'disconnected', 'the dead link found out');
      expect(Date.now() - cutAt).toBeLessThan(2_000);
      expect(fakes.sockets[0]?.terminated).toBe(true);

      await until(() => fakes.sockets.length === 2, 'a reconnect attempt');
      server.serve(fakes.last());
      await until(
        () => statuses.at(-1) === 'connected' && server.source('count').getCurrentState().n === 31,
        'the Source at 31',
      );
      await connection.whenSynced?.();
      expect(replica.getCurrentState().n).toBe(31);
      const seqs = server.inputs.map((i) => i.input.seq);
      expect(seqs.filter((seq) => seq > 1).sort()).toEqual([2, 3, 4]); // each once
    } finally {
      replica.clear();
      transport.close();
      server.close();
    }
  });
});

describe('WebSocketSyncTransport wake signals', () => {
  const online = () => globalThis.dispatchEvent(new Event('online'));
  const visibility = (state: 'visible' | 'hidden') => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
    document.dispatchEvent(new Event('visibilitychange'));
  };
  afterEach(() => delete (document as { visibilityState?: string }).visibilityState);

  it('listens from the first attempt on, and removes its listeners on close()', () => {
    const added = jest.spyOn(globalThis, 'addEventListener');
    const removed = jest.spyOn(globalThis, 'removeEventListener');
    const addedOnPage = jest.spyOn(document, 'addEventListener');
    const removedOnPage = jest.spyOn(document, 'removeEventListener');
    const { follow, transport } = setUp();
    expect(added).not.toHaveBeenCalled(); // created, not used
    follow();
    expect(added.mock.calls.map(([type]) => type)).toEqual(['online']);
    expect(addedOnPage.mock.calls.map(([type]) => type)).toEqual(['visibilitychange']);
    transport.close();
    expect(removed.mock.calls).toEqual(added.mock.calls);
    expect(removedOnPage.mock.calls).toEqual(addedOnPage.mock.calls);
  });

  it('the browser going online brings a waiting attempt forward to a random point of the first wait; the backoff keeps growing', () => {
    fakeTimers();
    jest.spyOn(Math, 'random').mockReturnValue(0.5);
    const { fakes, follow, links } = setUp({
      reconnect: { initialDelayMs: 5_000, maxDelayMs: 60_000, jitter: 0 },
    });
    follow();
    fakes.last().drop(1006); // never connected: waits 5 s, then 10 s, 20 s…
    jest.advanceTimersByTime(5_000);
    fakes.last().drop(1006); // waits 10 s
    jest.advanceTimersByTime(1_000);
    expect(fakes.sockets).toHaveLength(2);
    online();
    jest.advanceTimersByTime(2_499); // 0.5 × initialDelayMs: clients woken together spread out
    expect(fakes.sockets).toHaveLength(2);
    jest.advanceTimersByTime(1);
    expect(fakes.sockets).toHaveLength(3);
    fakes.last().drop(1006);
    jest.advanceTimersByTime(19_999); // kept growing: 20 s, not 5 s
    expect(fakes.sockets).toHaveLength(3);
    jest.advanceTimersByTime(1);
    expect(fakes.sockets).toHaveLength(4);
    welcome(fakes.last(), ['ping']);
    expect(links.at(-1)).toBe('connected');
    // Connected (or connecting): 'online' opens no second socket.
    online();
    jest.advanceTimersByTime(10_000);
    expect(fakes.sockets).toHaveLength(4);
  });

  it('the page becoming visible again brings a waiting attempt forward, never later than the backoff', () => {
    fakeTimers();
    const random = jest.spyOn(Math, 'random').mockReturnValue(0.2);
    const { fakes, follow } = setUp({
      reconnect: { initialDelayMs: 5_000, maxDelayMs: 60_000, jitter: 0 },
    });
    follow();
    fakes.last().drop(1006); // waits 5 s
    visibility('hidden');
    jest.advanceTimersByTime(100);
    visibility('visible'); // in 1 s (0.2 × 5 s)
    jest.advanceTimersByTime(999);
    expect(fakes.sockets).toHaveLength(1);
    jest.advanceTimersByTime(1);
    expect(fakes.sockets).toHaveLength(2);
    visibility('visible'); // an attempt runs: no second one
    jest.advanceTimersByTime(10_000);
    expect(fakes.sockets).toHaveLength(2);

    // A wake that would come later than the attempt already scheduled leaves it alone.
    fakes.last().drop(1006); // waits 10 s
    jest.advanceTimersByTime(9_000);
    random.mockReturnValue(0.9);
    visibility('visible'); // 4.5 s would be later than the 1 s left
    jest.advanceTimersByTime(1_000);
    expect(fakes.sockets).toHaveLength(3);
    jest.advanceTimersByTime(10_000);
    expect(fakes.sockets).toHaveLength(3);
  });

  it('many wake signals while waiting: at most one attempt per initialDelayMs, and the backoff keeps growing', () => {
    fakeTimers();
    jest.spyOn(Math, 'random').mockReturnValue(0); // the worst case: every wake at once
    const { fakes, follow } = setUp({
      reconnect: { initialDelayMs: 1_000, maxDelayMs: 60_000, jitter: 0 },
    });
    follow();
    fakes.last().drop(1006); // the server is down: every attempt fails at once
    const attemptsAt: number[] = [];
    for (let t = 0; t < 5_000; t += 100) {
      online();
      visibility('visible');
      jest.advanceTimersByTime(100);
      if (fakes.last().readyState === 0) {
        attemptsAt.push(t);
        fakes.last().drop(1006);
      }
    }
    // One per initialDelayMs, however many signals (the backoff alone would have tried at 1 s and
    // 3 s only).
    expect(attemptsAt).toEqual([0, 1_000, 2_000, 3_000, 4_000]);
    // The backoff was not started over: the wait after the last failure (at 4.1 s, 900 ms ago)
    // is the sixth one, 32 s.
    jest.advanceTimersByTime(31_099);
    expect(fakes.sockets).toHaveLength(6);
    jest.advanceTimersByTime(1);
    expect(fakes.sockets).toHaveLength(7);
  });

  it('a wake does nothing after the server asked clients to slow down (close 1013, 1008, 4001, or HTTP 503)', () => {
    fakeTimers();
    jest.spyOn(Math, 'random').mockReturnValue(0);
    const refusals: [string, (socket: FakeWebSocket) => void][] = [
      ['1013', (socket) => (socket.open(), socket.drop(1013, 'try again later'))],
      ['1008', (socket) => (welcome(socket, ['ping']), socket.drop(1008, 'too many bad frames'))],
      ['4001', (socket) => (socket.open(), socket.drop(4001, 'hello expected'))],
      ['503', (socket) => socket.fail('Unexpected server response: 503')],
    ];
    for (const [why, refuse] of refusals) {
      const { fakes, follow, transport } = setUp({
        reconnect: { initialDelayMs: 1_000, maxDelayMs: 60_000, jitter: 0 },
      });
      follow();
      refuse(fakes.last()); // waits 1 s
      jest.advanceTimersByTime(1_000);
      refuse(fakes.last()); // waits 2 s
      // The user switches tabs every 100 ms: the server's wait is kept all the same.
      for (let t = 0; t < 1_900; t += 100) {
        visibility('hidden');
        visibility('visible');
        online();
        jest.advanceTimersByTime(100);
      }
      expect([why, fakes.sockets.length]).toEqual([why, 2]);
      jest.advanceTimersByTime(100);
      expect([why, fakes.sockets.length]).toEqual([why, 3]);
      transport.close();
    }
  });

  it('online while connected pings at once (at most once a second), to find out soon whether the connection survived', () => {
    fakeTimers();
    const { fakes, follow, links } = setUp();
    follow();
    welcome(fakes.last(), ['ping']);
    jest.advanceTimersByTime(200);
    online();
    expect(pings(fakes.last())).toBe(1);
    online(); // one ping waits for its answer: no second one
    expect(pings(fakes.last())).toBe(1);
    fakes.last().receive({ type: 'pong' });
    // A server answers about one ping a second: a probe less than 1 s after a ping would risk
    // going unanswered (and a healthy link taken for dead).
    jest.advanceTimersByTime(900);
    online();
    visibility('visible');
    expect(pings(fakes.last())).toBe(1);
    jest.advanceTimersByTime(100);
    online();
    expect(pings(fakes.last())).toBe(2);
    fakes.last().blackHoled = true;
    jest.advanceTimersByTime(500); // timeoutMs after the probe, not pingAfterMs + timeoutMs
    expect(links.at(-1)).toBe('disconnected');

    // Against an older server (no "ping" in its welcome) it sends nothing.
    jest.advanceTimersByTime(100);
    welcome(fakes.last());
    online();
    expect(pings(fakes.last())).toBe(0);
  });

  it('after close() the signals do nothing', () => {
    fakeTimers();
    const { fakes, follow, transport } = setUp();
    follow();
    fakes.last().drop(1006);
    transport.close();
    online();
    visibility('visible');
    expect(fakes.sockets).toHaveLength(1);
    expect(jest.getTimerCount()).toBe(0);
  });
});

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!condition()) throw new Error(`timed out waiting for ${what}`);
}
