import type { SyncedInput, SyncedState, SyncLinkState } from 'ballast-sync/core';
import { WebSocketSyncTransport, type WebSocketSyncTransportOptions } from 'ballast-sync/websocket';
import { firstValueFrom, type Subscription } from 'rxjs';
import { WebSocket as NodeWebSocket } from 'ws';
import { cleanUpAfterEach, fakeTransport, type FakeWebSocket } from './fake-web-socket.spec-helper';

const microtasks = () => new Promise((resolve) => setTimeout(resolve, 0));

const state = (version: number, n: number): SyncedState<{ n: number }> => ({
  protocol: 1,
  sourceId: 'server-source',
  incarnation: 'src-1',
  version,
  state: { n },
  acks: {},
});

const input = (clientId: string, seq: number): SyncedInput<{ type: 'Add' }> => ({
  protocol: 1,
  id: `inc-${clientId}:${seq}`,
  clientId,
  incarnation: `inc-${clientId}`,
  seq,
  firstUnacknowledged: 1,
  to: 'src-1',
  seen: 1,
  input: { type: 'Add' },
});

const cleanUps = cleanUpAfterEach();

function setUp(options: Partial<WebSocketSyncTransportOptions> = {}) {
  const { fakes, errors, transport } = fakeTransport(options);
  const subscriptions: Subscription[] = [];
  /** A participant: its States and its link, recorded. */
  const follow = (channel: string, clientId: string, role: 'replica' | 'spectator') => {
    const adapter = transport.adapterFor<{ type: 'Add' }, never, { n: number }>(channel);
    const states: number[] = [];
    const links: SyncLinkState[] = [];
    const failures: string[] = [];
    const reading = adapter.readStateFromSource(clientId, role).subscribe({
      next: (s) => states.push(s.state.n),
      error: (e: Error) => failures.push(e.message),
    });
    const watching = adapter.observeLink?.(clientId).subscribe((link) => links.push(link));
    subscriptions.push(reading, ...(watching ? [watching] : []));
    return { adapter, states, links, failures, reading, watching };
  };
  cleanUps.push(() => {
    subscriptions.forEach((s) => s.unsubscribe());
    transport.close();
  });
  return { transport, fakes, errors, follow };
}

const joins = (socket: FakeWebSocket) =>
  socket.sentOfType('join').map((f) => `${f['channel']}/${f['clientId']}/${f['role']}`);

