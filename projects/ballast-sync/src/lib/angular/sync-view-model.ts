import {
  computed,
  DestroyRef,
  inject,
  makeStateKey,
  PendingTasks,
  PLATFORM_ID,
  signal,
  TransferState,
  untracked,
  type StateKey,
  type Injector,
  type Signal,
  type WritableSignal,
} from '@angular/core';
import {
  createSignal,
  SIGNAL,
  signalSetFn,
  type SignalGetter,
  type SignalNode,
} from '@angular/core/primitives/signals';
import { isPlatformServer } from '@angular/common';
import {
  BallastSyncInterceptor,
  BasicViewModel,
  createConsoleLogger,
  ɵballastError as ballastError,
  ɵsetLongTimeout as setLongTimeout,
  ɵwatchConnection as watchConnection,
  ɵwatchStates as watchStates,
  type ɵConnectionWatcher as ConnectionWatcher,
  type ɵStateWatcher as StateWatcher,
  type ActiveRole,
  type BallastLogger,
  type BallastNotification,
  type BallastViewModelConfiguration,
  type ClientType,
  type InputOutcome,
  type SnapshotStore,
  type SyncConnection,
  type SyncNotification,
  type SyncStatus,
  type SyncTransport,
} from 'ballast-sync/core';
import { Observable, type Subscriber, type Subscription } from 'rxjs';
import { syncViewModelOptionsToken, type SyncViewModelOptions } from './sync-view-model-options';
import {
  BALLAST_SYNC_CONNECTION_FACTORY,
  BALLAST_SYNC_STABILITY_TIMEOUT,
  BALLAST_SYNC_TRANSFER_STATE,
  BALLAST_SYNC_TRANSPORT,
} from './sync-tokens';

/** Configuration of a {@link SyncViewModel}: a ViewModel configuration whose `name` is required. */
export interface SyncViewModelConfig<I, E, S> extends BallastViewModelConfiguration<I, E, S> {
  /** The channel: every instance with this name shares one State. Different ViewModel types need different names. */
  name: string;
}

/** A handle on an {@link SyncViewModel.onEvent} registration. */
export interface EventSubscriptionRef {
  destroy(): void;
}

/**
 * An injectable ViewModel whose State is shared with every other instance of the same name, exposed
 * as signals. Extend it, and provide it per component with its role through `provideSyncViewModel`.
 * It is cleared when its injector is destroyed. While its Inputs run or its sync work is on its
 * way, it keeps the app unstable (Angular's `PendingTasks`), so `whenStable()`, server rendering
 * and hydration wait for it (bounded: see `withStabilityTimeout`).
 *
 * @example
 * \@Injectable()
 * export class CounterViewModel extends SyncViewModel<CounterInput, CounterEvent, CounterState> {
 *   constructor() { super({ name: 'counter', initialState: { count: 0 }, inputHandler: counterHandler }); }
 * }
 *
 * \@Component({ providers: [provideSyncViewModel(CounterViewModel, { role: 'replica' })], ... })
 * export class CounterComponent { readonly vm = inject(CounterViewModel); }
 */
export abstract class SyncViewModel<I, E, S> {
  /** The channel name. */
  readonly name: string;
  /** The role asked for in `provideSyncViewModel` (`'elected'` included). */
  readonly role: ClientType;
  /** This instance's id on the wire. */
  readonly clientId: string;
  /** The current State. */
  readonly state: Signal<S>;
  /** The role it plays right now: its `role`, or for `'elected'`, `'source'` while it leads. */
  readonly activeRole: Signal<ActiveRole>;
  private readonly viewModel: BasicViewModel<I, E, S>;
  private readonly connection: SyncConnection<I, E, S>;
  /** Made by the first onEvent() (most instances never have one). */
  private events: InstanceEvents<E> | undefined;
  /** Writes `state` and `status`, and holds a pending task while this instance is busy. */
  private readonly watcher: InstanceWatcher<I, E, S>;

