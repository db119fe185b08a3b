import {
  computed,
  DestroyRef,
  inject,
  Injector,
  isDevMode,
  signal,
  type Signal,
} from '@angular/core';
import {
  BallastSyncInterceptor,
  BasicViewModel,
  createConsoleLogger,
  ballastError,
  type ActiveRole,
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
import { Observable, type Subscriber } from 'rxjs';
import { takeConstructionOptions } from './sync-view-model-options';
import { BALLAST_SYNC_CONNECTION_FACTORY, BALLAST_SYNC_TRANSPORT } from './sync-tokens';

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
 * It is cleared when its injector is destroyed.
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
  readonly role: ClientType;
  /** This instance's id on the wire (Source States list acknowledgements by it). */
  readonly clientId: string;
  /** The current State. */
  readonly state: Signal<S>;
  /** Where this instance stands in its channel. */
  readonly status: Signal<SyncStatus>;
  /** The role it plays right now: its `role`, or for `'elected'`, `'source'` while it leads. */
  readonly activeRole: Signal<ActiveRole>;
  /** Events, each delivered at most once to the subscribers present; buffered while there are none. */
  readonly events$: Observable<E>;
  private readonly viewModel: BasicViewModel<I, E, S>;
  private readonly connection: SyncConnection<I, E, S>;
  private readonly destroyRef = inject(DestroyRef);

  protected constructor(config: SyncViewModelConfig<I, E, S>) {
    const options = takeConstructionOptions(new.target.name);
    if (
      config === null ||
      typeof config !== 'object' ||
      typeof config.name !== 'string' ||
      config.name.trim() === ''
    ) {
      throw ballastError(
        `${new.target.name} needs a name in super({ name, initialState, inputHandler }); it is the sync channel.`,
      );
    }
    const transport = inject(BALLAST_SYNC_TRANSPORT);
    this.name = config.name;
    this.role = options.role;
    const elected = options.role === 'elected';
    const election = elected ? transport.electionFor?.(config.name) : undefined;
    if (elected && (!election || !transport.snapshotStoreFor)) {
      throw ballastError(
        `${new.target.name} has the role 'elected', but the sync transport has no election (electionFor). ` +
          'Use the default in-memory transport, a cross-tab one, or give your transport electionFor() and snapshotStoreFor().',
      );
    }
    // An elected successor always continues: `start` is the Source's choice alone.
    const snapshots =
      options.role === 'source' || elected
        ? channelSnapshots<S>(
            transport,
            config.name,
            elected ? 'continue' : (options.start ?? 'continue'),
          )
        : undefined;
    this.connection = inject(BALLAST_SYNC_CONNECTION_FACTORY)<I, E, S>({
      channel: config.name,
      clientType: options.role,
      adapter: transport.adapterFor<I, E, S>(config.name),
      ...(snapshots && { snapshots }),
      ...(election && { election }),
      ...(options.bufferStates && { bufferStates: options.bufferStates as never }),
      ...(options.bufferInputs && { bufferInputs: options.bufferInputs as never }),
      ...(options.maxPendingInputs !== undefined && { maxPendingInputs: options.maxPendingInputs }),
      ...(options.retransmit && { retransmit: options.retransmit }),
    });
    this.clientId = this.connection.clientId;
    const status = signal<SyncStatus>('disconnected');
    this.connection.observeStatus().subscribe((value) => status.set(value));
    this.status = status.asReadonly();
    const activeRole = signal<ActiveRole>(elected ? 'replica' : (options.role as ActiveRole));
    this.connection.observeRole?.().subscribe((value) => activeRole.set(value));
    this.activeRole = activeRole.asReadonly();
    this.viewModel = new BasicViewModel<I, E, S>({
      logger: createConsoleLogger({ level: isDevMode() ? 'warn' : 'error' }),
      ...config,
      ...(options.inputStrategy && { inputStrategy: options.inputStrategy as never }),
      interceptors: [...(config.interceptors ?? []), new BallastSyncInterceptor(this.connection)],
    });
    const state = signal(this.viewModel.getCurrentState());
    this.viewModel.observeStates().subscribe((value) => state.set(value));
    this.state = state.asReadonly();
    this.events$ = this.createEvents();
    this.destroyRef.onDestroy(() => this.viewModel.clear());
  }

  /**
   * A signal of a slice of the State that changes only when the slice does.
   *
   * @example
   * readonly doneCount = this.vm.select((s) => s.todos.filter((t) => t.done).length);
   */
  select<T>(selector: (state: S) => T, options?: { equal?: (a: T, b: T) => boolean }): Signal<T> {
    if (typeof selector !== 'function')
      throw ballastError('select(selector) needs a function (state) => slice.');
    return computed(() => selector(this.state()), options);
  }

  /** Queues an Input now; returns false when it was dropped (see the InputDropped notification). */
  trySend(input: I): boolean {
    return this.viewModel.trySend(input);
  }

  /** Resolves once the Input is queued. */
  send(input: I): Promise<void> {
    return this.viewModel.send(input);
  }

  /** Resolves with the Input's outcome once it was handled, rejected, cancelled, dropped or failed. */
  sendAndAwaitCompletion(input: I): Promise<InputOutcome> {
    return this.viewModel.sendAndAwaitCompletion(input);
  }

  /**
   * Calls `handler` for every Event until the caller's injector (or `options.injector`) is
   * destroyed, `destroy()` is called, or this ViewModel is cleared.
   *
   * @example
   * constructor() { this.vm.onEvent((event) => this.toast.show(event.message)); }
   */
  onEvent(handler: (event: E) => void, options?: { injector?: Injector }): EventSubscriptionRef {
    if (typeof handler !== 'function')
      throw ballastError('onEvent(handler) needs a function (event) => void.');
    const subscription = this.events$.subscribe(handler);
    const destroy = () => subscription.unsubscribe();
    const callerDestroyRef = options?.injector?.get(DestroyRef) ?? injectDestroyRefIfInContext();
    const unregister = callerDestroyRef?.onDestroy(destroy);
    subscription.add(() => unregister?.());
    return { destroy };
  }

  /** The engine's notifications (Inputs, Events, States, side jobs), in order. */
  observeNotifications(): Observable<BallastNotification<I, E, S>> {
    return this.viewModel.observeNotifications();
  }

  /** What this instance's connection does on the wire (forwarded Inputs, published States, acks). */
  observeSyncNotifications(): Observable<SyncNotification<I, S>> {
    return this.connection.observeSyncNotifications();
  }

  /** Resolves when nothing is queued or running in this instance (useful in tests). */
  whenIdle(): Promise<void> {
    return this.viewModel.whenIdle();
  }

  private createEvents(): Observable<E> {
    const subscribers = new Set<Subscriber<E>>();
    let detach: (() => void) | undefined;
    this.destroyRef.onDestroy(() => [...subscribers].forEach((s) => s.complete()));
    return new Observable<E>((subscriber) => {
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
  }
}

function injectDestroyRefIfInContext(): DestroyRef | undefined {
  try {
    return inject(DestroyRef);
  } catch {
    return undefined; // outside an injection context: the subscription ends with the ViewModel
  }
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
