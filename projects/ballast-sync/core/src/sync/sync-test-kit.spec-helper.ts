/*
 * Test kit shared by the sync specs (not a spec itself: Jest only runs `*.spec.ts`, and it is not
 * exported from the public API). It has no Jest dependency, so it type-checks under any tsconfig.
 *
 * A channel of list ViewModels: the State is `{ applied: string[] }` and every Input appends its
 * own unique id, so a State tells exactly which Inputs reached it, how often and in what order.
 */
import { finalize, map, mergeMap, timer, type MonoTypeOperatorFunction } from 'rxjs';
import {
  BallastSyncInterceptor,
  BasicViewModel,
  DefaultSyncConnection,
  InMemorySyncAdapter,
  type ActiveRole,
  type BallastInterceptor,
  type BallastLogger,
  type BallastNotification,
  type ClientType,
  type InputHandler,
  type InputQueueOptions,
  type InputStrategy,
  type RetransmitOptions,
  type SyncConnectionAdapter,
  type SyncNotification,
  type SnapshotStore,
  type SyncElection,
  type SyncSnapshot,
  type SyncStatus,
} from 'ballast-sync/core';

export interface ListState {
  readonly applied: readonly string[];
}

export type ListInput =
  /** Appends `id` at once. */
  | { readonly type: 'Add'; readonly id: string }
  /** Waits one macrotask, then appends `id`. */
  | { readonly type: 'AddLater'; readonly id: string }
  /** Appends `id` at once (an optimistic change), then waits for `gate`. */
  | { readonly type: 'AddThenWait'; readonly id: string; readonly gate: Promise<void> }
  /** Waits for `gate`, then appends `id`. */
  | { readonly type: 'WaitThenAdd'; readonly id: string; readonly gate: Promise<void> };

export const add = (id: string): ListInput => ({ type: 'Add', id });
export const addLater = (id: string): ListInput => ({ type: 'AddLater', id });
export const addThenWait = (id: string, gate: Promise<void>): ListInput => ({
  type: 'AddThenWait',
  id,
  gate,
});
export const waitThenAdd = (id: string, gate: Promise<void>): ListInput => ({
  type: 'WaitThenAdd',
  id,
  gate,
});

export type ListNotification = BallastNotification<ListInput, never, ListState>;
export type ListSyncNotification = SyncNotification<ListInput, ListState>;
export type ListAdapter = SyncConnectionAdapter<ListInput, never, ListState>;

const append =
  (id: string) =>
  (state: ListState): ListState => ({ applied: [...state.applied, id] });

/**
 * The list handler (one State access per Input, so it also runs under parallel()). With
 * `waitForGates: false` gated Inputs append at once: a Source that answers immediately while the
 * Replica that sent the Input is still waiting for its gate.
 */
export function listHandler(
  options: { waitForGates?: boolean } = {},
): InputHandler<ListInput, never, ListState> {
  const waitForGates = options.waitForGates ?? true;
  // Not an async function: an `Add` completes synchronously, so several Inputs sent in a row all
  // apply at once (a fifo ViewModel waits for a returned Promise before the next Input).
  return (input, scope) => {
    switch (input.type) {
      case 'Add':
        return scope.updateState(append(input.id));
      case 'AddLater':
        return macrotask().then(() => scope.updateState(append(input.id)));
      case 'AddThenWait':
        scope.updateState(append(input.id));
        return waitForGates ? input.gate : undefined;
      case 'WaitThenAdd':
        if (!waitForGates) return scope.updateState(append(input.id));
        return input.gate.then(() => scope.updateState(append(input.id)));
    }
  };
}

/** Whether every State of a history holds every id of the one before (nothing ever goes back). */
export function neverGoesBack(history: readonly (readonly string[])[]): boolean {
  return history.every(
    (state, i) => i === 0 || (history[i - 1] ?? []).every((id) => state.includes(id)),
  );
}

