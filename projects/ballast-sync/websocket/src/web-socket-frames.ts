import type { SyncedInput, SyncedState, SyncReaderRole } from 'ballast-sync/core';

/** The version of the wire protocol (docs/PROTOCOL.md) this client speaks. */
export const WIRE_PROTOCOL_VERSION = 1;

/** Close code: the server speaks another protocol version (the reason says which). */
export const CLOSE_PROTOCOL_MISMATCH = 4000;

/** A frame this client sends (docs/PROTOCOL.md, "Client → server"). */
export type ClientFrame =
  | { readonly type: 'hello'; readonly protocol: number; readonly codec: 'json' }
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
  | { readonly type: 'welcome'; readonly protocol: number; readonly serverId?: string }
  | {
      readonly type: 'joined';
      readonly channel: string;
      readonly clientId: string;
      readonly role?: SyncReaderRole;
    }
  | { readonly type: 'state'; readonly channel: string; readonly state: SyncedState<unknown> }
  | {
      readonly type: 'error';
      readonly code: string;
      readonly message: string;
      readonly channel?: string;
      readonly clientId?: string;
      readonly seq?: number;
    };

const isName = (value: unknown): value is string => typeof value === 'string' && value !== '';
const isOptional = (value: unknown, check: (v: unknown) => boolean) =>
  value === undefined || check(value);

/**
 * Reads one frame from the server: the frame, or what is wrong with it. Only the fields this
 * client relies on are checked; the State inside a `state` frame is checked by the core.
 */
export function readServerFrame(data: unknown): ServerFrame | { readonly problem: string } {
  if (typeof data !== 'string')
    return { problem: 'a binary frame (protocol 1 has only JSON text frames)' };
  let frame: Record<string, unknown>;
  try {
    frame = JSON.parse(data);
  } catch {
    return { problem: 'a frame that is not JSON' };
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
