import { ɵballastError as ballastError } from 'ballast-sync/core';
import type { WebSocketSyncCodec } from './web-socket-codec';
import type { WebSocketConstructorLike } from './web-socket-like';

/**
 * The token sent as the `token` query parameter: a string, or a function (sync or async) that is
 * called again before every connection attempt, so a refreshed token is picked up on reconnect.
 * An empty string, `null` or `undefined` sends no token.
 */
export type WebSocketSyncToken =
  string | (() => string | null | undefined | PromiseLike<string | null | undefined>);

/**
 * How the transport reconnects: the wait before attempt `n` (from 0) is
 * `min(maxDelayMs, initialDelayMs * 2^n)`, shortened by a random fraction of at most `jitter`, so
 * that many clients cut off together do not all come back in the same instant.
 */
export interface WebSocketReconnectOptions {
  /** The first wait, in ms (default 500). */
  readonly initialDelayMs: number;
  /** The longest wait, in ms (default 30 000). */
  readonly maxDelayMs: number;
  /** How much of each wait may be taken off at random, from 0 (none) to 1 (all of it); default 0.5. */
  readonly jitter: number;
}

/** The reconnect options that are not given. */
export const WEB_SOCKET_RECONNECT_DEFAULTS: WebSocketReconnectOptions = Object.freeze({
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  jitter: 0.5,
});

/**
 * How the transport finds out that a connection died although its socket still looks open (a
 * proxy or NAT that dropped it without a word; browsers cannot see WebSocket pings): after
 * `pingAfterMs` without any frame from the server it sends a `ping` frame, and when nothing at all
 * arrives within `timeoutMs` after it, it closes the socket and reconnects (with the `reconnect`
 * backoff); the ViewModels say `'disconnected'` meanwhile. So a dead link is found within
 * `pingAfterMs + timeoutMs` of the last frame. Any frame received counts as a sign of life, so a
 * busy connection never pings. Only with a server that said in its `welcome` that it answers pings
 * (docs/PROTOCOL.md); an older server is not pinged.
 *
 * A frame counts once all of it arrived, so over a slow link a big State can hold the answer back
 * longer than `timeoutMs`: when the server welcomes the transport again after such a loss, the next
 * checks wait twice as long (up to 8 × `timeoutMs`) until a `pong` comes back within `timeoutMs`,
 * and the backoff keeps growing meanwhile, so a slow link gets its State in the end.
 */
export interface WebSocketLivenessOptions {
  /**
   * Silence from the server, in ms, after which a ping is sent (default 15 000). A server answers
   * about one ping a second (its `limits.pingsPerSecond`): keep it at 1 000 or more.
   */
  readonly pingAfterMs: number;
  /** How long after a ping, in ms, the transport waits for any frame before it reconnects (default 10 000). */
  readonly timeoutMs: number;
}

/** The liveness options that are not given. */
export const WEB_SOCKET_LIVENESS_DEFAULTS: WebSocketLivenessOptions = Object.freeze({
  pingAfterMs: 15_000,
  timeoutMs: 10_000,
});

/** Options of {@link WebSocketSyncTransport}. */
export interface WebSocketSyncTransportOptions {
  /**
   * The sync server: `ws://` or `wss://` (`http(s)://` is read as `ws(s)://`), or a path such as
   * `'/ballast-sync'`, resolved against the page's location when the socket opens (browsers only).
   */
  url: string;
  /** Sent as the query parameter `token` (see {@link WebSocketSyncToken}); default none. */
  token?: WebSocketSyncToken;
  /**
   * How to reconnect after the socket closes or cannot open (see
   * {@link WebSocketReconnectOptions}; the ones not given keep their defaults), or `false` to stay
   * disconnected after the first socket closed.
   */
  reconnect?: Partial<WebSocketReconnectOptions> | false;
  /**
   * The WebSocket constructor. Default: `globalThis.WebSocket`, read when the first socket opens.
   * Node 20 has none: pass `WebSocket` from the `ws` package.
   */
  WebSocket?: WebSocketConstructorLike;
  /**
   * How long a connection attempt may take, from creating the socket to the server's `welcome`,
   * before it is given up and retried (default 10 000 ms).
   */
  connectTimeoutMs?: number;
  /**
   * Where problems no ViewModel can be told about go (default: `console.error`): a server that
   * cannot be reached (once per outage), a refused token, an error frame from the server (once per
   * connection and kind), a protocol mismatch (after which the transport stops).
   */
  onError?: (error: Error) => void;
  /**
   * A binary codec for the frames, e.g. `msgpackCodec()` from `ballast-sync/msgpack`; default none: JSON text frames. It is
   * offered to the server in `hello`, with JSON as the fallback a server that does not speak it
   * picks.
   */
  codec?: WebSocketSyncCodec;
  /**
   * Whether to ask the server for deltas (what changed since the previous State) instead of the
   * whole State after each change (default true). The transport falls back to a full State by
   * itself whenever a delta does not fit the State it holds.
   */
  deltas?: boolean;
  /**
   * How a connection that died silently is found out (see {@link WebSocketLivenessOptions}; the
   * ones not given keep their defaults), or `false` to rely on the operating system alone (which
   * may take minutes).
   */
  liveness?: Partial<WebSocketLivenessOptions> | false;
}

/** The options with their defaults applied (internal). */
export interface ResolvedWebSocketOptions {
  readonly url: string;
  readonly token: WebSocketSyncToken | undefined;
  readonly reconnect: WebSocketReconnectOptions | false;
  readonly WebSocket: WebSocketConstructorLike | undefined;
  readonly connectTimeoutMs: number;
  readonly onError: ((error: Error) => void) | undefined;
  readonly codec: WebSocketSyncCodec | undefined;
  readonly deltas: boolean;
  readonly liveness: WebSocketLivenessOptions | false;
}

