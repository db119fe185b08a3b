import type { DeltaOperation, SyncedInput, SyncedState, SyncReaderRole } from 'ballast-sync/core';
import type { WebSocketSyncCodec } from './web-socket-codec';

/** The version of the wire protocol (docs/PROTOCOL.md) this client speaks. */
export const WIRE_PROTOCOL_VERSION = 1;

/** Close code: the server speaks another protocol version (the reason says which). */
export const CLOSE_PROTOCOL_MISMATCH = 4000;

/** The feature a client asks for in `hello` to be sent deltas (docs/PROTOCOL.md, Deltas). */
export const DELTA_FEATURE = 'delta';

/** The feature of a server that answers `ping` frames (docs/PROTOCOL.md, Liveness). */
export const PING_FEATURE = 'ping';

/** A frame this client sends (docs/PROTOCOL.md, "Client → server"). */
export type ClientFrame =
  | {
      readonly type: 'hello';
      readonly protocol: number;
      readonly codecs: readonly string[];
      readonly features: readonly string[];
    }
  | { readonly type: 'resync'; readonly channel: string }
  /** Asks the server for a `pong` (only when its welcome listed the feature `"ping"`). */
  | { readonly type: 'ping' }
  | {
      readonly type: 'join';
      readonly channel: string;
      readonly clientId: string;
      readonly role: SyncReaderRole;
    }
  | { readonly type: 'leave'; readonly channel: string; readonly clientId: string }
  | { readonly type: 'input'; readonly channel: string; readonly input: SyncedInput<unknown> };

/** A frame the server sends (docs/PROTOCOL.md, "Server → client"), checked by {@link readServerFrame}. */
export type ServerFrame =
  | {
      readonly type: 'welcome';
      readonly protocol: number;
      readonly serverId?: string;
      /** The codec chosen (absent from servers that only speak JSON). */
      readonly codec?: string;
      readonly features?: readonly string[];
    }
  | {
      readonly type: 'joined';
      readonly channel: string;
      readonly clientId: string;
      readonly role?: SyncReaderRole;
    }
  | { readonly type: 'state'; readonly channel: string; readonly state: SyncedState<unknown> }
  | DeltaFrame
  /** The answer to a `ping`. */
  | { readonly type: 'pong' }
  | {
      readonly type: 'error';
      readonly code: string;
      readonly message: string;
      readonly channel?: string;
      readonly clientId?: string;
      readonly seq?: number;
    };

/** What changed from one State of a channel to the next (docs/PROTOCOL.md, `delta`). */
export interface DeltaFrame {
  readonly type: 'delta';
  readonly channel: string;
  /** The State the operations apply to: the receiver must hold exactly this one. */
  readonly from: { readonly incarnation: string; readonly version: number };
  /** The new State's envelope, without its `state`. */
  readonly to: Omit<SyncedState<unknown>, 'state'>;
  readonly ops: readonly DeltaOperation[];
}

const isName = (value: unknown): value is string => typeof value === 'string' && value !== '';
const isOptional = (value: unknown, check: (v: unknown) => boolean) =>
  value === undefined || check(value);

/**
 * Reads one frame from the server: the frame, or what is wrong with it. Only the fields this
 * client relies on are checked; the State inside a `state` frame is checked by the core.
 */
export function readServerFrame(
  data: unknown,
  codec?: WebSocketSyncCodec,
): ServerFrame | { readonly problem: string } {
  let frame: Record<string, unknown>;
  if (typeof data === 'string') {
    try {
      frame = JSON.parse(data);
    } catch {
      return { problem: 'a frame that is not JSON' };
    }
  } else {
    const bytes = asBytes(data);
    if (!bytes) return { problem: 'a frame that is neither text nor binary' };
    if (!codec) return { problem: 'a binary frame, but no binary codec was chosen in the hello' };
    try {
      frame = codec.decode(bytes) as Record<string, unknown>;
    } catch {
      return { problem: `a binary frame that is not ${codec.name}` };
    }
  }
  if (frame === null || typeof frame !== 'object' || Array.isArray(frame))
    return { problem: 'a frame that is not a JSON object' };
  const bad = (what: string) => ({ problem: `a "${String(frame['type'])}" frame ${what}` });
  switch (frame['type']) {
    case 'welcome':
      if (typeof frame['protocol'] !== 'number') return bad('without a numeric protocol');
      return frame as ServerFrame;
    case 'joined':
      if (!isName(frame['channel']) || !isName(frame['clientId']))
        return bad('without channel and clientId');
      return frame as ServerFrame;
    case 'state':
      if (!isName(frame['channel'])) return bad('without a channel');
      if (frame['state'] === null || typeof frame['state'] !== 'object')
        return bad('without a state object');
      return frame as ServerFrame;
    case 'delta': {
      const from = frame['from'] as Record<string, unknown> | null;
      if (!isName(frame['channel'])) return bad('without a channel');
      if (typeof from !== 'object' || from === null || !isName(from['incarnation']))
        return bad('without from.incarnation');
      if (typeof from['version'] !== 'number') return bad('without from.version');
      if (typeof frame['to'] !== 'object' || frame['to'] === null) return bad('without to');
      if (!Array.isArray(frame['ops'])) return bad('without ops');
      return frame as unknown as ServerFrame;
    }
    case 'pong':
      return { type: 'pong' };
    case 'error':
      if (!isName(frame['code'])) return bad('without a code');
      if (
        !isOptional(frame['channel'], isName) ||
        !isOptional(frame['clientId'], isName) ||
        !isOptional(frame['message'], (m) => typeof m === 'string')
      )
        return bad('with malformed fields');
      return { ...frame, message: (frame['message'] as string | undefined) ?? '' } as ServerFrame;
    default:
      return { problem: `a frame of unknown type ${JSON.stringify(frame['type'])}` };
  }
}

/** The bytes of a binary frame: an ArrayBuffer (browsers) or a Buffer / typed array (Node). */
function asBytes(data: unknown): Uint8Array | undefined {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data))
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return undefined;
}
