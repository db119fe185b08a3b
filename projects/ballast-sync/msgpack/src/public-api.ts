/*
 * Public API of `ballast-sync/msgpack`: the MessagePack codec for `ballast-sync/websocket`
 * (docs/PROTOCOL.md, "Codecs"). Its own entry point, so that only apps that use it bundle msgpackr.
 */
export { msgpackCodec } from './msgpack-codec';