describe('WebSocketSyncTransport', () => {
  it('opens one socket on first use, says hello, and joins only once welcomed', async () => {
    const { fakes, follow, transport } = setUp();
    expect(fakes.sockets).toHaveLength(0); // created, not connected
    const a = follow('todos', 'a', 'replica');
    follow('counter', 'b', 'spectator');
    expect(fakes.sockets).toHaveLength(1);
    const socket = fakes.last();
    expect(socket.url).toBe('ws://sync.test/ballast-sync');
    socket.open();
    expect(socket.sent).toEqual([
      { type: 'hello', protocol: 1, codecs: ['json'], features: ['delta', 'ping'] },
    ]);
    expect(a.links).toEqual(['disconnected']);

    socket.welcome();
    expect(joins(socket)).toEqual(['todos/a/replica', 'counter/b/spectator']);
    expect(a.links).toEqual(['disconnected']); // not joined yet
    socket.receive({ type: 'joined', channel: 'todos', clientId: 'a', role: 'replica' });
    expect(a.links).toEqual(['disconnected', 'connected']);
    expect(transport.stats()).toEqual({
      socket: 'ready',
      channels: {
        todos: { participants: 1, joined: 1, linkObservers: 1, version: undefined },
        counter: { participants: 1, joined: 0, linkObservers: 1, version: undefined },
      },
    });
    // A participant that comes later joins at once, on the same socket.
    follow('todos', 'c', 'spectator');
    expect(joins(socket)).toContain('todos/c/spectator');
    expect(fakes.sockets).toHaveLength(1);
  });

  it('ignores (and reports once) frames that come before the welcome', async () => {
    const { fakes, follow, errors } = setUp();
    const a = follow('todos', 'a', 'replica');
    const socket = fakes.last();
    socket.open();
    socket.receive({ type: 'state', channel: 'todos', state: state(1, 5) });
    socket.receive({ type: 'state', channel: 'todos', state: state(2, 6) });
    socket.receive({ type: 'joined', channel: 'todos', clientId: 'a' });
    await microtasks();
    expect(a.states).toEqual([]);
    expect(a.links).toEqual(['disconnected']);
    expect(joins(socket)).toEqual([]);
    expect(errors).toEqual([
      'ballast-sync: the sync server at ws://sync.test/ballast-sync sent a "state" frame before its welcome; it was ignored.',
      'ballast-sync: the sync server at ws://sync.test/ballast-sync sent a "joined" frame before its welcome; it was ignored.',
    ]);
  });

  it('fans one State frame out to every local participant of the channel, and only that channel', async () => {
    const { fakes, follow } = setUp();
    const a = follow('todos', 'a', 'replica');
    const b = follow('todos', 'b', 'spectator');
    const other = follow('counter', 'c', 'replica');
    fakes.last().accept();
    fakes.last().receive({ type: 'state', channel: 'todos', state: state(1, 7) });
    expect([a.states, b.states, other.states]).toEqual([[7], [7], []]);

    // A later participant starts from the latest State without waiting for a frame.
    const late = follow('todos', 'd', 'spectator');
    expect(late.states).toEqual([]);
    await microtasks();
    expect(late.states).toEqual([7]);
    fakes.last().receive({ type: 'state', channel: 'todos', state: state(2, 8) });
    expect([a.states, b.states, late.states]).toEqual([
      [7, 8],
      [7, 8],
      [7, 8],
    ]);
    // The same State again (the server answers each join with it) reaches nobody twice.
    fakes.last().receive({ type: 'state', channel: 'todos', state: state(2, 8) });
    expect([a.states, b.states, late.states].map((s) => s.length)).toEqual([2, 2, 2]);
  });

  it('sends Inputs only on a welcomed socket for a joined Replica, and leaves on unsubscribe', () => {
    const { fakes, follow, transport } = setUp();
    const a = follow('todos', 'a', 'replica');
    void a.adapter.sendInputToSource(input('a', 1)); // no socket yet: dropped
    const socket = fakes.last();
    socket.accept();
    void a.adapter.sendInputToSource(input('a', 1)); // join not answered yet: dropped
    socket.receive({ type: 'joined', channel: 'todos', clientId: 'a', role: 'replica' });
    void a.adapter.sendInputToSource(input('a', 2));
    void a.adapter.sendInputToSource(input('stranger', 1)); // not a participant here: dropped
    expect(socket.sentOfType('input')).toEqual([
      { type: 'input', channel: 'todos', input: input('a', 2) },
    ]);
    expect(() => a.adapter.sendInputToSource({ nope: true } as never)).toThrow(
      'ballast-sync: sendInputToSource() needs a SyncedInput.',
    );

    a.reading.unsubscribe();
    expect(socket.sentOfType('leave')).toEqual([
      { type: 'leave', channel: 'todos', clientId: 'a' },
    ]);
    a.watching?.unsubscribe();
    expect(transport.stats().channels).toEqual({});
  });

  it('cannot host a Source: readInputsFromReplicas fails with what to do', async () => {
    const { transport } = setUp();
    const adapter = transport.adapterFor('todos');
    await expect(firstValueFrom(adapter.readInputsFromReplicas('s'))).rejects.toThrow(
      /^ballast-sync: channel "todos": the WebSocket transport cannot host a Source.*role 'replica' or 'spectator'\.$/,
    );
    expect(() => adapter.sendSynchronizedStateToReplicas(state(1, 1))).toThrow(
      /cannot host a Source/,
    );
    expect(() => transport.adapterFor('')).toThrow(/^ballast-sync: adapterFor\(channel\) needs/);
  });

  it('a refused join fails that participant’s State stream; other refusals are reported once per connection', () => {
    const { fakes, follow, errors } = setUp();
    const a = follow('secret', 'a', 'replica');
    const b = follow('todos', 'b', 'replica');
    const socket = fakes.last();
    socket.accept();
    socket.receive({
      type: 'error',
      code: 'forbidden',
      message: 'no access',
      channel: 'secret',
      clientId: 'a',
    });
    expect(a.failures).toEqual([
      'ballast-sync: the sync server refused replica "a" on channel "secret" (forbidden: no access). ' +
        'Check that the token allows this channel and role; the ViewModel asks again with backoff.',
    ]);
    expect(a.links).toEqual(['disconnected']);
    for (let i = 0; i < 3; i++)
      socket.receive({
        type: 'error',
        code: 'rate-limited',
        message: 'slow down',
        channel: 'todos',
        clientId: 'b',
        seq: i + 1,
      });
    expect(b.failures).toEqual([]);
    expect(errors).toEqual([
      'ballast-sync: the sync server refused a frame on channel "todos" (rate-limited: slow down). ' +
        'Refused Inputs are acknowledged without being applied: send fewer (e.g. bufferInputs with debounceTime).',
    ]);
    socket.receive('not json');
    socket.receive({ type: 'surprise' });
    expect(errors.slice(1)).toEqual([
      'ballast-sync: the sync server at ws://sync.test/ballast-sync sent a frame that is not JSON; it was ignored. Run the same ballast-sync version on the client and ballast-sync-server.',
      'ballast-sync: the sync server at ws://sync.test/ballast-sync sent a frame of unknown type "surprise"; it was ignored. Run the same ballast-sync version on the client and ballast-sync-server.',
    ]);
  });

  it('close() closes the socket, tells every link observer, and cannot be used afterwards', () => {
    const { fakes, follow, transport } = setUp();
    const a = follow('todos', 'a', 'replica');
    const socket = fakes.last();
    socket.accept();
    socket.receive({ type: 'joined', channel: 'todos', clientId: 'a', role: 'replica' });
    transport.close();
    expect(socket.closedByClient).toEqual({ code: 1000, reason: 'client closed' });
    expect(a.links).toEqual(['disconnected', 'connected', 'disconnected']);
    expect(transport.stats()).toEqual({ socket: 'closed', channels: {} });
    expect(() => transport.adapterFor('todos')).toThrow(
      /^ballast-sync: this WebSocketSyncTransport was closed/,
    );
    const failures: string[] = [];
    a.adapter
      .readStateFromSource('z', 'replica')
      .subscribe({ error: (e: Error) => failures.push(e.message) });
    expect(failures).toHaveLength(1);
    expect(fakes.sockets).toHaveLength(1);
  });
});