  protected constructor(config: SyncViewModelConfig<I, E, S>) {
    const options = inject(syncViewModelOptionsToken<I, S>(new.target), { optional: true });
    if (!options) {
      throw ballastError(
        typeof ngDevMode === 'undefined' || ngDevMode
          ? `${new.target.name} was created without a role. Provide it with ` +
              `providers: [provideSyncViewModel(${new.target.name}, { role: 'source' | 'replica' | 'spectator' | 'elected' })].`
          : 111,
      );
    }
    if (
      config === null ||
      typeof config !== 'object' ||
      typeof config.name !== 'string' ||
      config.name.trim() === ''
    ) {
      throw ballastError(
        typeof ngDevMode === 'undefined' || ngDevMode
          ? `${new.target.name} needs a name in super({ name, initialState, inputHandler }); it is the sync channel.`
          : 112,
      );
    }
    this.name = config.name;
    this.role = options.role;
    this.connection = this.createConnection(config.name, options, new.target.name);
    this.clientId = this.connection.clientId;
    this.viewModel = new BasicViewModel<I, E, S>({
      logger: sharedLogger(),
      ...config,
      initialState: startingState(config, options, new.target.name),
      ...(options.inputStrategy && { inputStrategy: options.inputStrategy }),
      interceptors: [...(config.interceptors ?? []), new BallastSyncInterceptor(this.connection)],
    });
    // Cleared by ngOnDestroy(), which its injector calls (no callback registered per instance).
    // A subclass whose own ngOnDestroy() might not call super's is cleared through DestroyRef too.
    if (this.ngOnDestroy !== SyncViewModel.prototype.ngOnDestroy)
      inject(DestroyRef).onDestroy(() => this.destroy());
    // A read-only signal made with Angular's signal primitives: only its getter and node (no
    // set/update/asReadonly functions per instance); the watcher writes its node.
    this.state = createSignal<S>(this.viewModel.getCurrentState())[0];
    this.watcher = new InstanceWatcher(this);
    this.activeRole = this.createActiveRole(options.role);
    if (inject(BALLAST_SYNC_TRANSFER_STATE) && isPlatformServer(inject(PLATFORM_ID))) {
      handOverOnSerialize(inject(TransferState), config.name, options.role, () =>
        this.viewModel.getCurrentState(),
      );
    }
  }

  /** Where this instance stands in its channel. */
  get status(): Signal<SyncStatus> {
    return this.watcher.statusSignal();
  }

  /**
   * A signal of a slice of the State that changes only when the slice does.
   *
   * @example
   * readonly doneCount = this.vm.select((s) => s.todos.filter((t) => t.done).length);
   */
  select<T>(selector: (state: S) => T, options?: { equal?: (a: T, b: T) => boolean }): Signal<T> {
    if (typeof selector !== 'function')
      throw ballastError(
        typeof ngDevMode === 'undefined' || ngDevMode
          ? 'select(selector) needs a function (state) => slice.'
          : 113,
      );
    return computed(() => selector(this.state()), options);
  }

  /** Queues an Input now; returns false when it was dropped (see the InputDropped notification). */
  trySend(input: I): boolean {
    const queued = this.viewModel.trySend(input);
    this.watcher.check();
    return queued;
  }

  /** Resolves once the Input is queued. */
  send(input: I): Promise<void> {
    const queued = this.viewModel.send(input);
    this.watcher.check();
    return queued;
  }

  /** Resolves with the Input's outcome once it was handled, rejected, cancelled, dropped or failed. */
  sendAndAwaitCompletion(input: I): Promise<InputOutcome> {
    const outcome = this.viewModel.sendAndAwaitCompletion(input);
    this.watcher.check();
    return outcome;
  }

