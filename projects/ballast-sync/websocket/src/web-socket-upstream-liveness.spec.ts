import type { SyncedInput, SyncedState, SyncLinkState } from 'ballast-sync/core';
import type { WebSocketSyncTransportOptions } from 'ballast-sync/websocket';
import type { Subscription } from 'rxjs';
import {
  cleanUpAfterEach,
  fakeTimers,
  fakeTransport,
  type FakeWebSocket,
} from './fake-web-socket.spec-helper';
import { UnansweredRequests } from './unanswered-requests';

// A link can die one way only: the client's frames are lost while the server's still arrive (it
// keeps publishing States because other clients send Inputs). Frames arriving prove only the way
// down; the server's answers (a pong, an acknowledgement) prove the way up.

const cleanUps = cleanUpAfterEach();

const LIVENESS = { pingAfterMs: 1_000, timeoutMs: 500 };

const input = (seq: number, incarnation = 'inc-a'): SyncedInput<{ type: 'Add' }> => ({
  protocol: 1,
  id: `${incarnation}:${seq}`,
  clientId: 'a',
  incarnation,
  seq,
  firstUnacknowledged: 1,
  to: 'src-1',
  seen: 1,
  input: { type: 'Add' },
});

function setUp(options: Partial<WebSocketSyncTransportOptions> = {}) {
  const { fakes, transport } = fakeTransport({
    onError: () => undefined,
    reconnect: { initialDelayMs: 100, maxDelayMs: 10_000, jitter: 0 },
    liveness: LIVENESS,
    ...options,
  });
  const adapter = transport.adapterFor<{ type: 'Add' }, never, { n: number }>('todos');
  const links: SyncLinkState[] = [];
  const subscriptions: Subscription[] = [
    adapter.readStateFromSource('a', 'replica').subscribe(),
    adapter.observeLink!('a').subscribe((link) => links.push(link)),
  ];
  cleanUps.push(() => {
    subscriptions.forEach((s) => s.unsubscribe());
    transport.close();
  });
  /** The server publishes a State (version `n`) acknowledging `acks` (other Replicas' by default). */
  let version = 0;
  const publish = (socket: FakeWebSocket, acks: Record<string, number> = { 'inc-b': 1 }) => {
    const state: SyncedState<{ n: number }> = {
      protocol: 1,
      sourceId: 'server-source',
      incarnation: 'src-1',
      version: ++version,
      state: { n: version },
      acks,
    };
    socket.receive({ type: 'state', channel: 'todos', state });
  };
  const send = (seq: number) => void adapter.sendInputToSource(input(seq));
  return { transport, fakes, links, publish, send };
}

/** Welcomes `socket` (a server that answers pings) and says Replica "a" joined. */
function welcome(socket: FakeWebSocket, features: readonly string[] = ['ping']): void {
  socket.accept(features);
  socket.receive({ type: 'joined', channel: 'todos', clientId: 'a', role: 'replica' });
}

const pings = (socket: FakeWebSocket) => socket.sentOfType('ping').length;

/** Advances the clock by `ms` in steps of `stepMs`, calling `each()` after every step. */
function every(stepMs: number, ms: number, each: (elapsed: number) => void): void {
  for (let elapsed = stepMs; elapsed <= ms; elapsed += stepMs) {
    jest.advanceTimersByTime(stepMs);
    each(elapsed);
  }
}