describe('WebSocketSyncTransport options', () => {
  const make = (options: unknown) => () => new WebSocketSyncTransport(options as never);

  it('refuses bad options with errors that say what to do', () => {
    expect(make(undefined)).toThrow(
      /^ballast-sync: WebSocketSyncTransport: options must be an object/,
    );
    expect(make({})).toThrow(
      /^ballast-sync: WebSocketSyncTransport: url must be the sync server's address/,
    );
    expect(make({ url: 'ftp://x' })).toThrow(
      /must start with ws:\/\/, wss:\/\/, http:\/\/ or https:\/\//,
    );
    expect(make({ url: 'example.com' })).toThrow(/is not an absolute URL/);
    expect(make({ url: 'ws://x', token: 42 })).toThrow(/token must be a string or a function/);
    expect(make({ url: 'ws://x', WebSocket: {} })).toThrow(
      /WebSocket must be a WebSocket constructor, e\.g\. WebSocket from the 'ws' package/,
    );
    expect(make({ url: 'ws://x', reconnect: true })).toThrow(
      /reconnect must be false or an object/,
    );
    expect(make({ url: 'ws://x', reconnect: { initialDelayMs: 0 } })).toThrow(
      /initialDelayMs must be a finite number of ms > 0/,
    );
    expect(make({ url: 'ws://x', reconnect: { initialDelayMs: 100, maxDelayMs: 50 } })).toThrow(
      /maxDelayMs must be a finite number of ms >= initialDelayMs \(100\)/,
    );
    expect(make({ url: 'ws://x', reconnect: { jitter: 2 } })).toThrow(
      /jitter must be a number from 0 to 1/,
    );
    expect(make({ url: 'ws://x', connectTimeoutMs: -1 })).toThrow(
      /connectTimeoutMs must be a number of ms > 0/,
    );
    expect(make({ url: 'ws://x', onError: 'log' })).toThrow(/onError must be a function/);
  });

  it('accepts the DOM WebSocket and the ws package’s WebSocket as constructors (type-level)', () => {
    const browser: WebSocketSyncTransportOptions = {
      url: 'wss://x',
      WebSocket: globalThis.WebSocket,
    };
    const node: WebSocketSyncTransportOptions = { url: 'ws://x', WebSocket: NodeWebSocket };
    expect([browser.url, node.url]).toEqual(['wss://x', 'ws://x']);
  });

  it('reads no WebSocket global before the first socket opens, and says what to do when there is none', () => {
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'WebSocket');
    let reads = 0;
    Object.defineProperty(globalThis, 'WebSocket', {
      configurable: true,
      get: () => (reads++, undefined),
    });
    try {
      const errors: string[] = [];
      const transport = new WebSocketSyncTransport({
        url: 'ws://x',
        onError: (e) => errors.push(e.message),
      });
      const adapter = transport.adapterFor('todos');
      expect(reads).toBe(0);
      const subscription = adapter.readStateFromSource('a', 'replica').subscribe();
      expect(reads).toBe(1);
      expect(errors).toEqual([
        "ballast-sync: WebSocketSyncTransport found no WebSocket (Node 20 has none): pass the WebSocket class of the 'ws' package as { WebSocket }.",
      ]);
      expect(transport.stats().socket).toBe('stopped');
      subscription.unsubscribe();
      transport.close();
    } finally {
      if (descriptor) Object.defineProperty(globalThis, 'WebSocket', descriptor);
      else delete (globalThis as { WebSocket?: unknown }).WebSocket;
    }
  });

  it('resolves a path against the page, turns http(s) into ws(s), and adds the token', () => {
    const { fakes, follow } = setUp({ url: '/sync?app=1', token: 'a b&c' });
    follow('todos', 'a', 'replica');
    expect(fakes.last().url).toBe('ws://localhost/sync?app=1&token=a+b%26c'); // jsdom's page
    expect(fakes.last().token).toBe('a b&c');
  });
});