  /**
   * Calls `handler` for every Event (each delivered once to the handlers present; buffered while
   * there are none) until the caller's injector (or `options.injector`) is destroyed, `destroy()`
   * is called, or this ViewModel is cleared. Call it in an injection context (a constructor or a
   * field initializer), or pass `{ injector }`, as with `takeUntilDestroyed` and `toSignal`.
   *
   * @example
   * constructor() { this.vm.onEvent((event) => this.toast.show(event.message)); }
   */
  onEvent(handler: (event: E) => void, options?: { injector?: Injector }): EventSubscriptionRef {
    if (typeof handler !== 'function')
      throw ballastError(
        typeof ngDevMode === 'undefined' || ngDevMode
          ? 'onEvent(handler) needs a function (event) => void.'
          : 114,
      );
    const destroyRef = callerDestroyRef(options?.injector, this.name);
    const subscription = (this.events ??= this.createEvents()).events.subscribe(handler);
    subscription.add(destroyRef.onDestroy(() => subscription.unsubscribe()));
    return { destroy: () => subscription.unsubscribe() };
  }

  /** The engine's notifications (Inputs, Events, States, side jobs), in order. */
  observeNotifications(): Observable<BallastNotification<I, E, S>> {
    return this.viewModel.observeNotifications();
  }

  /** What this instance's connection does on the wire (forwarded Inputs, published States, acks). */
  observeSyncNotifications(): Observable<SyncNotification<I, S>> {
    return this.connection.observeSyncNotifications();
  }

  /** Resolves when nothing is queued or running in this instance. */
  whenIdle(): Promise<void> {
    return this.viewModel.whenIdle();
  }

  /**
   * Resolves once this instance is idle and nothing of its sync work is on its way: a Replica's
   * Inputs are all acknowledged by the Source and the State that acknowledged them is applied; a
   * Source's changes are published and handed to its readers. What tests await instead of
   * guessing turns (in a TestBed test, `fixture.whenStable()` waits for it too).
   *
   * @example
   * replica.vm.trySend({ type: 'Increment', by: 1 });
   * await replica.vm.whenSynced(); // the Source has it; other instances got its State
   */
  async whenSynced(): Promise<void> {
    for (;;) {
      await this.viewModel.whenIdle();
      await this.connection.whenSynced?.();
      if (this.isSettled()) return;
    }
  }

  private isSettled(): boolean {
    return this.viewModel.isIdle() && (this.connection.isSynced?.() ?? true);
  }

  /** Whether its ViewModel was cleared (its injector destroyed). */
  private isCleared(): boolean {
    return this.viewModel.status === 'Cleared';
  }

  /**
   * Called by Angular when the injector that provides this instance is destroyed: clears it. A
   * subclass that implements `ngOnDestroy()` itself should call `super.ngOnDestroy()` (it is
   * cleared anyway). (A computed name: Angular's compiler would otherwise ask this undecorated
   * abstract class for a decorator, as it does for any class declaring a lifecycle hook.)
   */
  protected ['ngOnDestroy'](): void {
    this.destroy();
  }

  /** Its injector is destroyed: clear the ViewModel (once), then end what still listens. */
  private destroy(): void {
    if (this.isCleared()) return;
    this.viewModel.clear();
    this.watcher.stop();
    this.events?.end();
  }

  /**
   * Its `role`, which never changes (one signal shared by every instance of that role), or for
   * `'elected'`, the role it plays now, from its connection.
   */
  private createActiveRole(role: ClientType): Signal<ActiveRole> {
    const roles = role === 'elected' ? this.connection.observeRole?.() : undefined;
    if (!roles) return fixedRoleSignal(role === 'elected' ? 'replica' : role);
    const activeRole = signal<ActiveRole>('replica');
    const subscription = untracked(() => roles.subscribe(new SignalWriter(activeRole)));
    inject(DestroyRef).onDestroy(() => subscription.unsubscribe());
    return activeRole.asReadonly();
  }