/** One macrotask turn: every queued microtask (adapter deliveries included) runs first. */
export function macrotask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** A promise resolved by hand. */
export function gate(): { readonly promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

export interface LogEntry {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
}

/** A logger that records what it is given. */
export function recordingLogger(entries: LogEntry[]): BallastLogger {
  const log = (level: LogEntry['level']) => (message: string) =>
    void entries.push({ level, message });
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

export interface ParticipantOptions {
  name?: string;
  inputHandler?: InputHandler<ListInput, never, ListState>;
  inputStrategy?: InputStrategy<ListInput, ListState>;
  initialState?: ListState;
  bufferStates?: MonoTypeOperatorFunction<ListState>;
  bufferInputs?: MonoTypeOperatorFunction<ListInput>;
  maxPendingInputs?: number;
  clientId?: string;
  retransmit?: Partial<RetransmitOptions>;
  resumeFrom?: SyncSnapshot<ListState>;
  inputQueue?: InputQueueOptions;
  snapshots?: SnapshotStore<ListState>;
  election?: SyncElection;
}

/** A ViewModel of the channel, with everything it and its connection reported since it started. */
export class Participant {
  readonly notifications: ListNotification[] = [];
  readonly sync: ListSyncNotification[] = [];
  readonly statuses: SyncStatus[] = [];
  readonly roles: ActiveRole[] = [];
  readonly logs: LogEntry[] = [];
  readonly connection: DefaultSyncConnection<ListInput, never, ListState>;
  readonly vm: BasicViewModel<ListInput, never, ListState>;

  constructor(
    readonly name: string,
    readonly role: ClientType,
    adapter: ListAdapter,
    options: ParticipantOptions,
    onActivity: () => void,
  ) {
    this.connection = new DefaultSyncConnection({
      clientType: role,
      adapter,
      bufferStates: options.bufferStates,
      bufferInputs: options.bufferInputs,
      maxPendingInputs: options.maxPendingInputs,
      clientId: options.clientId ?? name,
      retransmit: options.retransmit,
      resumeFrom: options.resumeFrom,
      snapshots: options.snapshots,
      election: options.election,
    });
    this.connection.observeStatus().subscribe((status) => this.statuses.push(status));
    this.connection.observeRole().subscribe((role) => this.roles.push(role));
    this.connection.observeSyncNotifications().subscribe((n) => {
      this.sync.push(n);
      onActivity();
    });
    const recorder: BallastInterceptor<ListInput, never, ListState> = {
      name: 'recorder',
      start: (_scope, stream) =>
        stream.subscribe((n) => {
          this.notifications.push(n);
          onActivity();
        }),
    };
    this.vm = new BasicViewModel<ListInput, never, ListState>({
      name: 'list',
      initialState: options.initialState ?? { applied: [] },
      inputHandler: options.inputHandler ?? listHandler(),
      inputStrategy: options.inputStrategy,
      inputQueue: options.inputQueue,
      logger: recordingLogger(this.logs),
      interceptors: [recorder, new BallastSyncInterceptor(this.connection)],
    });
  }

  get clientId(): string {
    return this.connection.clientId;
  }

  /** This run of its connection: what the Source's acknowledgements are keyed by. */
  get incarnation(): string {
    return this.connection.incarnation as string;
  }

  /** The role it plays right now (an elected one: 'source' while it leads, else 'replica'). */
  get activeRole(): ActiveRole {
    return this.roles[this.roles.length - 1] as ActiveRole;
  }

  get status(): SyncStatus {
    return this.statuses[this.statuses.length - 1] as SyncStatus;
  }

  get alive(): boolean {
    return this.vm.status !== 'Cleared';
  }

  /** The ids in this ViewModel's State, in order. */
  ids(): readonly string[] {
    return this.vm.getCurrentState().applied;
  }

  /** Queues an Input without waiting. */
  send(input: ListInput): void {
    this.vm.trySend(input);
  }

  syncOf<T extends ListSyncNotification['type']>(
    type: T,
  ): Extract<ListSyncNotification, { type: T }>[] {
    return this.sync.filter(
      (n): n is Extract<ListSyncNotification, { type: T }> => n.type === type,
    );
  }

  vmOf<T extends ListNotification['type']>(type: T): Extract<ListNotification, { type: T }>[] {
    return this.notifications.filter(
      (n): n is Extract<ListNotification, { type: T }> => n.type === type,
    );
  }

  /** Every State this ViewModel took, as lists of ids (the initial one first). */
  stateHistory(): (readonly string[])[] {
    return this.vmOf('StateChanged').map((n) => n.state.applied);
  }

  /** The messages of its `UnhandledError` notifications. */
  unhandledErrors(): string[] {
    return this.vmOf('UnhandledError').map((n) =>
      n.error instanceof Error ? n.error.message : String(n.error),
    );
  }
}

/** Adapters that can tell what they hold. */
export type InspectableAdapter = ListAdapter & {
  /** In-memory adapters say `queuedDeliveries`, faulty ones `inFlight`: what is on its way. */
  stats?(): { readonly queuedDeliveries?: number; readonly inFlight?: number };
};

const channels = new Set<SyncTestChannel>();

/** Clears every ViewModel of every channel created so far (call it in `afterEach`). */
export function clearChannels(): void {
  for (const channel of channels) channel.clearAll();
  channels.clear();
}

/** ViewModels sharing one adapter. */
export class SyncTestChannel {
  readonly participants: Participant[] = [];
  /** Grows with every notification of every participant: lets `settle()` see when all is quiet. */
  activity = 0;
  private count = 0;

  constructor(
    readonly adapter: InspectableAdapter = new InMemorySyncAdapter<ListInput, never, ListState>(),
  ) {
    channels.add(this);
  }

  source(options: ParticipantOptions = {}): Participant {
    return this.add('source', options);
  }

  replica(options: ParticipantOptions = {}): Participant {
    return this.add('replica', options);
  }

  spectator(options: ParticipantOptions = {}): Participant {
    return this.add('spectator', options);
  }

  add(role: ClientType, options: ParticipantOptions = {}): Participant {
    const name = options.name ?? `${role}-${++this.count}`;
    const participant = new Participant(name, role, this.adapter, options, () => this.activity++);
    this.participants.push(participant);
    return participant;
  }

  live(): Participant[] {
    return this.participants.filter((p) => p.alive);
  }

  /** The live Source that is the channel's active one, if any (an elected one leading counts). */
  activeSource(): Participant | undefined {
    return this.live().find((p) => p.activeRole === 'source' && p.status === 'connected');
  }

  /**
   * Lets time pass until nothing happens any more: two consecutive macrotask turns without a
   * notification, with every live ViewModel idle (or blocked on a gate), no queued delivery and
   * every active Source's publications out.
   */
  async settle(maxRounds = 200): Promise<void> {
    let waitedForSources = 0;
    for (let round = 0, quiet = 0; round < maxRounds; round++) {
      const before = this.activity;
      await macrotask();
      await Promise.race([Promise.all(this.live().map((p) => p.vm.whenIdle())), macrotask()]);
      const stats = this.adapter.stats?.();
      const delivering = (stats?.queuedDeliveries ?? 0) + (stats?.inFlight ?? 0) > 0;
      // A Source may hold a publication back for a while under load (PublicationSchedule, at
      // most 16 ms); one waiting for a gated snapshot store stays unsynced for good.
      const publishing =
        ++waitedForSources < 50 &&
        this.live().some((p) => p.activeRole === 'source' && !p.connection.isSynced());
      quiet = this.activity === before && !delivering && !publishing ? quiet + 1 : 0;
      if (quiet === 2) return;
    }
    throw new Error(`the sync channel did not settle within ${maxRounds} macrotask turns`);
  }

  clearAll(): void {
    for (const participant of this.participants) participant.vm.clear();
  }
}

/** Waits, one macrotask at a time, until `condition()` holds; fails after `timeoutMs`. */
export async function waitUntil(
  condition: () => boolean,
  timeoutMs = 1000,
  what = 'the condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await macrotask();
  }
}

/** An adapter that delegates to `inner` except for the methods in `overrides` (stats included). */
export function wrapAdapter(
  inner: InspectableAdapter,
  overrides: Partial<InspectableAdapter>,
): InspectableAdapter {
  return {
    sendSynchronizedStateToReplicas: (state) => inner.sendSynchronizedStateToReplicas(state),
    sendInputToSource: (input) => inner.sendInputToSource(input),
    readStateFromSource: (clientId, role) => inner.readStateFromSource(clientId, role),
    readInputsFromReplicas: (sourceId) => inner.readInputsFromReplicas(sourceId),
    observeLink: inner.observeLink?.bind(inner),
    stats: inner.stats?.bind(inner),
    ...overrides,
  };
}

/**
 * An in-memory channel whose States reach Replicas and Spectators `ms` milliseconds late (in
 * order), as over a network; States in flight count as queued deliveries, so `settle()` waits.
 */
export function withLatentStates(
  inner: InMemorySyncAdapter<ListInput, never, ListState>,
  ms: number,
): InspectableAdapter {
  let inFlight = 0;
  return wrapAdapter(inner, {
    readStateFromSource: (clientId, role) =>
      inner.readStateFromSource(clientId, role).pipe(
        mergeMap((state) => {
          inFlight++;
          return timer(ms).pipe(
            map(() => state),
            finalize(() => inFlight--),
          );
        }),
      ),
    stats: () => {
      const stats = inner.stats();
      return { ...stats, queuedDeliveries: stats.queuedDeliveries + inFlight };
    },
  });
}
