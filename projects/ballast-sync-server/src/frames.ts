/**
 * The frames of the WebSocket protocol (docs/PROTOCOL.md), one documented shape and one validator
 * each. Parsing never throws: anything that is not a well-formed client frame is a `problem` that
 * takes the connection's single bad-frame path.
 */
import { SYNC_PROTOCOL_VERSION, type SyncedInput } from 'ballast-sync/core';

/** The version of this WebSocket protocol (`hello.protocol`), independent of the envelopes'. */
export const WIRE_PROTOCOL_VERSION = 1;

/** The role a client participant plays in a channel. */
export type ParticipantRole = 'replica' | 'spectator';

/** Longest channel name or clientId accepted (characters). */
export const MAX_ID_LENGTH = 256;

export interface HelloFrame {
  readonly type: 'hello';
  readonly protocol: number;
  /** The codecs the client speaks, preferred first (`codecs`, else the single `codec`, else JSON). */
  readonly codecs: readonly string[];
  /** Optional features the client asks for (`"delta"`, `"ping"`); unknown ones are ignored. */
  readonly features: readonly string[];
}
export interface JoinFrame {
  readonly type: 'join';
  readonly channel: string;
  readonly clientId: string;
  readonly role: ParticipantRole;
}
export interface LeaveFrame {
  readonly type: 'leave';
  readonly channel: string;
  readonly clientId: string;
}
export interface InputFrame {
  readonly type: 'input';
  readonly channel: string;
  /** Not validated here: the connection checks it with the core's `syncedInputProblem`. */
  readonly input: unknown;
}
/** A client that could not apply a delta asks for the channel's State in full. */
export interface ResyncFrame {
  readonly type: 'resync';
  readonly channel: string;
}
/** A client that hears nothing from the server asks for a `pong`, to know the link is alive. */
export interface PingFrame {
  readonly type: 'ping';
}
export type ClientFrame =
  HelloFrame | JoinFrame | LeaveFrame | InputFrame | ResyncFrame | PingFrame;

/** Every error code of an `error` frame. */
export const ERROR_CODES = [
  'bad-frame',
  'hello-first',
  'unknown-channel',
  'forbidden',
  'not-a-replica',
  'not-joined',
  'too-many-participants',
  'invalid-input',
  'rate-limited',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Close codes the server uses (see docs/PROTOCOL.md). */
export const CloseCode = {
  GoingAway: 1001,
  Policy: 1008,
  TooLarge: 1009,
  TryAgainLater: 1013,
  ProtocolMismatch: 4000,
  HelloExpected: 4001,
} as const;

export type ParsedFrame = { readonly frame: ClientFrame } | { readonly problem: string };

const isId = (value: unknown): value is string =>
  typeof value === 'string' && value !== '' && value.length <= MAX_ID_LENGTH;

const idProblem = (field: string) =>
  `${field} must be a non-empty string of at most ${MAX_ID_LENGTH} characters`;

const isStringList = (value: unknown): value is string[] =>
  Array.isArray(value) &&
  value.length <= 16 &&
  value.every((item) => typeof item === 'string' && item.length <= 64);

/** Parses one text frame received from a client. */
export function parseClientFrame(text: string): ParsedFrame {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { problem: 'the frame is not JSON' };
  }
  return readClientFrame(value);
}

/** Checks one decoded frame (from a text frame, or a binary one of the socket's codec). */
export function readClientFrame(value: unknown): ParsedFrame {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { problem: 'the frame is not a JSON object' };
  const v = value as Record<string, unknown>;
  switch (v['type']) {
    case 'hello': {
      const protocol = v['protocol'];
      if (typeof protocol !== 'number' || !Number.isInteger(protocol))
        return { problem: 'hello.protocol must be a whole number' };
      const codec = v['codec'] ?? 'json';
      if (typeof codec !== 'string') return { problem: 'hello.codec must be a string' };
      const codecs = v['codecs'] ?? [codec];
      if (!isStringList(codecs) || codecs.length === 0)
        return { problem: 'hello.codecs must be a non-empty list of codec names' };
      const features = v['features'] ?? [];
      if (!isStringList(features)) return { problem: 'hello.features must be a list of names' };
      return { frame: { type: 'hello', protocol, codecs, features } };
    }
    case 'join': {
      const { channel, clientId, role } = v;
      if (!isId(channel)) return { problem: idProblem('join.channel') };
      if (!isId(clientId)) return { problem: idProblem('join.clientId') };
      if (role !== 'replica' && role !== 'spectator')
        return { problem: 'join.role must be "replica" or "spectator"' };
      return { frame: { type: 'join', channel, clientId, role } };
    }
    case 'leave': {
      const { channel, clientId } = v;
      if (!isId(channel)) return { problem: idProblem('leave.channel') };
      if (!isId(clientId)) return { problem: idProblem('leave.clientId') };
      return { frame: { type: 'leave', channel, clientId } };
    }
    case 'input': {
      const { channel, input } = v;
      if (!isId(channel)) return { problem: idProblem('input.channel') };
      if (typeof input !== 'object' || input === null)
        return { problem: 'input.input must be a SyncedInput object' };
      return { frame: { type: 'input', channel, input } };
    }
    case 'resync': {
      const { channel } = v;
      if (!isId(channel)) return { problem: idProblem('resync.channel') };
      return { frame: { type: 'resync', channel } };
    }
    case 'ping':
      return { frame: { type: 'ping' } };
    default:
      return typeof v['type'] === 'string'
        ? { problem: `unknown frame type ${JSON.stringify(v['type'].slice(0, 40))}` }
        : { problem: 'the frame has no string "type"' };
  }
}

/** The answer to a `ping` (in the socket's codec). */
export const PONG_FRAME = Object.freeze({ type: 'pong' });

/** The `welcome` frame, answer to `hello` (always JSON text): the codec and features chosen. */
export function welcomeFrame(
  serverId: string,
  heartbeatMs: number,
  limits: WelcomeLimits,
  codec: string,
  features: readonly string[],
): string {
  return JSON.stringify({
    type: 'welcome',
    protocol: WIRE_PROTOCOL_VERSION,
    serverId,
    heartbeatMs,
    limits,
    codec,
    features,
  });
}

/** The limits a client is told in `welcome`, so it can stay within them. */
export interface WelcomeLimits {
  readonly maxFrameBytes: number;
  readonly inputsPerSecond: number;
  readonly inputBurst: number;
  readonly maxParticipantsPerConnection: number;
}

export interface ErrorDetails {
  readonly channel?: string;
  readonly clientId?: string;
  readonly seq?: number;
}

export function errorFrame(code: ErrorCode, message: string, details: ErrorDetails = {}): object {
  return { type: 'error', code, message, ...details };
}

/**
 * The envelope the Source receives for a client's well-formed SyncedInput, built field by field:
 * nothing else the client put in it (a `refused` in particular) passes, and `id` is derived.
 */
export function rebuildEnvelope(received: SyncedInput<unknown>): SyncedInput<unknown> {
  return {
    protocol: SYNC_PROTOCOL_VERSION,
    id: `${received.incarnation}:${received.seq}`,
    clientId: received.clientId,
    incarnation: received.incarnation,
    seq: received.seq,
    firstUnacknowledged: received.firstUnacknowledged,
    to: received.to,
    seen: received.seen,
    input: received.input,
  };
}