  private createConnection(
    channel: string,
    options: SyncViewModelOptions<I, S>,
    className: string,
  ): SyncConnection<I, E, S> {
    const transport = inject(BALLAST_SYNC_TRANSPORT);
    const elected = options.role === 'elected';
    const election = elected ? transport.electionFor?.(channel) : undefined;
    if (elected && (!election || !transport.snapshotStoreFor)) {
      throw ballastError(
        typeof ngDevMode === 'undefined' || ngDevMode
          ? `${className} has the role 'elected', but the sync transport has no election (electionFor). ` +
              'Use the default in-memory transport, a cross-tab one, or give your transport electionFor() and snapshotStoreFor().'
          : 115,
      );
    }
    // An elected successor always continues: `start` is the Source's choice alone.
    const snapshots =
      options.role === 'source' || elected
        ? channelSnapshots<S>(
            transport,
            channel,
            elected ? 'continue' : (options.start ?? 'continue'),
          )
        : undefined;
    return inject(BALLAST_SYNC_CONNECTION_FACTORY)<I, E, S>({
      channel,
      clientType: options.role,
      adapter: transport.adapterFor<I, E, S>(channel),
      ...(snapshots && { snapshots }),
      ...(election && { election }),
      ...(options.bufferStates && { bufferStates: options.bufferStates }),
      ...(options.bufferInputs && { bufferInputs: options.bufferInputs }),
      ...(options.maxPendingInputs !== undefined && { maxPendingInputs: options.maxPendingInputs }),
      ...(options.retransmit && { retransmit: options.retransmit }),
    });
  }

  private createEvents(): InstanceEvents<E> {
    const subscribers = new Set<Subscriber<E>>();
    let detach: (() => void) | undefined;
    const end = () => [...subscribers].forEach((s) => s.complete());
    const events = new Observable<E>((subscriber) => {
      if (this.viewModel.status === 'Cleared') return subscriber.complete();
      subscribers.add(subscriber);
      detach ??= this.viewModel.attachEventHandler((event) =>
        [...subscribers].forEach((s) => s.next(event)),
      );
      return () => {
        subscribers.delete(subscriber);
        if (subscribers.size > 0 || !detach) return;
        detach();
        detach = undefined;
      };
    });
    return { events, end };
  }
}

/** What onEvent() subscribes to, and what completes its subscribers when the injector is destroyed. */
interface InstanceEvents<E> {
  readonly events: Observable<E>;
  readonly end: () => void;
}

/**
 * One object per instance, told by its ViewModel and connection directly (no subscriptions):
 * writes the `state` signal and the status (and its signal, made on first read), and holds a
 * `PendingTasks` task while its instance is busy (an Input queued or running, a side job, an
 * Event on its way, sync work on its way), released once `whenSynced()` resolves, when its link
 * goes down (nothing can progress until it is back), or after the stability timeout (with a
 * dev-mode warning) so that nothing waits forever. Checked after each Input the instance is
 * given, and a microtask after each sync notification (an Input from a Replica is announced
 * before it runs). A connection other than `DefaultSyncConnection` is observed through its
 * Observables instead.
 */
class InstanceWatcher<I, E, S> implements StateWatcher<S>, ConnectionWatcher<I, S> {
  private readonly pendingTasks = inject(PendingTasks);
  private readonly timeoutMs = inject(BALLAST_SYNC_STABILITY_TIMEOUT);
  /** Releases the pending task and its timer, while one is held. */
  private release: (() => void) | undefined;
  private gaveUp = false;
  private scheduled = false;
  /** The connection's status (what the status signal, once made, holds). */
  private status: SyncStatus = 'disconnected';
  private statusGetter: SignalGetter<SyncStatus> | undefined;
  /** Only for a connection other than DefaultSyncConnection: its status and notifications. */
  private subscription: Subscription | undefined;

