import { ɵballastError as ballastError } from 'ballast-sync/core';
import { LivenessCheck, now } from './liveness-check';
import { ReconnectBackoff } from './reconnect-backoff';
import { describeLoss, httpStatus, tokenProblem, type Loss } from './socket-loss';
import { socketUrl } from './socket-url';
import { UnansweredRequests } from './unanswered-requests';
import { listenForWakeSignals } from './wake-signals';
import {
  CLOSE_PROTOCOL_MISMATCH,
  DELTA_FEATURE,
  PING_FEATURE,
  readServerFrame,
  WIRE_PROTOCOL_VERSION,
  type ClientFrame,
  type ServerFrame,
} from './web-socket-frames';
import type { WebSocketSyncCodec } from './web-socket-codec';
import type { WebSocketConstructorLike, WebSocketLike } from './web-socket-like';
import type { ResolvedWebSocketOptions } from './web-socket-sync-transport-options';

/**
 * Where the transport's one socket stands:
 * - `idle`: never used yet (the socket opens on first use);
 * - `connecting`: reading the token, or the socket is opening;
 * - `handshake`: open, `hello` sent, waiting for the server's `welcome`;
 * - `ready`: welcomed, frames flow;
 * - `waiting`: lost, the next attempt is scheduled (backoff);
 * - `stopped`: given up (protocol mismatch, no WebSocket, or `reconnect: false`);
 * - `closed`: `close()` was called.
 */
export type WebSocketSyncSocketState =
  'idle' | 'connecting' | 'handshake' | 'ready' | 'waiting' | 'stopped' | 'closed';

/** What the link tells the transport (internal). */
export interface SocketLinkListener {
  /** The server welcomed a new socket: (re-)join everything. */
  welcomed(): void;
  /** A frame after the welcome (a `pong` only counts as a sign of life: it is not passed on). */
  frame(frame: Exclude<ServerFrame, { type: 'welcome' | 'pong' }>): void;
  /** The socket is gone (or never came): every participant is disconnected. */
  down(): void;
}

/** Closes that mean "this client did something wrong or should slow down": the wait keeps growing. */
const GROWING_CLOSE_CODES = new Set([1008, 1009, 1013, 4001]);

/** HTTP 503 (the server is full or shutting down): the wait keeps growing, as after a 1013. */
const HTTP_UNAVAILABLE = 503;

/** How many times the configured `liveness.timeoutMs` a link that may be slow waits, at most. */
export const MAX_SLOW_LINK_FACTOR = 8;

/**
 * The transport's one socket (internal): opens it (token, URL, hello/welcome), reconnects with
 * backoff, and reports problems once rather than on every attempt. While welcomed, a
 * {@link LivenessCheck} pings a silent server (or one that has not answered this client's
 * requests: see {@link UnansweredRequests}) and gives the socket up when nothing answers; while
 * waiting to reconnect, the browser's `online` event (or the page becoming visible again) brings
 * the next attempt forward to a random point of the first wait, unless the server asked clients to
 * slow down.
 *
 * A link taken for dead may only be slow: browsers see a frame only once all of it arrived, so a
 * big State that takes longer than `timeoutMs` holds back the `pong` behind it. When the server
 * welcomes the next socket (it is reachable), that socket's check waits twice as long (up to
 * {@link MAX_SLOW_LINK_FACTOR} times `timeoutMs`), until a `pong` comes back within `timeoutMs`;
 * and the backoff is not started over after such a loss (unless the link had proven itself), so
 * a slow link converges instead of being sent the same State again and again.
 */
export class SocketLink {
  private phase: WebSocketSyncSocketState = 'idle';
  private socket: WebSocketLike | undefined;
  /** Identifies the current attempt, so that a late token or event of an older one is ignored. */
  private attempt = 0;
  /** The reconnect wait, or the current attempt's connect timeout. */
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly backoff: ReconnectBackoff | undefined;
  private lastSocketError: unknown;
  /** Whether the current outage was reported already (reset by a welcome). */
  private outageReported = false;
  /** What this connection reported already (reset by a welcome). */
  private readonly reportedKeys = new Set<string>();
  /** The binary codec the server chose in its welcome (undefined: JSON text). */
  private binary: WebSocketSyncCodec | undefined;
  /** Whether the server sends deltas on the current socket (it said so in its welcome). */
  private deltasOn = false;
  /** Pings a silent server (on a welcomed socket whose server answers pings). */
  private liveness: LivenessCheck | undefined;
  /** The requests the current socket's server has not answered yet (while `liveness` runs). */
  private unanswered: UnansweredRequests | undefined;
  /** Removes the `online` / `visibilitychange` listeners (set from the first attempt on). */
  private unlistenWake: (() => void) | undefined;
  /** How many times the configured `liveness.timeoutMs` the next liveness check waits (1, 2, 4, 8). */
  private slowFactor = 1;
  /** Whether the last welcomed socket was taken for dead by its liveness check. */
  private takenForDead = false;
  /** Whether the last loss asked this client to slow down (a growing close code, HTTP 503). */
  private holdOff = false;
  /** When a wake signal last brought an attempt forward. */
  private lastWakeAt = -Infinity;
  /** When the scheduled attempt starts (while `waiting`). */
  private retryAt: number | undefined;

