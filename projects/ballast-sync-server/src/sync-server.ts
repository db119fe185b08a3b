import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { createConsoleLogger } from 'ballast-sync/core';
import { ballastError } from './errors.js';
import { ChannelHost, type ChannelStats } from './channel-host.js';
import { Connection, type ConnectionContext } from './connection.js';
import { CloseCode, type WelcomeLimits } from './frames.js';
import { resolveLimits } from './limits.js';
import type { SyncChannel } from './sync-channel.js';
import { Refusals, type RefusalKind } from './refusals.js';
import { InMemorySnapshotStores, TrackedSnapshotStore } from './snapshot-stores.js';
import { validateSyncServerOptions, type SyncServerOptions } from './sync-server-options.js';
import { WIRE_CODECS } from './wire-codecs.js';
import { authenticateWithin, readUpgradeUrl, refuseUpgrade } from './upgrade.js';

/** What a running server reports: `stats()` of its handle. */
export interface SyncServerStats {
  /** Sockets open now. */
  readonly connections: number;
  /** Sockets accepted since the start. */
  readonly connectionsAccepted: number;
  /** State frames handed to sockets (one per socket per publication), snapshots and deltas. */
  readonly stateFramesSent: number;
  /** How many of them were `delta` frames (to clients that asked for deltas). */
  readonly deltaFramesSent: number;
  /** `pong` frames sent, one per `ping` answered (clients ping only when they hear nothing). */
  readonly pingsAnswered: number;
  /** Every refusal, by kind (all kinds present, most 0). */
  readonly refused: Readonly<Record<RefusalKind, number>>;
  readonly channels: Readonly<Record<string, ChannelStats>>;
}

