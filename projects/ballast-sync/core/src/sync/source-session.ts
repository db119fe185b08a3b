import { identity, Subject, Subscription, type Observable } from 'rxjs';
import { ballastError } from '../engine/errors';
import type { BallastNotification } from '../engine/notifications';
import { isSyncedInput, type SyncedInput, type SyncedState } from './sync-messages';
import { callAdapter, type SyncSessionContext } from './sync-session';

/** How many Replicas a Source remembers for de-duplication (least recently heard from are forgotten). */
export const MAX_TRACKED_REPLICAS = 10_000;

interface ReplicaRecord<I> {
  /** The next `seq` to process. */
  expected: number;
  /** Every Input up to this `seq` reached an outcome. */
  acknowledged: number;
  /** Outcomes that arrived ahead of an earlier Input's (parallel or lifo Sources). */
  readonly settled: Set<number>;
  /** Inputs that arrived ahead of a missing one; the Replica re-sends the missing one. */
  readonly early: Map<number, SyncedInput<I>>;
}

/**
 * The Source side of a connection: processes each Replica's Inputs once and in order, acknowledges
 * every one of them once it reached an outcome (even one that changed nothing), and publishes its
 * State after every change and every acknowledgement.
 */
export class SourceSession<I, E, S> {
  private readonly replicas = new Map<string, ReplicaRecord<I>>();
  private readonly acknowledgements = new Map<string, number>();
  private readonly publishRequests = new Subject<S>();
  private active = true;
  private changed = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private version = 0;

  constructor(private readonly context: SyncSessionContext<I, E, S>) {}

  start(notifications: Observable<BallastNotification<I, E, S>>): Subscription {
    const { adapter, clientId, bufferStates } = this.context;
    const subscription = new Subscription();
    subscription.add(
      notifications.subscribe((notification) => {
        if (notification.type !== 'StateChanged') return;
        this.changed = true;
        this.schedulePublish();
      }),
    );
    // The operator decides when to publish; what is published is always the latest State.
    subscription.add(
      this.publishRequests.pipe(bufferStates ?? identity).subscribe(() => this.publish()),
    );
    subscription.add(
      adapter.readInputsFromReplicas(clientId).subscribe({
        next: (input) => this.receive(input),
        error: (error: unknown) => this.context.scope.reportError(error),
        complete: () => this.supersede(),
      }),
    );
    subscription.add(() => {
      this.active = false;
      clearTimeout(this.timer);
    });
    if (this.active) this.context.setStatus('connected');
    return subscription;
  }

  private receive(envelope: SyncedInput<I>): void {
    if (!this.active) return;
    if (!isSyncedInput(envelope)) {
      this.context.scope.reportError(
        ballastError(
          `the Source of channel "${this.context.scope.viewModelName}" received a malformed Input from its adapter; it was ignored.`,
        ),
      );
      return;
    }
    const replica = this.recordOf(envelope);
    const duplicate = envelope.seq < replica.expected || replica.early.has(envelope.seq);
    this.context.emit({ type: 'InputReceived', input: envelope, duplicate });
    // Everything before `firstUnacknowledged` was settled, possibly by a previous Source whose
    // acknowledgement reached the Replica after an earlier envelope told this Source otherwise:
    // the Replica never re-sends those Inputs, so waiting for them would stall it for good.
    if (envelope.firstUnacknowledged > replica.expected)
      this.skipSettled(replica, envelope.firstUnacknowledged);
    if (duplicate) {
      // A re-send: the Replica may have missed the acknowledgement, so announce it again.
      this.acknowledge(envelope.clientId, replica.acknowledged);
    } else if (envelope.seq > replica.expected) {
      if (replica.early.size < this.context.maxPendingInputs)
        replica.early.set(envelope.seq, envelope);
    } else {
      this.process(replica, envelope);
    }
    for (
      let next = replica.early.get(replica.expected);
      next;
      next = replica.early.get(replica.expected)
    ) {
      replica.early.delete(next.seq);
      this.process(replica, next);
    }
  }

  private skipSettled(replica: ReplicaRecord<I>, firstUnacknowledged: number): void {
    replica.expected = firstUnacknowledged;
    replica.acknowledged = Math.max(replica.acknowledged, firstUnacknowledged - 1);
    for (const seq of replica.early.keys())
      if (seq < firstUnacknowledged) replica.early.delete(seq);
    for (const seq of replica.settled) if (seq <= replica.acknowledged) replica.settled.delete(seq);
  }

  private recordOf(envelope: SyncedInput<I>): ReplicaRecord<I> {
    let record = this.replicas.get(envelope.clientId);
    if (record) {
      this.replicas.delete(envelope.clientId); // re-inserted below: Map order is recency
    } else {
      const expected = envelope.firstUnacknowledged;
      record = { expected, acknowledged: expected - 1, settled: new Set(), early: new Map() };
      if (this.replicas.size >= MAX_TRACKED_REPLICAS)
        this.replicas.delete(this.replicas.keys().next().value as string);
    }
    this.replicas.set(envelope.clientId, record);
    return record;
  }

  private process(replica: ReplicaRecord<I>, envelope: SyncedInput<I>): void {
    replica.expected = envelope.seq + 1;
    this.context.scope.sendToQueueAndAwaitCompletion({ type: 'input', input: envelope.input }).then(
      () => {
        if (envelope.seq <= replica.acknowledged) return; // skipped meanwhile: see skipSettled()
        replica.settled.add(envelope.seq);
        const before = replica.acknowledged;
        while (replica.settled.delete(replica.acknowledged + 1)) replica.acknowledged++;
        if (replica.acknowledged !== before)
          this.acknowledge(envelope.clientId, replica.acknowledged);
      },
      // The ViewModel stopped accepting Inputs (shutting down or cleared): this Source is going
      // away, and the Replica re-sends the Input to the next Source.
      () => undefined,
    );
  }

  private acknowledge(clientId: string, upToSeq: number): void {
    this.acknowledgements.set(clientId, upToSeq);
    this.schedulePublish();
  }

  /**
   * Publishes in the next macrotask, so that a burst of changes and the acknowledgements of the
   * Inputs that caused them (which settle a few microtasks later) travel as one State.
   */
  private schedulePublish(): void {
    if (this.timer !== undefined || !this.active) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.active) this.publishRequests.next(this.context.scope.getCurrentState());
    }, 0);
  }

  private publish(): void {
    if (!this.active || (!this.changed && this.acknowledgements.size === 0)) return;
    const published: SyncedState<S> = {
      sourceId: this.context.clientId,
      version: ++this.version,
      state: this.context.scope.getCurrentState(),
      acks: Object.fromEntries(this.acknowledgements),
    };
    this.acknowledgements.clear();
    this.changed = false;
    this.context.emit({ type: 'StatePublished', state: published });
    callAdapter(this.context, () =>
      this.context.adapter.sendSynchronizedStateToReplicas(published),
    );
  }

  private supersede(): void {
    if (!this.active) return;
    this.active = false;
    this.context.setStatus('superseded');
    this.context.emit({ type: 'SourceSuperseded' });
    this.context.scope.logger.warn(
      `ballast-sync: the Source of channel "${this.context.scope.viewModelName}" was superseded by a newer Source; ` +
        "it no longer receives Inputs nor publishes its State. Give exactly one ViewModel of a channel the role 'source'.",
    );
  }
}
