import {
  ɵballastError as ballastError,
  isSyncedInput,
  isSyncedState,
  type SyncConnectionAdapter,
  type SyncedInput,
  type SyncedState,
  type SyncLinkState,
  type SyncReaderRole,
} from 'ballast-sync/core';
import {
  BehaviorSubject,
  distinctUntilChanged,
  Observable,
  of,
  switchMap,
  type Subscriber,
} from 'rxjs';
import { DeliveryLine } from './delivery-line';
import type { FaultyAdapter, FaultyAdapterStats, FaultyMessageStats } from './faulty-adapter';
import {
  resolveFaultyAdapterOptions,
  type FaultyAdapterOptions,
  type ResolvedFaults,
} from './faulty-adapter-options';
import { randomSeed, seededRandom } from './seeded-random';

/**
 * Wraps an adapter in an adversarial network, to test that an app (or an adapter) converges
 * anyway: Inputs sent through it and States delivered to its readers are lost, duplicated and
 * delayed at random, reproducibly for a given `seed`. One Replica's Inputs keep their order (as the
 * adapter contract requires), and so do the States to one reader unless `states.ordered` is false.
 * `down()` / `up()` cut and restore the link, which `observeLink` reports.
 *
 * Share one faulty adapter between every participant, or give each participant its own wrapper
 * around one shared inner adapter to cut one participant's link only. Whatever it wraps, it
 * holds no timer once every subscription through it ended (what was in flight is then dropped).
 *
 * @example
 * const network = createFaultyAdapter(new InMemorySyncAdapter<Inputs, Events, State>(), {
 *   seed: 42,
 *   inputs: { loss: 0.2, duplicate: 0.1, delayMs: [0, 30] },
 *   states: { loss: 0.2, delayMs: [0, 30] },
 * });
 * const source = new DefaultSyncConnection({ clientType: 'source', adapter: network });
 * const replica = new DefaultSyncConnection({ clientType: 'replica', adapter: network });
 * // … send Inputs; network.down(); network.up(); then wait until network.stats().inFlight === 0
 */
export function createFaultyAdapter<I, E, S>(
  inner: SyncConnectionAdapter<I, E, S>,
  options?: FaultyAdapterOptions,
): FaultyAdapter<I, E, S> {
  const methods = [
    'sendInputToSource',
    'sendSynchronizedStateToReplicas',
    'readStateFromSource',
    'readInputsFromReplicas',
  ] as const;
  if (
    typeof inner !== 'object' ||
    inner === null ||
    methods.some((method) => typeof inner[method] !== 'function')
  ) {
    throw ballastError(
      `createFaultyAdapter(inner) needs the SyncConnectionAdapter to wrap (with ${methods.join(', ')}); ` +
        `got ${inner === null ? 'null' : typeof inner}. Pass e.g. new InMemorySyncAdapter().`,
    );
  }
  return new FaultyNetwork(inner, options);
}

type Kind = 'inputs' | 'states';
type Counts = { -readonly [K in keyof FaultyMessageStats]: number };

const counts = (): Counts => ({ sent: 0, delivered: 0, lost: 0, duplicated: 0, inFlight: 0 });

class FaultyNetwork<I, E, S> implements FaultyAdapter<I, E, S> {
  readonly seed: number;
  private readonly faults: Readonly<Record<Kind, ResolvedFaults>>;
  private readonly random: () => number;
  private readonly counts: Record<Kind, Counts> = { inputs: counts(), states: counts() };
  private readonly link = new BehaviorSubject(true);
  /** Inputs in flight, one ordered line per Replica incarnation. */
  private readonly inputLines = new Map<string, DeliveryLine<SyncedInput<I>>>();
  /** States in flight, one line per reader. */
  private readonly stateLines = new Set<DeliveryLine<SyncedState<S>>>();
  private subscriptions = 0;

  constructor(
    private readonly inner: SyncConnectionAdapter<I, E, S>,
    options: FaultyAdapterOptions | undefined,
  ) {
    const resolved = resolveFaultyAdapterOptions(options);
    this.seed = resolved.seed ?? randomSeed();
    this.random = seededRandom(this.seed);
    this.faults = { inputs: resolved.inputs, states: resolved.states };
  }

  sendInputToSource(input: SyncedInput<I>): void {
    if (!isSyncedInput(input))
      throw ballastError(
        'sendInputToSource() needs a SyncedInput { protocol, id, clientId, incarnation, seq, ' +
          'firstUnacknowledged, to, seen, input }; isSyncedInput() says this one is malformed.',
      );
    const key = `${input.clientId}\u0000${input.incarnation}`;
    let line = this.inputLines.get(key);
    if (!line) {
      const created = new DeliveryLine<SyncedInput<I>>(
        true,
        (value) => this.handOver('inputs', () => this.inner.sendInputToSource(value)),
        () => {
          if (this.inputLines.get(key) === created) this.inputLines.delete(key);
        },
      );
      this.inputLines.set(key, (line = created));
    }
    this.schedule('inputs', line, input);
  }

