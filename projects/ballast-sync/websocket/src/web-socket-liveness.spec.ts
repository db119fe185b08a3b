import {
  BallastSyncInterceptor,
  BasicViewModel,
  DefaultSyncConnection,
  fifo,
  noOpLogger,
  type SyncLinkState,
  type SyncStatus,
} from 'ballast-sync/core';
import {
  WEB_SOCKET_LIVENESS_DEFAULTS,
  WebSocketSyncTransport,
  type WebSocketSyncTransportOptions,
} from 'ballast-sync/websocket';
import type { Subscription } from 'rxjs';
import {
  addHandler,
  fakeWebSockets,
  FakeSyncServer,
  type Add,
  type Count,
  type FakeWebSocket,
} from './fake-web-socket.spec-helper';

const cleanUps: (() => void)[] = [];
afterEach(() => {
  cleanUps.splice(0).forEach((cleanUp) => cleanUp());
  jest.restoreAllMocks(); // first: a spy on a fake timer function restores the fake
  jest.useRealTimers();
});

/** Fake timers (and clocks), but real microtasks (rxjs and Promises keep working). */
const fakeTimers = () => jest.useFakeTimers({ doNotFake: ['queueMicrotask', 'nextTick'] });

const LIVENESS = { pingAfterMs: 1_000, timeoutMs: 500 };

function setUp(options: Partial<WebSocketSyncTransportOptions> = {}) {
  const fakes = fakeWebSockets();
  const errors: string[] = [];
  const transport = new WebSocketSyncTransport({
    url: 'ws://sync.test/ballast-sync',
    WebSocket: fakes.WebSocket,
    onError: (error) => errors.push(error.message),
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

  it('a Replica behind a half-open link shows disconnected once found out; its Inputs reach the Source once', async () => {
    // Real timers, short intervals: the fake server stops answering without closing the socket.
    const fakes = fakeWebSockets();
    const server = new FakeSyncServer();
    const transport = new WebSocketSyncTransport({
      url: 'ws://sync.test/ballast-sync',
      WebSocket: fakes.WebSocket,
      reconnect: { initialDelayMs: 10, maxDelayMs: 20, jitter: 0 },
      liveness: { pingAfterMs: 30, timeoutMs: 60 },
      onError: () => undefined,
    });
    const connection = new DefaultSyncConnection<Add, never, Count>({
      clientType: 'replica',
      adapter: transport.adapterFor<Add, never, Count>('count'),
    });
    const statuses: SyncStatus[] = [];
    connection.observeStatus().subscribe((s) => statuses.push(s));
    const replica = new BasicViewModel<Add, never, Count>({
      name: 'count',
      initialState: { n: 0 },
      inputStrategy: fifo(),
      inputHandler: addHandler,
      interceptors: [new BallastSyncInterceptor(connection)],
      logger: noOpLogger,
    });
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

  it('the browser going online makes a waiting transport reconnect at once, with its backoff started over', () => {
    fakeTimers();
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
    expect(fakes.sockets).toHaveLength(3);
    fakes.last().drop(1006);
    jest.advanceTimersByTime(5_000); // started over: 5 s, not 20 s
    expect(fakes.sockets).toHaveLength(4);
    welcome(fakes.last(), ['ping']);
    expect(links.at(-1)).toBe('connected');
    // Connected (or connecting): 'online' opens no second socket.
    online();
    expect(fakes.sockets).toHaveLength(4);
  });

  it('the page becoming visible again makes a waiting transport reconnect at once', () => {
    fakeTimers();
    const { fakes, follow } = setUp({
      reconnect: { initialDelayMs: 5_000, maxDelayMs: 60_000, jitter: 0 },
    });
    follow();
    fakes.last().drop(1006);
    visibility('hidden');
    expect(fakes.sockets).toHaveLength(1);
    visibility('visible');
    expect(fakes.sockets).toHaveLength(2);
    visibility('visible'); // an attempt runs: no second one
    expect(fakes.sockets).toHaveLength(2);
  });

  it('online while connected pings at once, to find out soon whether the connection survived', () => {
    fakeTimers();
    const { fakes, follow, links } = setUp();
    follow();
    welcome(fakes.last(), ['ping']);
    jest.advanceTimersByTime(200);
    online();
    expect(pings(fakes.last())).toBe(1);
    online(); // one ping waits for its answer: no second one
    expect(pings(fakes.last())).toBe(1);
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