  constructor(
    private readonly options: ResolvedWebSocketOptions,
    private readonly listener: SocketLinkListener,
    private readonly report: (error: Error) => void,
  ) {
    this.backoff = options.reconnect ? new ReconnectBackoff(options.reconnect) : undefined;
  }

  get state(): WebSocketSyncSocketState {
    return this.phase;
  }

  get isReady(): boolean {
    return this.phase === 'ready';
  }

  /** Whether the server sends deltas on the current socket. */
  get deltas(): boolean {
    return this.deltasOn;
  }

  /** The codec of the current socket: `'json'`, or the binary codec's name. */
  get codec(): string {
    return this.binary?.name ?? 'json';
  }

  /** Opens the socket on first use. */
  ensureOpen(): void {
    if (this.phase !== 'idle') return;
    this.unlistenWake = listenForWakeSignals(() => this.wake());
    this.connect();
  }

  /**
   * Sends a frame when the socket is welcomed; returns whether it went out. The liveness check
   * counts the frames the server answers, to find a link that only the way up lost.
   */
  send(frame: ClientFrame): boolean {
    if (this.phase !== 'ready' || !this.socket) return false;
    this.socket.send(this.binary ? this.binary.encode(frame) : JSON.stringify(frame));
    if (this.liveness && UnansweredRequests.asksForAnswer(frame))
      this.unanswered?.sent(frame, this.liveness.asked());
    return true;
  }

  /** Reports `error` once per connection for `key`. */
  reportOnce(key: string, error: Error): void {
    if (this.reportedKeys.has(key)) return;
    this.reportedKeys.add(key);
    this.report(error);
  }

  /** Closes the socket and stops for good. */
  close(): void {
    this.phase = 'closed';
    this.attempt++;
    this.clearTimer();
    this.unlisten();
    this.dropSocket(1000, 'client closed');
  }

  /**
   * The network is back, or the page is visible again: a welcomed link pings, to find out soon if
   * it died meanwhile; a link waiting to reconnect tries within `initialDelayMs` (at a random point,
   * so that clients woken together spread out), keeping its backoff, at most once per
   * `initialDelayMs`, and not at all when the server asked clients to slow down.
   */
  private wake(): void {
    if (this.phase === 'ready') return this.liveness?.probe();
    // An attempt runs (with its timeout), it is over, or the server said to come back later.
    if (this.phase !== 'waiting' || this.holdOff || !this.options.reconnect) return;
    const at = now();
    const { initialDelayMs } = this.options.reconnect;
    if (at - this.lastWakeAt < initialDelayMs) return;
    this.lastWakeAt = at;
    const delayMs = Math.round(initialDelayMs * Math.random());
    if (this.retryAt !== undefined && this.retryAt - at <= delayMs) return;
    this.clearTimer();
    this.retryIn(delayMs);
  }