  sendSynchronizedStateToReplicas(state: SyncedState<S>): void | Promise<void> {
    if (!isSyncedState(state))
      throw ballastError(
        'sendSynchronizedStateToReplicas() needs a SyncedState { protocol, sourceId, incarnation, ' +
          'version, state, acks }; isSyncedState() says this one is malformed.',
      );
    if (this.link.value) return this.inner.sendSynchronizedStateToReplicas(state);
    this.counts.states.sent++;
    this.counts.states.lost++;
  }

  readStateFromSource(clientId: string, role?: SyncReaderRole): Observable<SyncedState<S>> {
    checkId('readStateFromSource', clientId);
    const states = this.inner.readStateFromSource(clientId, role);
    return this.following((subscriber) => {
      const line = new DeliveryLine<SyncedState<S>>(this.faults.states.ordered, (state) =>
        this.handOver('states', () => subscriber.next(state)),
      );
      this.stateLines.add(line);
      const subscription = states.subscribe({
        next: (state) => this.schedule('states', line, state),
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      return () => {
        subscription.unsubscribe();
        this.drop('states', line);
        this.stateLines.delete(line);
      };
    });
  }

  readInputsFromReplicas(sourceId: string): Observable<SyncedInput<I>> {
    checkId('readInputsFromReplicas', sourceId);
    const inputs = this.inner.readInputsFromReplicas(sourceId);
    return this.following((subscriber) => {
      const subscription = inputs.subscribe({
        next: (input) => {
          if (this.link.value) {
            subscriber.next(input);
          } else {
            this.counts.inputs.sent++;
            this.counts.inputs.lost++;
          }
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      return () => subscription.unsubscribe();
    });
  }

  observeLink(clientId: string): Observable<SyncLinkState> {
    checkId('observeLink', clientId);
    const whenUp: Observable<SyncLinkState> =
      this.inner.observeLink?.(clientId) ?? of<SyncLinkState>('connected');
    return this.following((subscriber) => {
      const subscription = this.link
        .pipe(
          switchMap((up) => (up ? whenUp : of<SyncLinkState>('disconnected'))),
          distinctUntilChanged(),
        )
        .subscribe(subscriber);
      return () => subscription.unsubscribe();
    });
  }

  down(): void {
    if (!this.link.value) return;
    for (const line of [...this.inputLines.values()]) this.drop('inputs', line);
    for (const line of this.stateLines) this.drop('states', line);
    this.link.next(false);
  }

  up(): void {
    if (!this.link.value) this.link.next(true);
  }

  flush(): void {
    for (const line of [...this.inputLines.values()]) line.flush();
    for (const line of [...this.stateLines]) line.flush();
  }

  stats(): FaultyAdapterStats {
    const { inputs, states } = this.counts;
    return {
      inputs: { ...inputs },
      states: { ...states },
      inFlight: inputs.inFlight + states.inFlight,
      linkUp: this.link.value,
    };
  }

  /** Puts a message on its way: lost, or scheduled once or twice with a drawn delay. */
  private schedule<T>(kind: Kind, line: DeliveryLine<T>, value: T): void {
    const faults = this.faults[kind];
    const count = this.counts[kind];
    count.sent++;
    if (!this.link.value || this.chance(faults.loss)) {
      count.lost++;
      return;
    }
    const copies = this.chance(faults.duplicate) ? 2 : 1;
    if (copies === 2) count.duplicated++;
    for (let i = 0; i < copies; i++) {
      count.inFlight++;
      line.push(value, this.delay(faults.delayMs));
    }
  }

  /** Delivers one copy; one the receiver refuses (throws or rejects) counts as lost. */
  private handOver(kind: Kind, send: () => unknown): void {
    const count = this.counts[kind];
    const settle = (outcome: 'delivered' | 'lost') => {
      count.inFlight--;
      count[outcome]++;
    };
    let result: unknown;
    try {
      result = send();
    } catch {
      return settle('lost');
    }
    if (isThenable(result))
      result.then(
        () => settle('delivered'),
        () => settle('lost'),
      );
    else settle('delivered');
  }

  private drop<T>(kind: Kind, line: DeliveryLine<T>): void {
    const dropped = line.clear();
    this.counts[kind].inFlight -= dropped;
    this.counts[kind].lost += dropped;
  }

  /** An Observable whose subscription counts as one through this adapter. */
  private following<T>(subscribe: (subscriber: Subscriber<T>) => () => void): Observable<T> {
    return new Observable<T>((subscriber) => {
      this.subscriptions++;
      const teardown = subscribe(subscriber);
      return () => {
        teardown();
        // Nobody is left to send or receive through this adapter: nothing may stay in flight.
        if (--this.subscriptions === 0)
          for (const line of [...this.inputLines.values()]) this.drop('inputs', line);
      };
    });
  }

  private chance(probability: number): boolean {
    return probability > 0 && this.random() < probability;
  }

  private delay([min, max]: readonly [number, number]): number {
    return min === max ? min : min + this.random() * (max - min);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

function checkId(method: string, id: string): void {
  if (typeof id !== 'string' || id === '')
    throw ballastError(
      `${method}(id) needs a non-empty client id; got ${JSON.stringify(id)}. Pass the participant's clientId.`,
    );
}
