import { WebSocket } from 'ws';
import {
  BallastSyncInterceptor,
  BasicViewModel,
  DefaultSyncConnection,
  fifo,
  type BallastLogger,
  type SyncStatus,
} from 'ballast-sync/core';
import { WebSocketSyncTransport } from 'ballast-sync/websocket';
import {
  applyCounterInput,
  initialCounterState,
  type CounterInput,
  type CounterState,
} from './counter-channel.js';

/** A logger that keeps what it is told (tests assert on it instead of printing it). */
export function recordingLogger(): BallastLogger & { readonly lines: string[] } {
  const lines: string[] = [];
  const keep = (message: string, error?: unknown) =>
    void lines.push(error === undefined ? message : `${message} ${String(error)}`);
  return { lines, debug: () => undefined, info: () => undefined, warn: keep, error: keep };
}

/** A client app: one WebSocketSyncTransport (one socket), as a browser tab would have. */
export function clientTransport(url: string, token?: string): WebSocketSyncTransport {
  return new WebSocketSyncTransport({
    url,
    token,
    WebSocket: WebSocket as never,
    reconnect: { initialDelayMs: 20, maxDelayMs: 200, jitter: 0 },
    onError: () => undefined,
  });
}

export interface CounterClient {
  readonly vm: BasicViewModel<CounterInput, never, CounterState>;
  readonly connection: DefaultSyncConnection<CounterInput, never, CounterState>;
  readonly status: () => SyncStatus;
}

/** A core Replica or Spectator of the `counter` channel over a transport. */
export function counterClient(
  transport: WebSocketSyncTransport,
  role: 'replica' | 'spectator',
  channel = 'counter',
): CounterClient {
  const connection = new DefaultSyncConnection<CounterInput, never, CounterState>({
    clientType: role,
    adapter: transport.adapterFor<CounterInput, never, CounterState>(channel),
    retransmit: { intervalMs: 200, maxIntervalMs: 1000 },
  });
  let status: SyncStatus = 'disconnected';
  connection.observeStatus().subscribe((s) => (status = s));
  const vm = new BasicViewModel<CounterInput, never, CounterState>({
    name: channel,
    initialState: initialCounterState,
    inputStrategy: fifo(),
    inputQueue: { capacity: 10_000 },
    inputHandler: (input, scope) => scope.updateState((state) => applyCounterInput(state, input)),
    interceptors: [new BallastSyncInterceptor(connection)],
    logger: recordingLogger(),
  });
  return { vm, connection, status: () => status };
}
