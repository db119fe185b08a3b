/**
 * A binary codec for the frames of a WebSocketSyncTransport, negotiated with the server in
 * `hello` (docs/PROTOCOL.md, "Codecs"). Without one, frames are JSON text; a server that does not
 * speak the codec answers JSON, and the transport follows. MessagePack: `msgpackCodec()` from
 * `ballast-sync/msgpack` (its own entry point, so that apps speaking JSON do not bundle it).
 */
export interface WebSocketSyncCodec {
  /** Its name in the protocol (`'msgpack'`). */
  readonly name: string;
  encode(frame: object): Uint8Array;
  /** The frame's value; throws on bytes that are not this codec's. */
  decode(data: Uint8Array): unknown;
}