  // Its instance's private members are reached with bracket access (type-checked).
  constructor(private readonly vm: SyncViewModel<I, E, S>) {
    watchStates(vm['viewModel'], this);
    // Work starts with an Input given to this instance (checked in trySend/send/…) or with sync
    // traffic (an Input from a Replica, a State to apply): the engine's own notifications would
    // only repeat those, at a cost per notification and per instance.
    const connection = vm['connection'];
    const status = watchConnection(connection, this);
    if (status !== undefined) this.status = status;
    else {
      // Untracked: a ViewModel created while a template renders (a lazy getter) must neither
      // subscribe nor write signals inside that reactive context (NG0602, NG0600).
      this.subscription = untracked(() => {
        const subscription = connection
          .observeStatus()
          .subscribe((next) => this.statusChanged(next));
        subscription.add(
          connection.observeSyncNotifications().subscribe(() => this.syncNotification()),
        );
        return subscription;
      });
    }
    this.check();
  }

  get watchedState(): S {
    return this.stateNode().value;
  }

  stateChanged(state: S): void {
    signalSetFn(this.stateNode(), state);
  }

  statusChanged(status: SyncStatus): void {
    this.status = status;
    if (this.statusGetter) signalSetFn(this.statusGetter[SIGNAL] as SignalNode<SyncStatus>, status);
  }

  /** The status signal, made on first read (most components only read the State). */
  statusSignal(): Signal<SyncStatus> {
    return (this.statusGetter ??= createSignal(this.status)[0]);
  }

  /** A sync notification (a link change among them): check once, a microtask later. */
  syncNotification(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.check();
    });
  }

  /** Holds a pending task now if the instance is busy (untracked: it may run in a template). */
  check(): void {
    if (this.vm['isCleared']()) return;
    // Offline, sync cannot progress until the link is back: waiting would only hold the app
    // unstable (and end in the timeout's warning). The link coming back is a notification.
    if (this.release && this.offlineAndIdle()) return this.done();
    if (this.release || this.gaveUp) return;
    untracked(() => {
      if (this.vm['isSettled']() || this.offlineAndIdle()) return;
      const task = this.pendingTasks.add();
      const timer = setLongTimeout(() => this.giveUp(), this.timeoutMs);
      this.release = () => {
        timer();
        task();
      };
      void this.vm.whenSynced().then(() => {
        this.gaveUp = false;
        this.done();
      });
    });
  }

  stop(): void {
    this.subscription?.unsubscribe();
    this.done();
  }

  private stateNode(): SignalNode<S> {
    return this.vm.state[SIGNAL] as SignalNode<S>;
  }

  /** The link is down and no local work runs: only the network can move things now. */
  private offlineAndIdle(): boolean {
    return this.status === 'disconnected' && this.vm['viewModel'].isIdle();
  }

  private giveUp(): void {
    this.gaveUp = true;
    if (typeof ngDevMode === 'undefined' || ngDevMode) {
      console.warn(
        `ballast-sync: ${this.vm.name} (${this.vm.role}) kept the app unstable for ${this.timeoutMs} ms ` +
          '(an Input that never settles, or a Source that never answers?); Angular no longer waits for it. ' +
          'Fix the handler, or raise withStabilityTimeout().',
      );
    }
    this.done();
  }

  private done(): void {
    const releasing = this.release;
    this.release = undefined;
    releasing?.();
  }
}

/** Writes every value of a stream to a signal (an observer object: no closure per subscription). */
class SignalWriter<T> {
  constructor(private readonly target: WritableSignal<T>) {}

  next(value: T): void {
    this.target.set(value);
  }
}

/** The logger every SyncViewModel shares (warnings in dev mode, errors only in production). */
let logger: BallastLogger | undefined;
function sharedLogger(): BallastLogger {
  return (logger ??= createConsoleLogger({
    level: typeof ngDevMode === 'undefined' || ngDevMode ? 'warn' : 'error',
  }));
}

