/**
 * A handler type checked bivariantly, so that both the DOM's `WebSocket` (whose handlers take a
 * `MessageEvent`, `CloseEvent`…) and `ws`'s `WebSocket` are assignable to {@link WebSocketLike}.
 */
type Handler<E> = { bivarianceHack(event: E): void }['bivarianceHack'];

/**
 * The part of a WebSocket this entry point uses: the browser's `WebSocket` and the `ws` package's
 * `WebSocket` (Node) both fit, and so does a fake in unit tests.
 */
export interface WebSocketLike {
  /** 0 connecting, 1 open, 2 closing, 3 closed. */
  readonly readyState: number;
  send(data: string | Uint8Array): void;
  /** Set to `'arraybuffer'` when a binary codec is used (browsers default to Blobs). */
  binaryType?: string;
  close(code?: number, reason?: string): void;
  /**
   * Drops the connection at once, without a closing handshake (`ws` has it; browsers do not): used
   * when the server stopped answering, where a close would wait for an answer that never comes.
   */
  terminate?(): void;
  onopen: Handler<unknown> | null;
  onmessage: Handler<{ readonly data: unknown }> | null;
  onerror: Handler<unknown> | null;
  onclose: Handler<{ readonly code: number; readonly reason: string }> | null;
}

/**
 * A WebSocket constructor: `globalThis.WebSocket` in browsers (the default), `WebSocket` from the
 * `ws` package in Node 20 (which has no global one).
 */
export type WebSocketConstructorLike = new (url: string) => WebSocketLike;

/** `WebSocket.OPEN`. */
export const OPEN = 1;
