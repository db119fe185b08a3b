/*
 * Public API of `ballast-sync/websocket`: sync with a ballast-sync-server over one WebSocket (the
 * client side of docs/PROTOCOL.md). No Angular import, no Node module, and no global is read at
 * import time.
 */
export { WebSocketSyncTransport } from './web-socket-sync-transport';
export type { WebSocketSyncTransportStats } from './web-socket-sync-transport';
export type { WebSocketSyncChannelStats } from './channel-followers';
export type { WebSocketSyncSocketState } from './web-socket-link';
export {
  WEB_SOCKET_LIVENESS_DEFAULTS,
  WEB_SOCKET_RECONNECT_DEFAULTS,
} from './web-socket-sync-transport-options';
export type {
  WebSocketLivenessOptions,
  WebSocketReconnectOptions,
  WebSocketSyncToken,
  WebSocketSyncTransportOptions,
} from './web-socket-sync-transport-options';
export type { WebSocketConstructorLike, WebSocketLike } from './web-socket-like';
export type { WebSocketSyncCodec } from './web-socket-codec';
export { WIRE_PROTOCOL_VERSION } from './web-socket-frames';
/** Internal (for the Angular layer): checks the options early, with the same errors. */
export { resolveWebSocketOptions as ɵresolveWebSocketOptions } from './web-socket-sync-transport-options';