/** A running server. */
export interface SyncServer {
  /** The port it listens on (with `server`: that server's, 0 while it does not listen). */
  readonly port: number;
  /** This run's id (also sent in `welcome`). */
  readonly serverId: string;
  stats(): SyncServerStats;
  /**
   * Graceful stop: takes no new connection, lets the Inputs already received finish and their
   * acknowledgements go out, saves every channel's snapshot, then closes the clients with 1001
   * (they reconnect). `graceMs` (default 10 000) bounds each waiting step.
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

const DEFAULT_PATH = '/ballast-sync';

/**
 * Starts a server that hosts the Source of each channel behind WebSockets (docs/PROTOCOL.md).
 * Clients connect with `WebSocketSyncTransport` as Replicas or Spectators. Each channel continues
 * from its last snapshot, if its store has one.
 *
 * @example
 * const server = await createSyncServer({
 *   port: 8080,
 *   channels: { counter: defineSyncChannel({ initialState: { count: 0 }, inputHandler }) },
 *   authenticate: ({ token }) => verify(token), // the principal, or undefined: HTTP 401
 *   authorize: (user, channel, role) => role === 'spectator' || user.canEdit,
 *   snapshots: new FileSnapshotStore('./snapshots'),
 * });
 * process.once('SIGTERM', () => void server.close());
 */
export async function createSyncServer<P = unknown>(
  options: SyncServerOptions<P>,
): Promise<SyncServer> {
  validateSyncServerOptions(options as SyncServerOptions<unknown>);
  const limits = resolveLimits(options.limits);
  const logger = options.logger ?? createConsoleLogger();
  const path = options.path ?? DEFAULT_PATH;
  const refusals = new Refusals(logger);
  const serverId = randomUUID();
  const provider = options.snapshots ?? new InMemorySnapshotStores();
  const reportError = (message: string, error: unknown) =>
    logger.error(`ballast-sync: ${message}.`, error);

  // Every channel's snapshot is read (and checked) before anything listens.
  const channels = new Map<string, ChannelHost<unknown, unknown, unknown>>();
  const stores = Object.keys(options.channels).map(
    (name) =>
      [name, new TrackedSnapshotStore<unknown>(provider.snapshotStoreFor(name), name)] as const,
  );
  await Promise.all(stores.map(([, store]) => store.preload()));
  for (const [name, store] of stores)
    channels.set(
      name,
      new ChannelHost(
        name,
        options.channels[name] as SyncChannel<unknown, unknown, unknown>,
        store,
        logger,
      ),
    );

  const connections = new Set<Connection<P>>();
  let pendingUpgrades = 0;
  let accepted = 0;
  let stateFramesSent = 0;
  let deltaFramesSent = 0;
  let pingsAnswered = 0;
  let closing: Promise<void> | undefined;
  const welcomeLimits: WelcomeLimits = {
    maxFrameBytes: limits.maxFrameBytes,
    inputsPerSecond: limits.inputsPerSecond,
    inputBurst: limits.inputBurst,
    maxParticipantsPerConnection: limits.maxParticipantsPerConnection,
  };
  const context: ConnectionContext<P> = {
    serverId,
    limits,
    welcomeLimits,
    channels,
    refusals,
    codecs: options.codecs ?? WIRE_CODECS,
    authorize: options.authorize ?? (() => true),
    reportError,
    stateSent: (kind) => {
      stateFramesSent++;
      if (kind === 'delta') deltaFramesSent++;
    },
    pongSent: () => void pingsAnswered++,
  };
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxFrameBytes,
    perMessageDeflate: false,
    clientTracking: false,
  });

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = readUpgradeUrl(request);
    if (url.path !== path) {
      // Another path belongs to whoever else listens on a shared server.
      if (!options.server)
        refuseUpgrade(socket, 404, `ballast-sync: WebSockets are served on ${path}`);
      return;
    }
    // A client that vanishes mid-handshake. Not a closure: one made here would keep this upgrade's
    // request alive for the socket's whole life (closures of one scope share their variables).
    socket.on('error', destroySocket);
    if (closing) {
      refusals.record('shutting-down', undefined, 'the server is closing');
      return refuseUpgrade(socket, 503, 'ballast-sync: the server is closing; reconnect later');
    }
    if (connections.size + pendingUpgrades >= limits.maxConnections) {
      refusals.record(
        'too-many-connections',
        undefined,
        `${limits.maxConnections} connections open`,
      );
      return refuseUpgrade(socket, 503, 'ballast-sync: too many connections; reconnect later');
    }
    pendingUpgrades++;
    void authenticateWithin<P>(
      options.authenticate,
      { token: url.token, request },
      limits.authenticateTimeoutMs,
      (error) => reportError('authenticate() threw; the connection is refused (HTTP 401)', error),
    ).then((result) => {
      pendingUpgrades--;
      if (!result) {
        refusals.record('unauthenticated', undefined, 'authenticate() refused a connection');
        return refuseUpgrade(socket, 401, 'ballast-sync: not authenticated');
      }
      if (closing) return refuseUpgrade(socket, 503, 'ballast-sync: the server is closing');
      if (socket.destroyed) return;
      wss.handleUpgrade(request, socket, head, (ws) => {
        const address = request.socket.remoteAddress ?? 'unknown';
        const connection = new Connection(ws, result.principal, context, ++accepted, address);
        connections.add(connection);
        void connection.closed.then(() => connections.delete(connection));
      });
    });
  };

  const http =
    options.server ??
    createServer((_request, response) => {
      response.writeHead(426, { 'Content-Type': 'text/plain', Connection: 'close' });
      response.end(`ballast-sync: connect with a WebSocket on ${path}\n`);
    });
  http.on('upgrade', onUpgrade);
  if (!options.server) {
    try {
      await listen(http, options.port as number, options.host);
    } catch (error) {
      http.off('upgrade', onUpgrade);
      await Promise.all([...channels.values()].map((host) => host.close(0)));
      throw ballastError(
        `createSyncServer could not listen on ${options.host ?? '*'}:${options.port} (${(error as Error).message}); choose another port or stop what uses it.`,
        { cause: error },
      );
    }
  }
  const heartbeat = setInterval(() => {
    for (const connection of connections) connection.heartbeat();
  }, limits.heartbeatMs);
  heartbeat.unref();

  const close = async (graceMs: number) => {
    clearInterval(heartbeat);
    http.off('upgrade', onUpgrade);
    const httpClosed = options.server
      ? undefined
      : new Promise<void>((resolve) => http.close(() => resolve()));
    // From here on the sockets' frames are ignored; the Replicas re-send them to the next server.
    for (const connection of connections) connection.stopReading();
    await Promise.all([...channels.values()].map((host) => host.close(graceMs)));
    for (const connection of connections)
      connection.close(CloseCode.GoingAway, 'server going away');
    await waitAtMost(Promise.all([...connections].map((c) => c.closed)), graceMs);
    for (const connection of connections) connection.terminate();
    wss.close();
    if (httpClosed) {
      (http as HttpServer).closeAllConnections();
      await httpClosed;
    }
  };

  return {
    get port() {
      const address = http.address();
      return typeof address === 'object' && address ? (address as AddressInfo).port : 0;
    },
    serverId,
    stats: () => ({
      connections: connections.size,
      connectionsAccepted: accepted,
      stateFramesSent,
      deltaFramesSent,
      pingsAnswered,
      refused: refusals.snapshot(),
      channels: Object.fromEntries([...channels].map(([name, host]) => [name, host.stats()])),
    }),
    close: ({ graceMs = 10_000 } = {}) => (closing ??= close(graceMs)),
  };
}

function listen(server: HttpServer, port: number, host: string | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

async function waitAtMost(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

function destroySocket(this: Duplex): void {
  this.destroy();
}
