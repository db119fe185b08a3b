/*
 * Benchmark page for case 5 (across tabs), bundled with esbuild by bench/cases/cross-tab.ts and
 * opened in two tabs of one headless Chromium context. Each `window.bench*` function runs one step
 * in this tab; the case drives both tabs through Playwright.
 */
import {
  BallastSyncInterceptor,
  BasicViewModel,
  DefaultSyncConnection,
  noOpLogger,
  type ClientType,
  type SyncNotification,
} from 'ballast-sync/core';
import { BroadcastChannelSyncTransport } from 'ballast-sync/cross-tab';
import { BroadcastChannel as NpmBroadcastChannel, createLeaderElection } from 'broadcast-channel';

type Input = { readonly type: 'Increment' };
interface State {
  readonly count: number;
}

const now = () => performance.timeOrigin + performance.now();
let onSync: ((n: SyncNotification<Input, State>) => void) | undefined;
let vm: BasicViewModel<Input, never, State> | undefined;
/** When this tab's elected connection first published a State as the Source (epoch ms). */
let firstPublishedAt: number | undefined;
/** When it was elected (the Web Lock granted, epoch ms). */
let promotedAt: number | undefined;

const api = {
  /** Joins channel `counter` of `namespace` with `role`; resolves once connected. */
  async join(namespace: string, role: ClientType): Promise<string> {
    const transport = new BroadcastChannelSyncTransport({ namespace });
    const connection = new DefaultSyncConnection<Input, never, State>({
      clientType: role,
      adapter: transport.adapterFor<Input, never, State>('counter'),
      ...(role !== 'replica' && { snapshots: transport.snapshotStoreFor<State>('counter') }),
      ...(role === 'elected' && { election: transport.electionFor('counter') }),
    });
    let leads = false;
    connection.observeSyncNotifications().subscribe((n) => {
      if (n.type === 'RoleChanged') leads = n.role === 'source';
      if (n.type === 'RoleChanged' && leads && promotedAt === undefined) promotedAt = now();
      if (n.type === 'StatePublished' && leads && firstPublishedAt === undefined)
        firstPublishedAt = now();
      onSync?.(n);
    });
    vm = new BasicViewModel<Input, never, State>({
      name: 'counter',
      initialState: { count: 0 },
      inputHandler: (_input, scope) => scope.updateState((s) => ({ count: s.count + 1 })),
      logger: noOpLogger,
      interceptors: [new BallastSyncInterceptor(connection)],
    });
    await new Promise<void>((resolve) => {
      const subscription = connection.observeStatus().subscribe((status) => {
        if (status !== 'connected') return;
        resolve();
        queueMicrotask(() => subscription.unsubscribe());
      });
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    return role === 'elected' ? (leads ? 'source' : 'replica') : role;
  },

  /** Replica: ms from trySend until a Source State acknowledges the Input. */
  ours(): Promise<number> {
    return new Promise((resolve) => {
      const started = performance.now();
      onSync = (n) => {
        if (n.type !== 'InputsAcknowledged') return;
        onSync = undefined;
        resolve(performance.now() - started);
      };
      vm?.trySend({ type: 'Increment' });
    });
  },

  firstPublishedAt: () => firstPublishedAt,
  promotedAt: () => promotedAt,

  /** The other tab of a ping-pong: echoes every message on `name` (raw or the npm package). */
  echo(kind: 'raw' | 'npm', name: string): void {
    if (kind === 'raw') {
      const channel = new BroadcastChannel(name);
      channel.onmessage = (event) => channel.postMessage(event.data);
    } else {
      const channel = new NpmBroadcastChannel<number>(name);
      channel.onmessage = (message) => void channel.postMessage(message);
    }
  },

  /** ms for one message to go to the echoing tab and back. */
  ping: (() => {
    const channels = new Map<string, { post(n: number): void; reply?: () => void }>();
    const open = (kind: 'raw' | 'npm', name: string) => {
      const key = `${kind}:${name}`;
      let entry = channels.get(key);
      if (entry) return entry;
      if (kind === 'raw') {
        const channel = new BroadcastChannel(name);
        const e: { post(n: number): void; reply?: () => void } = {
          post: (n) => channel.postMessage(n),
        };
        channel.onmessage = () => e.reply?.();
        entry = e;
      } else {
        const channel = new NpmBroadcastChannel<number>(name);
        const e: { post(n: number): void; reply?: () => void } = {
          post: (n) => void channel.postMessage(n),
        };
        channel.onmessage = () => e.reply?.();
        entry = e;
      }
      channels.set(key, entry);
      return entry;
    };
    return (kind: 'raw' | 'npm', name: string): Promise<number> =>
      new Promise((resolve) => {
        const channel = open(kind, name);
        const started = performance.now();
        channel.reply = () => {
          channel.reply = undefined;
          resolve(performance.now() - started);
        };
        channel.post(started);
      });
  })(),

  /**
   * Pings until the echoing tab answers once (at most 100 tries, 100 ms apart): a message sent
   * while the other tab's channel is still opening is lost (the npm package opens its channel
   * asynchronously), and a round trip waits for its answer forever. Not measured.
   */
  async prime(kind: 'raw' | 'npm', name: string): Promise<void> {
    for (let attempt = 0; attempt < 100; attempt++) {
      const answered = await Promise.race([
        api.ping(kind, name).then(() => true),
        new Promise<false>((resolve) => setTimeout(() => resolve(false), 100)),
      ]);
      if (answered) return;
    }
    throw new Error(`the ${kind} echo on ${name} never answered`);
  },

  /** The npm package's LeaderElection: resolves with the epoch ms when this tab became leader. */
  async npmLeader(name: string): Promise<void> {
    const elector = createLeaderElection(new NpmBroadcastChannel(name));
    (window as unknown as { npmLeaderAt?: number }).npmLeaderAt = undefined;
    void elector.awaitLeadership().then(() => {
      (window as unknown as { npmLeaderAt?: number }).npmLeaderAt = now();
    });
  },

  visibility: () => document.visibilityState,
};

(window as unknown as { bench: typeof api }).bench = api;