  private connect(): void {
    const attempt = ++this.attempt;
    this.phase = 'connecting';
    this.lastSocketError = undefined;
    // Covers reading the token too: a token function that never settles is retried.
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (attempt === this.attempt) this.lost({ timedOut: true });
    }, this.options.connectTimeoutMs);
    let token: unknown;
    try {
      const given = this.options.token;
      token = typeof given === 'function' ? given() : given;
    } catch (error) {
      return this.lost({ problem: tokenProblem(error) });
    }
    if (!isPromiseLike(token)) return this.open(token);
    token.then(
      (value) => attempt === this.attempt && this.open(value),
      (error: unknown) => attempt === this.attempt && this.lost({ problem: tokenProblem(error) }),
    );
  }

  private open(token: unknown): void {
    if (token !== undefined && token !== null && typeof token !== 'string') {
      return this.lost({
        problem: `the token function returned a ${typeof token}; it must return a string (or undefined for none)`,
      });
    }
    const Ctor =
      this.options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructorLike }).WebSocket;
    if (typeof Ctor !== 'function') {
      return this.stop(
        ballastError(
          'WebSocketSyncTransport found no WebSocket (Node 20 has none): pass the WebSocket class ' +
            "of the 'ws' package as { WebSocket }.",
        ),
      );
    }
    let url: string;
    try {
      url = socketUrl(this.options.url, token || undefined);
    } catch (error) {
      return this.stop(error as Error);
    }
    let socket: WebSocketLike;
    try {
      socket = new Ctor(url);
    } catch (error) {
      return this.lost({ error });
    }
    this.socket = socket;
    this.binary = undefined;
    this.deltasOn = false;
    const { codec, deltas, liveness } = this.options;
    // Binary frames as ArrayBuffers, read synchronously (browsers default to Blobs).
    if (codec && 'binaryType' in socket) socket.binaryType = 'arraybuffer';
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.phase = 'handshake';
      const hello: ClientFrame = {
        type: 'hello',
        protocol: WIRE_PROTOCOL_VERSION,
        codecs: codec ? [codec.name, 'json'] : ['json'],
        features: [...(deltas ? [DELTA_FEATURE] : []), ...(liveness ? [PING_FEATURE] : [])],
      };
      socket.send(JSON.stringify(hello));
    };
    socket.onmessage = (event) => {
      if (this.socket === socket) this.receive(event.data);
    };
    socket.onerror = (event) => {
      if (this.socket === socket) this.lastSocketError = event;
    };
    socket.onclose = (event) => {
      if (this.socket === socket) this.lost({ code: event.code, reason: event.reason });
    };
  }

  private receive(data: unknown): void {
    const frame = readServerFrame(data, this.binary);
    // Any frame is a sign of life; an answer to a request also shows the way up works.
    this.liveness?.heard('problem' in frame ? 0 : this.unanswered?.answeredBy(frame));
    if ('problem' in frame) {
      this.reportOnce(
        `bad-frame ${frame.problem}`,
        ballastError(
          `the sync server at ${this.options.url} sent ${frame.problem}; it was ignored. ` +
            'Run the same ballast-sync version on the client and ballast-sync-server.',
        ),
      );
      return;
    }
    if (frame.type === 'welcome') {
      if (this.phase === 'handshake') this.welcome(frame);
      return;
    }
    if (frame.type === 'pong') return this.liveness?.pong(); // a sign of life, heard already
    if (this.phase === 'ready') return this.listener.frame(frame);
    if (frame.type === 'error') return this.reportServerError(frame);
    this.reportOnce(
      `early ${frame.type}`,
      ballastError(
        `the sync server at ${this.options.url} sent a "${frame.type}" frame before its welcome; it was ignored.`,
      ),
    );
  }

  private welcome(frame: Extract<ServerFrame, { type: 'welcome' }>): void {
    const { protocol, codec = 'json', features } = frame;
    if (codec !== 'json' && codec !== this.options.codec?.name) {
      return this.stop(
        ballastError(
          `the sync server at ${this.options.url} chose codec "${codec}", which this client did not offer: ` +
            'run the same ballast-sync version on both sides. The transport stopped.',
        ),
      );
    }
    if (protocol !== WIRE_PROTOCOL_VERSION) {
      return this.stop(
        ballastError(
          `the sync server at ${this.options.url} speaks protocol ${protocol}, this client speaks ` +
            `${WIRE_PROTOCOL_VERSION}: run the same ballast-sync version on both sides. The transport stopped.`,
        ),
      );
    }
    this.clearTimer();
    // From the welcome on, the socket speaks the codec chosen (the welcome itself is JSON).
    this.binary = codec === 'json' ? undefined : this.options.codec;
    const on = Array.isArray(features) ? features : [];
    this.deltasOn = on.includes(DELTA_FEATURE);
    this.phase = 'ready';
    // An older server does not answer pings (it would call them bad frames): it is not pinged.
    const { liveness } = this.options;
    // The server is reachable: a link taken for dead just before may be slow rather than dead.
    if (this.takenForDead) this.slowFactor = Math.min(MAX_SLOW_LINK_FACTOR, this.slowFactor * 2);
    this.takenForDead = false;
    if (liveness && on.includes(PING_FEATURE)) {
      this.liveness = new LivenessCheck(liveness, this.slowFactor, {
        ping: () => {
          try {
            this.send({ type: 'ping' });
          } catch {
            // The socket is closing: its close event follows.
          }
        },
        dead: (timeoutMs) => this.lost({ unanswered: timeoutMs }),
        prompt: () => (this.slowFactor = 1),
      });
      this.unanswered = new UnansweredRequests();
    }
    this.outageReported = false;
    this.reportedKeys.clear();
    this.listener.welcomed();
  }

  private reportServerError(frame: Extract<ServerFrame, { type: 'error' }>): void {
    this.reportOnce(
      `error ${frame.code}`,
      ballastError(
        `the sync server at ${this.options.url} refused the connection (${frame.code}: ${frame.message}).`,
      ),
    );
  }

  /** The socket closed, or the attempt failed or timed out: reconnect with backoff, or stop. */
  private lost(loss: Loss): void {
    if (this.phase === 'closed' || this.phase === 'stopped') return;
    const wasReady = this.phase === 'ready';
    const socketError = this.lastSocketError;
    const proven = this.liveness?.proven ?? false;
    this.clearTimer();
    // A server that does not answer gets no closing handshake (`ws` would wait 30 s for one).
    this.dropSocket(1000, 'reconnecting', loss.timedOut || loss.unanswered !== undefined);
    this.listener.down();
    if (loss.code === CLOSE_PROTOCOL_MISMATCH) {
      return this.stop(
        ballastError(
          `the sync server at ${this.options.url} speaks another protocol (${loss.reason || 'no reason given'}); ` +
            `this client speaks protocol ${WIRE_PROTOCOL_VERSION}. Run the same ballast-sync version on both sides. ` +
            'The transport stopped; create a new one once that is fixed.',
        ),
      );
    }
    const status = httpStatus(loss.error ?? socketError);
    const what = describeLoss(this.options.url, loss, status, socketError, wasReady);
    if (!this.backoff) {
      return this.stop(
        ballastError(`${what} The transport stays disconnected (reconnect: false).`),
      );
    }
    const growing = GROWING_CLOSE_CODES.has(loss.code ?? 0);
    const takenForDead = loss.unanswered !== undefined;
    this.holdOff = growing || status === HTTP_UNAVAILABLE;
    if (wasReady) this.takenForDead = takenForDead;
    // A connection that worked starts the backoff over; one taken for dead before it proved
    // itself (a slow link, a server that welcomes and then hangs) keeps it growing.
    if (wasReady && !growing && (!takenForDead || proven)) this.backoff.reset();
    const delayMs = this.backoff.next();
    const retry = ` It retries in ${delayMs} ms, then with backoff${status === 401 ? ', reading the token again' : ''}.`;
    if (growing) {
      this.report(ballastError(what + retry));
    } else if (!wasReady && !this.outageReported) {
      // A connection that drops is no news (the ViewModels say 'disconnected'); one that cannot
      // be made again is, once per outage.
      this.outageReported = true;
      this.report(ballastError(what + retry));
    }
    this.retryIn(delayMs);
  }

  private retryIn(delayMs: number): void {
    this.phase = 'waiting';
    this.retryAt = now() + delayMs;
    this.timer = setTimeout(() => {
      this.timer = this.retryAt = undefined;
      if (this.phase === 'waiting') this.connect();
    }, delayMs);
  }

  private stop(error: Error): void {
    this.phase = 'stopped';
    this.attempt++;
    this.clearTimer();
    this.unlisten();
    this.dropSocket(1000, 'stopped');
    this.listener.down();
    this.report(error);
  }

  private dropSocket(code: number, reason: string, unresponsive = false): void {
    this.liveness?.stop();
    this.liveness = this.unanswered = undefined;
    const socket = this.socket;
    this.socket = undefined;
    if (!socket) return;
    // No-op handlers rather than null: `ws` throws on an 'error' event nobody listens to.
    socket.onopen = socket.onmessage = socket.onclose = () => undefined;
    socket.onerror = () => undefined;
    if (socket.readyState > 1) return;
    if (unresponsive && typeof socket.terminate === 'function') socket.terminate();
    else socket.close(code, reason);
  }

  private unlisten(): void {
    this.unlistenWake?.();
    this.unlistenWake = undefined;
  }

  private clearTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.retryAt = undefined;
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
