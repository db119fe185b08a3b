import { Observable } from 'rxjs';
import { ballastError } from '../engine/errors';
import {
  ChannelStream,
  EMPTY_IN_MEMORY_STATS,
  InMemoryChannel,
  type ChannelRef,
  type InMemorySyncAdapterStats,
} from './in-memory-channel';
import type {
  SyncConnectionAdapter,
  SyncReaderRole,
  SyncLinkState,
} from './sync-connection-adapter';
import {
  syncedInputProblem,
  syncedStateProblem,
  type SyncedInput,
  type SyncedState,
} from './sync-messages';

export type { InMemorySyncAdapterStats } from './in-memory-channel';

/** Set only while {@link inMemoryAdapterOn} constructs an adapter. */
let refForNextAdapter: ChannelRef<unknown, unknown> | undefined;

/**
 * Internal (used by `InMemorySyncTransport`, not exported from the package): an adapter that
 * looks its channel state up through `ref` on every call instead of owning one, so it stays valid
 * after the transport forgot an idle channel.
 */
export function inMemoryAdapterOn<I, E, S>(ref: ChannelRef<I, S>): InMemorySyncAdapter<I, E, S> {
  refForNextAdapter = ref as ChannelRef<unknown, unknown>;
  try {
    return new InMemorySyncAdapter<I, E, S>();
  } finally {
    refForNextAdapter = undefined;
  }
}

/** A channel state owned by one adapter, for as long as the adapter lives. */
class OwnChannel<I, S> implements ChannelRef<I, S> {
  private readonly channel = new InMemoryChannel<I, S>();

  find(): InMemoryChannel<I, S> {
    return this.channel;
  }

  open(): InMemoryChannel<I, S> {
    return this.channel;
  }
}

/**
 * A channel whose values are shared in memory, without serialization. One instance is shared by
 * every ViewModel of the channel (or use `InMemorySyncTransport.adapterFor(name)`). Deliveries are
 * asynchronous (next microtask) and keep one order across the channel; late joiners receive the
 * current State; a Source that is taken over sees its `readInputsFromReplicas` complete.
 *
 * `observeLink(clientId)` says `'connected'` while a Source is active and `'no-source'` while none
 * is: the link itself never goes down in memory.
 *
 * @example
 * const adapter = new InMemorySyncAdapter<Inputs, Events, State>();
 * const source = new BasicViewModel({ ...config,
 *   interceptors: [new BallastSyncInterceptor(new DefaultSyncConnection({ clientType: 'source', adapter }))] });
 * const replica = new BasicViewModel({ ...config,
 *   interceptors: [new BallastSyncInterceptor(new DefaultSyncConnection({ clientType: 'replica', adapter }))] });
 */
export class InMemorySyncAdapter<I, E, S> implements SyncConnectionAdapter<I, E, S> {
  private readonly channel =
    (refForNextAdapter as ChannelRef<I, S> | undefined) ?? new OwnChannel<I, S>();

  /** Resolves once every reader was handed the State, so a Source knows when it is delivered. */
  sendSynchronizedStateToReplicas(state: SyncedState<S>): Promise<void> | undefined {
    const problem = syncedStateProblem(state);
    if (problem)
      throw ballastError(`sendSynchronizedStateToReplicas() needs a SyncedState: ${problem}.`);
    return this.channel.find()?.publish(state);
  }

  sendInputToSource(input: SyncedInput<I>): void {
    const problem = syncedInputProblem(input);
    if (problem) throw ballastError(`sendInputToSource() needs a SyncedInput: ${problem}.`);
    this.channel.find()?.forward(input);
  }

  /** In memory, Replicas and Spectators read alike (the role is not needed). */
  readStateFromSource(clientId: string, _role?: SyncReaderRole): Observable<SyncedState<S>> {
    checkId('readStateFromSource', clientId);
    return new ChannelStream<SyncedState<S>>(this.channel, 'states');
  }

  readInputsFromReplicas(sourceId: string): Observable<SyncedInput<I>> {
    checkId('readInputsFromReplicas', sourceId);
    // Opened on subscription (what defer() does, without pulling in rxjs's innerFrom).
    return new Observable((subscriber) =>
      this.channel.open().readInputs(sourceId).subscribe(subscriber),
    );
  }

  /**
   * `'connected'` while a Source is active (this participant's own Source included), `'no-source'`
   * while none is; the current value first (at once, or behind the deliveries already queued),
   * then each change, in the channel's delivery order.
   *
   * @example
   * adapter.observeLink('replica-1').subscribe((link) => console.log(link)); // 'no-source', 'connected', …
   */
  observeLink(clientId: string): Observable<SyncLinkState> {
    checkId('observeLink', clientId);
    return new ChannelStream<SyncLinkState>(this.channel, 'link');
  }

  /**
   * What the channel holds right now, for leak checks: all zero once every participant left.
   *
   * @example
   * vm.clear();
   * expect(adapter.stats()).toEqual({ sources: 0, stateReaders: 0, linkObservers: 0, hasCurrentState: false, queuedDeliveries: 0 });
   */
  stats(): InMemorySyncAdapterStats {
    return this.channel.find()?.stats() ?? EMPTY_IN_MEMORY_STATS;
  }
}

function checkId(method: string, id: string): void {
  if (typeof id !== 'string' || id === '')
    throw ballastError(
      `${method}(id) needs a non-empty client id; got ${JSON.stringify(id)}. Pass the participant's clientId.`,
    );
}
