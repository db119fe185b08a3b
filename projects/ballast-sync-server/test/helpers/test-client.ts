import { unpack } from 'msgpackr';
import { WebSocket, type ClientOptions } from 'ws';
import { SYNC_PROTOCOL_VERSION, type SyncedInput, type SyncedState } from 'ballast-sync/core';
import { until, within } from './wait.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- frames are read loosely in tests
export type Frame = Record<string, any>;

export interface Closed {
  readonly code: number;
  readonly reason: string;
}

/**
 * A raw protocol client for tests: records every frame the server sends, and can send anything
 * (well-formed or not). `replicaInput()` builds envelopes as a core Replica would.
 */
export class TestClient {
  readonly frames: Frame[] = [];
  readonly closed: Promise<Closed>;
  private seq = 0;
  readonly incarnation = `inc-${Math.random().toString(36).slice(2)}`;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data, isBinary) => {
      // Text frames are JSON; binary ones MessagePack (once negotiated in hello).
      this.frames.push((isBinary ? unpack(data as Buffer) : JSON.parse(data.toString())) as Frame);
    });
    this.closed = new Promise((resolve) =>
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    socket.on('error', () => undefined);
  }

  /** Opens a socket (rejects with the HTTP status on a refused upgrade) and, unless told not to, says hello. */
  static async connect(
    url: string,
    options: { hello?: boolean | Frame; speaks?: number } & ClientOptions = {},
  ): Promise<TestClient> {
    const { hello = true, speaks = 1, ...wsOptions } = options;
    const socket = new WebSocket(url, wsOptions);
    await within(
      new Promise<void>((resolve, reject) => {
        socket.once('open', () => resolve());
        socket.once('unexpected-response', (_request, response) => {
          reject(
            Object.assign(new Error(`HTTP ${response.statusCode}`), {
              status: response.statusCode,
            }),
          );
          response.resume();
          socket.terminate();
        });
        socket.once('error', reject);
      }),
      5000,
      `connecting to ${url}`,
    );
    const client = new TestClient(socket);
    if (hello) {
      client.send(hello === true ? { type: 'hello', protocol: speaks } : hello);
      if (speaks === 1) await client.next((f) => f['type'] === 'welcome');
    }
    return client;
  }

  send(frame: unknown): void {
    this.socket.send(JSON.stringify(frame));
  }

  sendRaw(data: string | Buffer, binary = false): void {
    this.socket.send(data, { binary });
  }

  /** The first frame (recorded or to come) that matches. */
  async next(match: (frame: Frame) => boolean, timeoutMs = 5000): Promise<Frame> {
    let found: Frame | undefined;
    await until(
      () => (found = this.frames.find(match)) !== undefined,
      'a matching frame',
      timeoutMs,
    );
    return found as Frame;
  }

  async join(channel: string, clientId: string, role: 'replica' | 'spectator'): Promise<Frame> {
    const before = this.frames.length;
    this.send({ type: 'join', channel, clientId, role });
    let answer: Frame | undefined;
    await until(
      () =>
        (answer = this.frames
          .slice(before)
          .find(
            (f) => (f['type'] === 'joined' || f['type'] === 'error') && f['clientId'] === clientId,
          )) !== undefined,
      `an answer to joining ${channel} as ${clientId}`,
    );
    return answer as Frame;
  }

  /** The latest State received for a channel. */
  latestState<S>(channel: string): SyncedState<S> | undefined {
    for (let i = this.frames.length - 1; i >= 0; i--) {
      const frame = this.frames[i] as Frame;
      if (frame['type'] === 'state' && frame['channel'] === channel)
        return frame['state'] as SyncedState<S>;
    }
    return undefined;
  }

  errors(code?: string): Frame[] {
    return this.frames.filter(
      (f) => f['type'] === 'error' && (code === undefined || f['code'] === code),
    );
  }

  /** An envelope as a Replica `clientId` would send it to the Source of its latest State. */
  replicaInput<I>(channel: string, clientId: string, input: I): SyncedInput<I> {
    const state = this.latestState(channel);
    if (!state) throw new Error(`no State of ${channel} yet`);
    const seq = ++this.seq;
    return {
      protocol: SYNC_PROTOCOL_VERSION,
      id: `${this.incarnation}:${seq}`,
      clientId,
      incarnation: this.incarnation,
      seq,
      firstUnacknowledged: 1,
      to: state.incarnation,
      seen: state.version,
      input,
    };
  }

  /** Whether the latest State of the channel acknowledges this client's Inputs up to `seq`. */
  acknowledged(channel: string, seq: number): boolean {
    return this.frames.some(
      (f) =>
        f['type'] === 'state' &&
        f['channel'] === channel &&
        (f['state'].acks[this.incarnation] ?? 0) >= seq,
    );
  }

  close(): Promise<Closed> {
    if (
      this.socket.readyState === WebSocket.OPEN ||
      this.socket.readyState === WebSocket.CONNECTING
    )
      this.socket.close();
    return within(this.closed, 5000, 'closing a test client');
  }
}