describe('WebSocketSyncTransport liveness, the way up', () => {
  it('a link dead on the way up only is found within pingAfterMs + timeoutMs of the first Input it swallowed, although States keep arriving', () => {
    fakeTimers();
    const { fakes, links, publish, send, transport } = setUp();
    const socket = fakes.last();
    welcome(socket);
    every(100, 300, () => publish(socket)); // other clients' Inputs: a busy way down
    // From now on the client's frames are lost: the server never sees this Input, and keeps
    // publishing (100 ms apart) States that acknowledge the others only.
    send(1);
    every(100, 900, () => publish(socket));
    expect(pings(socket)).toBe(0);
    every(100, 100, () => publish(socket));
    expect(pings(socket)).toBe(1); // 1 000 ms after the Input, though frames keep coming
    every(100, 400, () => publish(socket));
    expect(socket.readyState).toBe(1); // frames arrive, but no pong: only an answer would do
    every(100, 100, () => publish(socket));
    expect(socket.terminated).toBe(true); // 1 000 + 500 ms after the Input
    expect(links).toEqual(['disconnected', 'connected', 'disconnected']);
    expect(transport.stats().socket).toBe('waiting');

    // The next socket (its server welcomed it: reachable) waits twice as long for its pong, as
    // after any link taken for dead; the backoff was not started over (that link never proved
    // its way up), so another such loss waits 200 ms.
    jest.advanceTimersByTime(100);
    expect(fakes.sockets).toHaveLength(2);
    const next = fakes.last();
    welcome(next);
    send(1); // the core re-sends what is unacknowledged
    every(100, 1_000, () => publish(next));
    expect(pings(next)).toBe(1);
    every(100, 900, () => publish(next));
    expect(next.readyState).toBe(1);
    every(100, 100, () => publish(next));
    expect(next.terminated).toBe(true);
    jest.advanceTimersByTime(199);
    expect(fakes.sockets).toHaveLength(2);
    jest.advanceTimersByTime(1);
    expect(fakes.sockets).toHaveLength(3);
  });

  it('a pong proves the way up: an Input the Source is slow to acknowledge costs one ping, and no reconnect', () => {
    fakeTimers();
    const { fakes, links, publish, send } = setUp();
    const socket = fakes.last();
    welcome(socket);
    send(1);
    every(100, 1_000, () => publish(socket));
    expect(pings(socket)).toBe(1);
    every(100, 200, () => publish(socket));
    socket.receive({ type: 'pong' }); // the server got the Input, sent before the ping
    every(100, 5_000, () => publish(socket)); // not acknowledged yet, but it arrived: no ping
    expect(pings(socket)).toBe(1);

    // An Input sent after a ping is not proven by its pong: it counts from the pong on.
    send(2);
    every(100, 1_000, () => publish(socket));
    expect(pings(socket)).toBe(2);
    send(3);
    every(100, 200, () => publish(socket));
    socket.receive({ type: 'pong' });
    every(100, 900, () => publish(socket));
    expect(pings(socket)).toBe(2);
    every(100, 100, () => publish(socket));
    expect(pings(socket)).toBe(3); // 1 000 ms after the pong that did not prove Input 3
    publish(socket, { 'inc-a': 3 }); // acknowledged: answers the ping, and nothing is owed
    every(100, 5_000, () => publish(socket));
    expect(pings(socket)).toBe(3);
    expect(fakes.sockets).toHaveLength(1);
    expect(links).toEqual(['disconnected', 'connected']);
  });

  it('a busy, healthy link whose Inputs are acknowledged is not pinged, and sets no timer per frame', () => {
    fakeTimers();
    const { fakes, publish, send } = setUp();
    const socket = fakes.last();
    welcome(socket);
    const setTimeoutCalls = jest.spyOn(globalThis, 'setTimeout');
    const clearTimeoutCalls = jest.spyOn(globalThis, 'clearTimeout');
    // An Input every 100 ms, each acknowledged 150–200 ms later (so one is always on its way),
    // in States that come every 50 ms: 20 s of it.
    let seq = 0;
    every(50, 20_000, (elapsed) => {
      if (elapsed % 100 === 0) send(++seq);
      publish(socket, seq > 3 ? { 'inc-a': seq - 2, 'inc-b': elapsed } : { 'inc-b': elapsed });
    });
    expect(seq).toBe(200);
    expect(pings(socket)).toBe(0);
    expect(fakes.sockets).toHaveLength(1);
    expect(clearTimeoutCalls).not.toHaveBeenCalled();
    // The one timer woke up about once per pingAfterMs (20 s), never per frame (400) or Input.
    expect(setTimeoutCalls.mock.calls.length).toBeLessThanOrEqual(25);
    expect(jest.getTimerCount()).toBe(1);
  });

  it('a quiet link is pinged after pingAfterMs of silence, as before: any answer in time keeps it', () => {
    fakeTimers();
    const { fakes, links, publish, send } = setUp();
    const socket = fakes.last();
    welcome(socket);
    send(1);
    jest.advanceTimersByTime(50);
    publish(socket, { 'inc-a': 1 }); // answered at once: nothing owed
    jest.advanceTimersByTime(999);
    expect(pings(socket)).toBe(0);
    jest.advanceTimersByTime(1);
    expect(pings(socket)).toBe(1); // 1 000 ms after the last frame
    jest.advanceTimersByTime(300);
    publish(socket); // nothing owed: any frame answers the ping
    jest.advanceTimersByTime(999);
    expect(pings(socket)).toBe(1);
    jest.advanceTimersByTime(1);
    expect(pings(socket)).toBe(2);
    // Then 10 s of silence but for the pongs, 200 ms after each ping: one ping per 1 200 ms.
    let answered = 1;
    let pongAt: number | undefined;
    every(100, 10_000, (elapsed) => {
      if (pings(socket) > answered) pongAt ??= elapsed + 200;
      if (pongAt === undefined || elapsed < pongAt) return;
      answered++;
      pongAt = undefined;
      socket.receive({ type: 'pong' });
    });
    expect(pings(socket)).toBe(2 + 8);
    expect(fakes.sockets).toHaveLength(1);
    expect(links).toEqual(['disconnected', 'connected']);
  });

  it('a join that is never answered, while another participant’s States keep arriving, is found too', () => {
    fakeTimers();
    const { fakes, publish, transport } = setUp();
    const socket = fakes.last();
    welcome(socket);
    // A second participant on the same socket: its join is lost.
    const other = transport
      .adapterFor<{ type: 'Add' }, never, { n: number }>('todos')
      .readStateFromSource('c', 'spectator')
      .subscribe();
    cleanUps.push(() => other.unsubscribe());
    expect(socket.sentOfType('join')).toHaveLength(2);
    every(100, 1_000, () => publish(socket));
    expect(pings(socket)).toBe(1);
    every(100, 500, () => publish(socket));
    expect(socket.terminated).toBe(true);
  });

  it('an older server (no "ping" in its welcome) is never pinged, whatever it leaves unanswered', () => {
    fakeTimers();
    const { fakes, publish, send, links } = setUp();
    const socket = fakes.last();
    welcome(socket, ['delta']);
    let seq = 0;
    every(100, 30_000, (elapsed) => {
      if (elapsed % 1_000 === 0) send(++seq);
      publish(socket);
    });
    expect(pings(socket)).toBe(0);
    expect(fakes.sockets).toHaveLength(1);
    expect(links).toEqual(['disconnected', 'connected']);
  });
});