/** One read-only signal per fixed role, shared by every instance playing it (it never changes). */
const fixedRoles = new Map<ActiveRole, Signal<ActiveRole>>();
function fixedRoleSignal(role: ActiveRole): Signal<ActiveRole> {
  let roleSignal = fixedRoles.get(role);
  if (!roleSignal) fixedRoles.set(role, (roleSignal = signal(role).asReadonly()));
  return roleSignal;
}

/**
 * The DestroyRef of `injector`, or of the current injection context, resolved before anything is
 * subscribed; a clear error when there is none or it is already destroyed.
 */
function callerDestroyRef(injector: Injector | undefined, channel: string): DestroyRef {
  let destroyRef: DestroyRef;
  try {
    destroyRef = injector ? injector.get(DestroyRef) : inject(DestroyRef);
  } catch (cause) {
    if (injector) {
      throw ballastError(
        typeof ngDevMode === 'undefined' || ngDevMode
          ? `onEvent() on ${channel} was given an injector that is already destroyed; nothing would ever end the subscription.`
          : 116,
        { cause },
      );
    }
    throw ballastError(
      typeof ngDevMode === 'undefined' || ngDevMode
        ? 'onEvent() must be called in an injection context (a constructor or a field initializer), ' +
            'or be given { injector }, so that it ends when its caller is destroyed.'
        : 117,
      { cause },
    );
  }
  if (destroyRef.destroyed) {
    throw ballastError(
      typeof ngDevMode === 'undefined' || ngDevMode
        ? `onEvent() on ${channel} was given an injector that is already destroyed; nothing would ever end the subscription.`
        : 118,
    );
  }
  return destroyRef;
}

/**
 * The channel's snapshot store, when the transport keeps one: a Source continues from it
 * (`'continue'`), or only saves to it (`'fresh'`: it starts from its initialState).
 */
function channelSnapshots<S>(
  transport: SyncTransport,
  channel: string,
  start: 'continue' | 'fresh',
): SnapshotStore<S> | undefined {
  const store = transport.snapshotStoreFor?.<S>(channel);
  if (!store || start === 'continue') return store;
  return { load: () => undefined, save: (snapshot) => store.save(snapshot) };
}

/** The TransferState key of a channel's State. */
function transferKey<S>(channel: string): StateKey<S> {
  return makeStateKey<S>(`ballast-sync:${channel}`);
}

/**
 * The State an instance starts from: its options' `initialState`, else (in the browser, with
 * `withTransferState()`) the channel's State the server rendered, else the ViewModel's own.
 */
function startingState<I, E, S>(
  config: SyncViewModelConfig<I, E, S>,
  options: SyncViewModelOptions<I, S>,
  className: string,
): S {
  const given = options.initialState;
  if (given !== undefined) {
    if (typeof given !== 'function') return given;
    try {
      return (given as () => S)();
    } catch (error) {
      throw ballastError(
        typeof ngDevMode === 'undefined' || ngDevMode
          ? `the initialState factory of ${className} threw: ${error instanceof Error ? error.message : String(error)}`
          : 119,
        { cause: error },
      );
    }
  }
  if (inject(BALLAST_SYNC_TRANSFER_STATE) && !isPlatformServer(inject(PLATFORM_ID))) {
    const transferred = inject(TransferState).get(transferKey<S>(config.name), undefined);
    if (transferred !== undefined) return transferred;
  }
  return config.initialState;
}

/** Per server render: the instance whose State each channel hands over (its Source if any). */
const handOvers = new WeakMap<TransferState, Map<string, { role: string; state: () => unknown }>>();

function handOverOnSerialize<S>(
  transfer: TransferState,
  channel: string,
  role: ClientType,
  state: () => S,
): void {
  let channels = handOvers.get(transfer);
  if (!channels) handOvers.set(transfer, (channels = new Map()));
  const current = channels.get(channel);
  if (current && current.role === 'source') return;
  if (!current)
    transfer.onSerialize(transferKey<S>(channel), () => channels.get(channel)?.state() as S);
  channels.set(channel, { role, state });
}
