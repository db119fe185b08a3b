import {
  BallastSyncInterceptor,
  BasicViewModel,
  DefaultSyncConnection,
  fifo,
  InMemorySyncAdapter,
  noOpLogger,
  type InputHandler,
  type SyncConnectionAdapter,
  type SyncedState,
} from 'ballast-sync/core';
import type { Subscription } from 'rxjs';
import { WebSocketSyncTransport, type WebSocketSyncTransportOptions } from 'ballast-sync/websocket';
import type { WebSocketConstructorLike, WebSocketLike } from './web-socket-like';

type Frame = Record<string, unknown> & { type: string };

/** A WebSocket driven by the test, which plays the server (test-only). */
export class FakeWebSocket implements WebSocketLike {
  readyState = 0;
  /** Frames the client sent, parsed. */
  readonly sent: Frame[] = [];
  closedByClient: { code?: number; reason?: string } | undefined;
  /** Whether the client dropped it without a closing handshake (`terminate()`, as `ws` has). */
  terminated = false;
  onopen: WebSocketLike['onopen'] = null;
  onmessage: WebSocketLike['onmessage'] = null;
  onerror: WebSocketLike['onerror'] = null;
  onclose: WebSocketLike['onclose'] = null;

  constructor(readonly url: string) {}

  send(data: string): void {
    if (this.readyState !== 1) throw new Error(`send() while readyState is ${this.readyState}`);
    this.sent.push(JSON.parse(data));
  }

  close(code?: number, reason?: string): void {
    if (this.readyState >= 2) return;
    this.readyState = 3;
    this.closedByClient = { code, reason };
  }

  terminate(): void {
    if (this.readyState >= 2) return;
    this.readyState = 3;
    this.terminated = true;
  }

  /** Server side: the socket opens. */
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }

  /**
   * Whether the link is half-open: the socket stays open on both ends, but nothing gets through
   * either way (a proxy or NAT that lost the connection without closing it).
   */
  blackHoled = false;

  /** Server side: a frame (an object is sent as JSON); lost while black-holed. */
  receive(frame: unknown): void {
    if (this.blackHoled) return;
    this.onmessage?.({ data: typeof frame === 'string' ? frame : JSON.stringify(frame) });
  }

  /** Server side: the welcome, with the features the server turns on (an older server: none). */
  welcome(features?: readonly string[]): void {
    this.receive({
      type: 'welcome',
      protocol: 1,
      serverId: 'fake',
      heartbeatMs: 30_000,
      ...(features ? { features } : {}),
    });
  }

  /** Opens it and welcomes it. */
  accept(features?: readonly string[]): void {
    this.open();
    this.welcome(features);
  }

  /** Server side: the socket closes (1006: the network went away). */
  drop(code = 1006, reason = ''): void {
    if (this.readyState === 3 && !this.closedByClient) return;
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }

  /** Server side: an error, then the close (what a refused upgrade looks like with `ws`). */
  fail(message: string): void {
    this.onerror?.({ message });
    this.drop(1006);
  }

  sentOfType(type: string): Frame[] {
    return this.sent.filter((frame) => frame.type === type);
  }

  /** The query parameter `token` of the URL it was opened with. */
  get token(): string | null {
    return new URL(this.url).searchParams.get('token');
  }
}

/** A WebSocket constructor whose sockets the test drives. */
export function fakeWebSockets(): {
  readonly WebSocket: WebSocketConstructorLike;
  readonly sockets: FakeWebSocket[];
  last(): FakeWebSocket;
} {
  const sockets: FakeWebSocket[] = [];
  return {
    WebSocket: class extends FakeWebSocket {
      constructor(url: string) {
        super(url);
        sockets.push(this);
      }
    },
    sockets,
    last: () => {
      const socket = sockets[sockets.length - 1];
      if (!socket) throw new Error('no socket was opened');
      return socket;
    },
  };
}

export interface Count {
  n: number;
}
export type Add = { type: 'Add'; by: number };
export const addHandler: InputHandler<Add, never, Count> = (input, scope) =>
  scope.updateState((s) => ({ n: s.n + input.by }));

/** A counter ViewModel (fifo, logging nothing) synchronized through `connection`. */
export function countViewModel(
  connection: DefaultSyncConnection<Add, never, Count>,
): BasicViewModel<Add, never, Count> {
  return new BasicViewModel<Add, never, Count>({
    name: 'count',
    initialState: { n: 0 },
    inputStrategy: fifo(),
    inputHandler: addHandler,
    interceptors: [new BallastSyncInterceptor(connection)],
    logger: noOpLogger,
  });
}