describe('UnansweredRequests', () => {
  const state = (acks: unknown, channel = 'todos') =>
    ({ type: 'state', channel, state: { acks } }) as never;
  const delta = (acks: unknown) =>
    ({ type: 'delta', channel: 'todos', from: {}, to: { acks }, ops: [] }) as never;
  const inputFrame = (seq: number, incarnation = 'inc-a') =>
    ({ type: 'input', channel: 'todos', input: input(seq, incarnation) }) as const;

  it('tells which request an answer proves the server got, each once', () => {
    const requests = new UnansweredRequests();
    requests.sent({ type: 'join', channel: 'todos', clientId: 'a', role: 'replica' }, 1);
    requests.sent(inputFrame(1), 2);
    requests.sent(inputFrame(2), 3);
    requests.sent(inputFrame(1), 4); // a re-send keeps the first number: never proves more
    requests.sent(inputFrame(1, 'inc-z'), 5);

    expect(requests.answeredBy({ type: 'joined', channel: 'todos', clientId: 'a' })).toBe(1);
    expect(requests.answeredBy({ type: 'joined', channel: 'todos', clientId: 'a' })).toBe(0);
    expect(requests.answeredBy(state({ 'inc-b': 9 }))).toBe(0); // the others' acks prove nothing
    expect(requests.answeredBy(state({ 'inc-a': 'x' }))).toBe(0); // malformed: ignored
    expect(requests.answeredBy(state(null))).toBe(0);
    expect(requests.answeredBy(delta({ 'inc-a': 1 }))).toBe(2);
    expect(requests.answeredBy(delta({ 'inc-a': 2, 'inc-z': 1 }))).toBe(5);
    requests.sent({ type: 'resync', channel: 'todos' }, 6);
    expect(requests.answeredBy(state({}, 'other'))).toBe(0);
    expect(requests.answeredBy(state({}, 'todos'))).toBe(6); // the State a resync asked for
    expect(requests.answeredBy({ type: 'pong' })).toBe(0); // the LivenessCheck matches pongs
  });

  it('takes a refused join’s error as its answer; only inputs, joins and resyncs ask for one', () => {
    const requests = new UnansweredRequests();
    requests.sent({ type: 'join', channel: 'todos', clientId: 'a', role: 'replica' }, 1);
    expect(
      requests.answeredBy({ type: 'error', code: 'forbidden', message: '', channel: 'todos' }),
    ).toBe(0);
    expect(
      requests.answeredBy({
        type: 'error',
        code: 'forbidden',
        message: '',
        channel: 'todos',
        clientId: 'a',
      }),
    ).toBe(1);
    expect(UnansweredRequests.asksForAnswer({ type: 'ping' })).toBe(false);
    expect(UnansweredRequests.asksForAnswer({ type: 'leave', channel: 'x', clientId: 'a' })).toBe(
      false,
    );
    expect(UnansweredRequests.asksForAnswer(inputFrame(1))).toBe(true);
  });
});