const fail = (message: string): never => {
  throw ballastError(`WebSocketSyncTransport: ${message}`);
};

/**
 * Checks the options (throwing a `ballast-sync: ` error that says what to change) and applies the
 * defaults. Reads no global but `URL`.
 */
export function resolveWebSocketOptions(
  options: WebSocketSyncTransportOptions,
): ResolvedWebSocketOptions {
  if (options === null || typeof options !== 'object')
    fail('options must be an object, e.g. { url: "wss://example.com/ballast-sync" }.');
  const { url, token, reconnect, WebSocket, connectTimeoutMs, onError, codec, deltas, liveness } =
    options;
  checkUrl(url);
  if (token !== undefined && typeof token !== 'string' && typeof token !== 'function')
    fail('token must be a string or a function returning one (or a Promise of one).');
  if (WebSocket !== undefined && typeof WebSocket !== 'function')
    fail("WebSocket must be a WebSocket constructor, e.g. WebSocket from the 'ws' package.");
  if (onError !== undefined && typeof onError !== 'function')
    fail('onError must be a function (error) => void.');
  if (
    codec !== undefined &&
    (codec === null ||
      typeof codec.name !== 'string' ||
      codec.name === 'json' ||
      typeof codec.encode !== 'function' ||
      typeof codec.decode !== 'function')
  )
    fail(
      'codec must be a binary codec { name, encode, decode }, e.g. msgpackCodec(); leave it out for JSON.',
    );
  if (deltas !== undefined && typeof deltas !== 'boolean')
    fail(`deltas must be true or false; got ${String(deltas)}.`);
  if (
    connectTimeoutMs !== undefined &&
    (typeof connectTimeoutMs !== 'number' || !(connectTimeoutMs > 0))
  )
    fail(`connectTimeoutMs must be a number of ms > 0; got ${String(connectTimeoutMs)}.`);
  return {
    url,
    token,
    reconnect: resolveReconnect(reconnect),
    WebSocket,
    connectTimeoutMs: connectTimeoutMs ?? 10_000,
    onError,
    codec,
    deltas: deltas ?? true,
    liveness: resolveLiveness(liveness),
  };
}

function checkUrl(url: unknown): asserts url is string {
  if (typeof url !== 'string' || url.trim() === '')
    fail(
      `url must be the sync server's address, e.g. "wss://example.com/ballast-sync"; got ${JSON.stringify(url)}.`,
    );
  const text = url as string;
  if (text.startsWith('/')) return;
  let protocol: string;
  try {
    protocol = new URL(text).protocol;
  } catch {
    return fail(
      `url "${text}" is not an absolute URL: give "ws://host/path" or "wss://host/path", or a path starting with "/" (browsers only).`,
    );
  }
  if (!['ws:', 'wss:', 'http:', 'https:'].includes(protocol))
    fail(`url "${text}" must start with ws://, wss://, http:// or https://.`);
}

function resolveReconnect(
  reconnect: WebSocketSyncTransportOptions['reconnect'],
): WebSocketReconnectOptions | false {
  if (reconnect === false) return false;
  if (reconnect === undefined) return WEB_SOCKET_RECONNECT_DEFAULTS;
  if (reconnect === null || typeof reconnect !== 'object')
    fail('reconnect must be false or an object { initialDelayMs?, maxDelayMs?, jitter? }.');
  const resolved = { ...WEB_SOCKET_RECONNECT_DEFAULTS, ...reconnect };
  const { initialDelayMs, maxDelayMs, jitter } = resolved;
  if (typeof initialDelayMs !== 'number' || !Number.isFinite(initialDelayMs) || initialDelayMs <= 0)
    fail(
      `reconnect.initialDelayMs must be a finite number of ms > 0; got ${String(initialDelayMs)}.`,
    );
  if (typeof maxDelayMs !== 'number' || !Number.isFinite(maxDelayMs) || maxDelayMs < initialDelayMs)
    fail(
      `reconnect.maxDelayMs must be a finite number of ms >= initialDelayMs (${initialDelayMs}); got ${String(maxDelayMs)}.`,
    );
  if (typeof jitter !== 'number' || !(jitter >= 0 && jitter <= 1))
    fail(`reconnect.jitter must be a number from 0 to 1; got ${String(jitter)}.`);
  return Object.freeze(resolved);
}

/** The longest delay a timer takes (setTimeout fires at once beyond it). */
const MAX_TIMER_MS = 2_147_483_647;

function resolveLiveness(
  liveness: WebSocketSyncTransportOptions['liveness'],
): WebSocketLivenessOptions | false {
  if (liveness === false) return false;
  if (liveness === undefined) return WEB_SOCKET_LIVENESS_DEFAULTS;
  if (liveness === null || typeof liveness !== 'object')
    fail(
      `liveness must be false or an object { pingAfterMs?, timeoutMs? }; got ${String(liveness)}.`,
    );
  const known = Object.keys(WEB_SOCKET_LIVENESS_DEFAULTS);
  for (const key of Object.keys(liveness as object)) {
    if (!known.includes(key))
      fail(`liveness has no option "${key}"; its options are ${known.join(' and ')}.`);
  }
  const resolved = { ...WEB_SOCKET_LIVENESS_DEFAULTS, ...(liveness as object) };
  for (const key of known as (keyof WebSocketLivenessOptions)[]) {
    const value = resolved[key];
    if (typeof value !== 'number' || !(value > 0 && value <= MAX_TIMER_MS))
      fail(
        `liveness.${key} must be a number of ms > 0 (at most ${MAX_TIMER_MS}); got ${String(value)}. ` +
          'Give liveness: false to turn the check off.',
      );
  }
  return Object.freeze(resolved);
}