/**
 * A server in the test (test-only): the Source of each channel is a ViewModel in memory; every
 * fake socket given to `serve()` speaks the protocol with it (welcome, joined + State once per
 * channel and socket, Inputs to the Source).
 */
export class FakeSyncServer {
  private readonly adapters = new Map<string, InMemorySyncAdapter<Add, never, Count>>();
  readonly sources = new Map<string, BasicViewModel<Add, never, Count>>();
  /** Whether it answers pings (and says so in its welcome), as a current server does. */
  pongs = true;
  /** Every Input frame the server received, by channel. */
  readonly inputs: { channel: string; input: { clientId: string; seq: number } }[] = [];

  source(channel: string): BasicViewModel<Add, never, Count> {
    let source = this.sources.get(channel);
    if (!source) {
      const adapter = new InMemorySyncAdapter<Add, never, Count>();
      this.adapters.set(channel, adapter);
      source = new BasicViewModel<Add, never, Count>({
        name: channel,
        initialState: { n: 0 },
        inputHandler: addHandler,
        interceptors: [
          new BallastSyncInterceptor(new DefaultSyncConnection({ clientType: 'source', adapter })),
        ],
      });
      this.sources.set(channel, source);
    }
    return source;
  }

  /** Answers the client on `socket` until it closes. */
  serve(socket: FakeWebSocket): void {
    const followed = new Map<string, Subscription>();
    const stop = () => followed.forEach((s) => s.unsubscribe());
    const send = socket.send.bind(socket);
    socket.send = (data: string) => {
      send(data);
      const frame = JSON.parse(data) as Frame;
      queueMicrotask(() => {
        if (socket.readyState !== 1) return stop();
        if (socket.blackHoled) return;
        this.answer(socket, frame, followed);
      });
    };
    socket.open();
  }

  close(): void {
    this.sources.forEach((source) => source.clear());
  }

  private answer(socket: FakeWebSocket, frame: Frame, followed: Map<string, Subscription>): void {
    const channel = frame['channel'] as string;
    switch (frame.type) {
      case 'hello':
        return socket.welcome(this.pongs ? ['ping'] : undefined);
      case 'ping':
        if (this.pongs) socket.receive({ type: 'pong' });
        return;
      case 'join': {
        socket.receive({
          type: 'joined',
          channel,
          clientId: frame['clientId'],
          role: frame['role'],
        });
        this.source(channel);
        if (followed.has(channel)) {
          const latest = this.latest.get(channel);
          if (latest) socket.receive({ type: 'state', channel, state: latest });
          return;
        }
        const adapter = this.adapters.get(channel) as InMemorySyncAdapter<Add, never, Count>;
        followed.set(
          channel,
          (adapter as SyncConnectionAdapter<Add, never, Count>)
            .readStateFromSource(`server-${channel}`, 'spectator')
            .subscribe((state) => {
              this.latest.set(channel, state);
              if (socket.readyState === 1) socket.receive({ type: 'state', channel, state });
            }),
        );
        return;
      }
      case 'input': {
        const input = frame['input'] as { clientId: string; seq: number };
        this.inputs.push({ channel, input });
        void this.adapters.get(channel)?.sendInputToSource(frame['input'] as never);
        return;
      }
    }
  }

  private readonly latest = new Map<string, SyncedState<Count>>();
}

/** Fake timers (and clocks), but real microtasks (rxjs and Promises keep working). */
export const fakeTimers = () => jest.useFakeTimers({ doNotFake: ['queueMicrotask', 'nextTick'] });

/**
 * What a spec file pushes its clean-ups to: they run after each test, then spies are restored
 * (first: a spy on a fake timer function restores the fake) and real timers come back.
 */
export function cleanUpAfterEach(): (() => void)[] {
  const cleanUps: (() => void)[] = [];
  afterEach(() => {
    cleanUps.splice(0).forEach((cleanUp) => cleanUp());
    jest.restoreAllMocks();
    jest.useRealTimers();
  });
  return cleanUps;
}

/**
 * A transport on fake sockets (the test plays the server, through `fakes`), at a test URL;
 * `errors` collects the messages it reports (unless `options` has its own `onError`).
 */
export function fakeTransport(options: Partial<WebSocketSyncTransportOptions> = {}) {
  const fakes = fakeWebSockets();
  const errors: string[] = [];
  const transport = new WebSocketSyncTransport({
    url: 'ws://sync.test/ballast-sync',
    WebSocket: fakes.WebSocket,
    onError: (error) => errors.push(error.message),
    ...options,
  });
  return { fakes, errors, transport };
}
