/*
 * Test kit of the cross-tab specs: a fake browser (one origin) whose tabs each have a
 * BroadcastChannelSyncTransport on Node's real BroadcastChannel and a shared fake Web Locks, and
 * list ViewModels whose State tells exactly which Inputs reached it, how often and in what order.
 * A tab can be closed (its ViewModels cleared, then its transport closed) or crash (it goes silent
 * at once: its messages stop and the browser drops its locks). Not a spec: no Jest dependency.
 */
import {
  BallastSyncInterceptor,
  BasicViewModel,
  DefaultSyncConnection,
  noOpLogger,
  type ActiveRole,
  type ClientType,
  type InputHandler,
  type SyncConnectionAdapter,
  type SyncNotification,
  type SyncStatus,
} from 'ballast-sync/core';
import { BroadcastChannel as NodeBroadcastChannel } from 'node:worker_threads';
import { BroadcastChannelSyncTransport } from './broadcast-channel-sync-transport';
import type { BroadcastChannelSyncTransportOptions } from './broadcast-channel-sync-transport-options';
import { FakeLockManager } from './fake-web-locks.spec-helper';
import type { BroadcastChannelLike } from './web-locks';

export interface ListState {
  readonly applied: readonly string[];
  readonly extra?: unknown;
}

export type ListInput =
  { readonly type: 'Add'; readonly id: string } | { readonly type: 'Put'; readonly extra: unknown };

export const add = (id: string): ListInput => ({ type: 'Add', id });

const listHandler: InputHandler<ListInput, never, ListState> = (input, scope) =>
  input.type === 'Add'
    ? scope.updateState((s) => ({ ...s, applied: [...s.applied, input.id] }))
    : scope.updateState((s) => ({ ...s, extra: input.extra }));

let origins = 0;

/** One browser context: an origin whose tabs share BroadcastChannels and Web Locks. */
export class FakeBrowser {
  readonly locks = new FakeLockManager();
  readonly tabs: FakeTab[] = [];
  private readonly origin = `origin-${++origins}-${Math.random().toString(36).slice(2)}`;
  private tabCount = 0;

  constructor(private readonly defaults: BroadcastChannelSyncTransportOptions = {}) {}

  tab(options: BroadcastChannelSyncTransportOptions = {}): FakeTab {
    const tab = new FakeTab(`tab-${++this.tabCount}`, this.origin, this.locks, {
      ...this.defaults,
      ...options,
    });
    this.tabs.push(tab);
    return tab;
  }

  /** Closes every tab still open (afterEach). */
  closeAll(): void {
    for (const tab of this.tabs) tab.close();
  }
}

export class FakeTab {
  readonly transport: BroadcastChannelSyncTransport;
  readonly participants: Participant[] = [];
  readonly errors: Error[] = [];
  private readonly ports = new Set<NodeBroadcastChannel>();
  private readonly lockView: ReturnType<FakeLockManager['client']>;
  private gone = false;

  constructor(
    readonly name: string,
    origin: string,
    locks: FakeLockManager,
    options: BroadcastChannelSyncTransportOptions,
  ) {
    this.lockView = locks.client(name);
    this.transport = new BroadcastChannelSyncTransport({
      locks: this.lockView,
      createBroadcastChannel: (channel) => this.open(`${origin}/${channel}`),
      onError: (error) => this.errors.push(error),
      ...options,
    });
  }

  /** A list ViewModel of `channel` with this role, on this tab's transport. */
  join(
    role: ClientType,
    name: string,
    options: {
      channel?: string;
      retransmitMs?: number;
      adapter?: SyncConnectionAdapter<ListInput, never, ListState>;
    } = {},
  ): Participant {
    const channel = options.channel ?? 'list';
    const participant = new Participant(name, this.transport, role, channel, options);
    this.participants.push(participant);
    return participant;
  }

  /** The tab closes the way an app tears down: ViewModels cleared, then the transport closed. */
  close(): void {
    if (this.gone) return;
    this.gone = true;
    for (const p of this.participants) p.vm.clear();
    this.transport.close();
    for (const port of this.ports) port.close();
  }

  /** The tab dies at once: nothing more goes out or comes in, and its Web Locks are dropped. */
  crash(): void {
    if (this.gone) return;
    this.gone = true;
    for (const port of this.ports) port.close();
    this.ports.clear();
    this.lockView.crash();
    for (const p of this.participants) p.vm.clear(); // runs no code that reaches anyone any more
  }

  private open(name: string): BroadcastChannelLike {
    if (this.gone) return { onmessage: null, postMessage: () => undefined, close: () => undefined };
    const port = new NodeBroadcastChannel(name);
    this.ports.add(port);
    const like: BroadcastChannelLike = {
      onmessage: null,
      postMessage: (message) => {
        if (this.gone && !this.ports.has(port)) return; // crashed: silent
        port.postMessage(message);
      },
      close: () => {
        this.ports.delete(port);
        port.close();
      },
    };
    port.onmessage = (event) => {
      if (this.ports.has(port)) like.onmessage?.(event as unknown as MessageEvent);
    };
    return like;
  }
}

export class Participant {
  readonly vm: BasicViewModel<ListInput, never, ListState>;
  readonly connection: DefaultSyncConnection<ListInput, never, ListState>;
  readonly roles: ActiveRole[] = [];
  readonly sync: SyncNotification<ListInput, ListState>[] = [];
  readonly unhandled: string[] = [];
  status: SyncStatus = 'disconnected';
  activeRole: ActiveRole | undefined;

  constructor(
    readonly name: string,
    transport: BroadcastChannelSyncTransport,
    role: ClientType,
    channel: string,
    options: {
      retransmitMs?: number;
      adapter?: SyncConnectionAdapter<ListInput, never, ListState>;
    },
  ) {
    const elected = role === 'elected';
    const sourceLike = role === 'source' || elected;
    this.connection = new DefaultSyncConnection<ListInput, never, ListState>({
      clientType: role,
      adapter: options.adapter ?? transport.adapterFor<ListInput, never, ListState>(channel),
      retransmit: { intervalMs: options.retransmitMs ?? 20, maxIntervalMs: 200 },
      ...(sourceLike && { snapshots: transport.snapshotStoreFor<ListState>(channel) }),
      ...(elected && { election: transport.electionFor(channel) }),
    });
    this.connection.observeStatus().subscribe((status) => (this.status = status));
    this.connection.observeRole?.().subscribe((r) => {
      this.activeRole = r;
      this.roles.push(r);
    });
    this.connection.observeSyncNotifications().subscribe((n) => this.sync.push(n));
    this.vm = new BasicViewModel<ListInput, never, ListState>({
      name: channel,
      initialState: { applied: [] },
      inputHandler: listHandler,
      logger: noOpLogger,
      interceptors: [new BallastSyncInterceptor(this.connection)],
    });
    this.vm.observeNotifications().subscribe((n) => {
      if (n.type === 'UnhandledError')
        this.unhandled.push(String((n.error as Error)?.message ?? n.error));
    });
  }

  send(id: string): boolean {
    return this.vm.trySend(add(id));
  }

  ids(): readonly string[] {
    return this.vm.getCurrentState().applied;
  }
}

/** Polls `predicate` every 5 ms until it holds; throws with `describe()` after `timeoutMs`. */
export async function waitUntil(
  predicate: () => boolean,
  describe: () => unknown = () => '',
  timeoutMs = 3000,
): Promise<number> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms: ${JSON.stringify(describe())}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return Date.now() - started;
}

/** Lets deliveries in flight arrive (Node's BroadcastChannel delivers in a later task). */
export function settle(ms = 30): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
