import { Observable, type Subscriber } from 'rxjs';
import { ballastError } from '../engine/errors';
import type { SyncConnectionAdapter } from './sync-connection-adapter';
import { isSyncedInput, isSyncedState, type SyncedInput, type SyncedState } from './sync-messages';

/** What an {@link InMemorySyncAdapter} holds right now (for leak checks and debugging). */
export interface InMemorySyncAdapterStats {
  /** 1 while a Source is active, else 0. */
  readonly sources: number;
  /** Replicas and Spectators reading States. */
  readonly stateReaders: number;
  /** Whether the active Source published a State that late joiners receive. */
  readonly hasCurrentState: boolean;
  /** Values waiting for the next microtask to be delivered. */
  readonly queuedDeliveries: number;
}

/**
 * A channel whose values are shared in memory, without serialization. One instance is shared by
 * every ViewModel of the channel. Deliveries are asynchronous (next microtask) and keep their order.
 *
 * @example
 * const adapter = new InMemorySyncAdapter<Inputs, Events, State>();
 * const source = new BasicViewModel({ ...config,
 *   interceptors: [new BallastSyncInterceptor(new DefaultSyncConnection({ clientType: 'source', adapter }))] });
 */
export class InMemorySyncAdapter<I, E, S> implements SyncConnectionAdapter<I, E, S> {
  private source:
    { readonly id: string; readonly subscriber: Subscriber<SyncedInput<I>> } | undefined;
  private readonly readers = new Set<Subscriber<SyncedState<S>>>();
  private current: SyncedState<S> | undefined;
  private deliveries: (() => void)[] = [];

  sendSynchronizedStateToReplicas(state: SyncedState<S>): void {
    if (!isSyncedState(state))
      throw ballastError(
        'sendSynchronizedStateToReplicas() needs a SyncedState { sourceId, version, state, acks }.',
      );
    if (state.sourceId !== this.source?.id) return; // from a superseded Source, which already knows it
    this.current = state;
    for (const reader of this.readers) this.deliver(() => reader.next(state));
  }

  sendInputToSource(input: SyncedInput<I>): void {
    if (!isSyncedInput(input))
      throw ballastError(
        'sendInputToSource() needs a SyncedInput { id, clientId, seq, firstUnacknowledged, input }.',
      );
    const source = this.source;
    // Without a Source the Input is not lost: its Replica re-sends it when a Source appears.
    if (source) this.deliver(() => source.subscriber.next(input));
  }

  readStateFromSource(clientId: string): Observable<SyncedState<S>> {
    checkId('readStateFromSource', clientId);
    return new Observable<SyncedState<S>>((subscriber) => {
      this.readers.add(subscriber);
      const current = this.current;
      if (current) this.deliver(() => subscriber.next(current));
      return () => this.readers.delete(subscriber);
    });
  }

  readInputsFromReplicas(sourceId: string): Observable<SyncedInput<I>> {
    checkId('readInputsFromReplicas', sourceId);
    return new Observable<SyncedInput<I>>((subscriber) => {
      const previous = this.source;
      this.source = { id: sourceId, subscriber };
      this.current = undefined;
      previous?.subscriber.complete(); // tells the previous Source it was superseded
      return () => {
        if (this.source?.subscriber !== subscriber) return;
        this.source = undefined;
        this.current = undefined;
      };
    });
  }

  stats(): InMemorySyncAdapterStats {
    return {
      sources: this.source ? 1 : 0,
      stateReaders: this.readers.size,
      hasCurrentState: this.current !== undefined,
      queuedDeliveries: this.deliveries.length,
    };
  }

  private deliver(delivery: () => void): void {
    this.deliveries.push(delivery);
    if (this.deliveries.length === 1) queueMicrotask(() => this.flush());
  }

  private flush(): void {
    // Deliveries queued while flushing run in this same pass, keeping one global order.
    for (let i = 0; i < this.deliveries.length; i++) (this.deliveries[i] as () => void)();
    this.deliveries = [];
  }
}

function checkId(method: string, id: string): void {
  if (typeof id !== 'string' || id === '')
    throw ballastError(`${method}(id) needs a non-empty client id.`);
}
