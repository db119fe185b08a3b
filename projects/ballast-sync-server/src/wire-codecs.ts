import { Packr } from 'msgpackr';

/**
 * How frames are written on one socket, negotiated in `hello` / `welcome` (docs/PROTOCOL.md,
 * "Codecs"). `hello` and `welcome` are always JSON text; afterwards a socket speaks its codec both
 * ways: JSON as text frames, MessagePack as binary frames.
 */
export type WireCodecName = 'json' | 'msgpack';

/** Every codec this server can speak, in the order it prefers them. */
export const WIRE_CODECS: readonly WireCodecName[] = ['json', 'msgpack'];

export interface WireCodec {
  readonly name: WireCodecName;
  /** Whether its frames are binary (else text). */
  readonly binary: boolean;
  encode(frame: object): Buffer;
  /** The frame's value; throws on bytes that are not this codec's. */
  decode(data: Buffer): unknown;
}

const json: WireCodec = {
  name: 'json',
  binary: false,
  encode: (frame) => Buffer.from(JSON.stringify(frame)),
  decode: (data) => JSON.parse(data.toString()),
};

let msgpack: WireCodec | undefined;

/** The codec of that name (MessagePack: plain maps, no msgpackr records, undefined left out). */
export function wireCodec(name: WireCodecName): WireCodec {
  if (name === 'json') return json;
  if (!msgpack) {
    const packr = new Packr({ useRecords: false, skipValues: [undefined] } as object);
    msgpack = {
      name: 'msgpack',
      binary: true,
      encode: (frame) => packr.pack(frame),
      decode: (data) => packr.unpack(data),
    };
  }
  return msgpack;
}
