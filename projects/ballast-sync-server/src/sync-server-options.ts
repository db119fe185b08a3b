import { ballastError } from './errors.js';
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { type BallastLogger } from 'ballast-sync/core';
import type { ParticipantRole } from './frames.js';
import { isStandardSchema } from './input-validation.js';
import type { SyncServerLimits } from './limits.js';
import { isSnapshotStoreProvider, type SnapshotStoreProvider } from './snapshot-stores.js';
import type { AnySyncChannel } from './sync-channel.js';
import { WIRE_CODECS, type WireCodecName } from './wire-codecs.js';

/** What `authenticate` is given: the upgrade request and its `token` query parameter. */
export interface AuthenticationRequest {
  /** The `token` query parameter of the WebSocket URL (undefined without one). */
  readonly token: string | undefined;
  /** The HTTP upgrade request (headers, `socket.remoteAddress`, URL). */
  readonly request: IncomingMessage;
}

/** Options of {@link createSyncServer}. Give `port` or `server`. */
export interface SyncServerOptions<P = unknown> {
  /** Listens on this port (0: a free one, see the handle's `port`). */
  port?: number;
  /** Listens on this interface (default: all). Only with `port`. */
  host?: string;
  /** Serves WebSockets on an existing HTTP(S) server instead (the caller listens and closes it). */
  server?: HttpServer | HttpsServer;
  /** The WebSocket path (default `'/ballast-sync'`). */
  path?: string;
  /** The channels the server hosts the Source of, by name (the clients' ViewModel name). */
  channels: Readonly<Record<string, AnySyncChannel>>;
  /**
   * Runs before the upgrade: returns the principal (any value but `undefined`, `null` or `false`),
   * or refuses with one of those (or by throwing): HTTP 401, no socket. Without it everyone
   * connects, with principal `undefined`.
   */
  authenticate?: (
    request: AuthenticationRequest,
  ) => P | null | undefined | false | Promise<P | null | undefined | false>;
  /** Decides each `join` (default: all); `false` (or a throw) answers `forbidden`. */
  authorize?: (principal: P, channel: string, role: ParticipantRole) => boolean | Promise<boolean>;
  /** Limits of what clients may do (see DEFAULT_LIMITS). */
  limits?: Partial<SyncServerLimits>;
  /** Where each channel's Source snapshot is kept (default: in memory; FileSnapshotStore for restarts). */
  snapshots?: SnapshotStoreProvider;
  /** Where the server and its channels' ViewModels log (default: console, warnings and errors). */
  logger?: BallastLogger;
  /**
   * The codecs clients may choose in `hello` (default both: `['json', 'msgpack']`). A client that
   * offers none of them is closed with 4000. `hello` and `welcome` are JSON whatever the choice.
   */
  codecs?: readonly WireCodecName[];
}

const KNOWN = [
  'port',
  'host',
  'server',
  'path',
  'channels',
  'authenticate',
  'authorize',
  'limits',
  'snapshots',
  'logger',
  'codecs',
];

const fail = (message: string): never => {
  throw ballastError(`createSyncServer: ${message}`);
};

/** Checks createSyncServer's options, throwing a `ballast-sync: ` error that says what to change. */
export function validateSyncServerOptions(options: SyncServerOptions<unknown>): void {
  if (options === null || typeof options !== 'object')
    fail('needs options { port (or server), channels }.');
  for (const key of Object.keys(options)) {
    if (!KNOWN.includes(key)) fail(`has no option "${key}"; the options are ${KNOWN.join(', ')}.`);
  }
  const { port, host, server, path, channels } = options;
  if ((port === undefined) === (server === undefined))
    fail(
      'give either port (to listen on) or server (an existing HTTP server), not both nor neither.',
    );
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535))
    fail(`port must be a whole number from 0 to 65535 (0 picks a free one); got ${String(port)}.`);
  if (host !== undefined && (typeof host !== 'string' || server !== undefined))
    fail('host is a string (e.g. "127.0.0.1"), and only goes with port.');
  if (server !== undefined && typeof (server as { on?: unknown }).on !== 'function')
    fail('server must be a node:http or node:https Server.');
  if (path !== undefined && (typeof path !== 'string' || !path.startsWith('/')))
    fail(`path must start with "/" (default "/ballast-sync"); got ${JSON.stringify(path)}.`);
  if (channels === null || typeof channels !== 'object' || Object.keys(channels).length === 0)
    fail('channels must name at least one channel: { counter: { initialState, inputHandler } }.');
  for (const [name, channel] of Object.entries(channels)) validateChannel(name, channel);
  for (const key of ['authenticate', 'authorize'] as const) {
    if (options[key] !== undefined && typeof options[key] !== 'function')
      fail(`${key} must be a function.`);
  }
  if (options.snapshots !== undefined && !isSnapshotStoreProvider(options.snapshots))
    fail('snapshots must have snapshotStoreFor(channel), e.g. new FileSnapshotStore(directory).');
  const codecs = options.codecs as unknown;
  if (
    codecs !== undefined &&
    (!Array.isArray(codecs) ||
      codecs.length === 0 ||
      codecs.some((c) => !WIRE_CODECS.includes(c as WireCodecName)))
  )
    fail(`codecs lists "json" and/or "msgpack"; got ${JSON.stringify(codecs)}.`);
  const logger = options.logger as Partial<BallastLogger> | undefined;
  if (
    logger !== undefined &&
    (['debug', 'info', 'warn', 'error'] as const).some((m) => typeof logger?.[m] !== 'function')
  )
    fail('logger must have debug, info, warn and error methods (e.g. createConsoleLogger()).');
}

function validateChannel(name: string, channel: AnySyncChannel): void {
  const where = `channels["${name}"]`;
  if (name === '' || name.length > 256) fail('a channel name is 1 to 256 characters long.');
  if (channel === null || typeof channel !== 'object')
    fail(`${where} must be { initialState, inputHandler, … }.`);
  if (!('initialState' in channel) || channel.initialState === undefined)
    fail(`${where} needs an initialState.`);
  if (typeof channel.inputHandler !== 'function')
    fail(`${where}.inputHandler must be a function (input, scope) => …, the one clients use.`);
  const roles = channel.roles;
  if (
    roles !== undefined &&
    (!Array.isArray(roles) ||
      roles.length === 0 ||
      roles.some((r: unknown) => r !== 'replica' && r !== 'spectator'))
  )
    fail(`${where}.roles lists "replica" and/or "spectator"; got ${JSON.stringify(roles)}.`);
  const validate = channel.validateInput;
  if (validate !== undefined && typeof validate !== 'function' && !isStandardSchema(validate))
    fail(
      `${where}.validateInput must be a function (input) => true | false | problem, or a Standard Schema validator (zod, valibot…).`,
    );
}
