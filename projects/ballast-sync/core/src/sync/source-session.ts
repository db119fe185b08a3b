import { Subject, type Observable, type Subscription } from 'rxjs';
import { ballastError } from '../engine/errors';
import { isThenable } from '../engine/is-thenable';
import type { BallastNotification } from '../engine/notifications';
import type { InputOutcome } from '../engine/view-model-config';
import {
  SYNC_PROTOCOL_VERSION,
  syncedInputProblem,
  syncSnapshotProblem,
  type SyncedInput,
  type SyncedState,
  type SyncSnapshot,
} from './sync-messages';
import { PublicationSchedule } from './publication-schedule';
import type { HandOver } from './replica-session';
import {
  AdapterStream,
  Backoff,
  callAdapter,
  startTimer,
  type AdapterStreamKind,
  type AdapterStreamOwner,
  type SyncSessionContext,
} from './sync-session';

/**
 * How many Replica incarnations a Source remembers for de-duplication (the least recently heard
 * from are forgotten: a stale duplicate from a forgotten one would be applied again).
 */
export const MAX_TRACKED_REPLICAS = 10_000;

/**
 * A Replica holding this many unacknowledged Inputs gets its acknowledgements without the quiet
 * wait: a Replica refuses Inputs past `maxPendingInputs` (1000 by default), and one sending
 * faster than that per quiet wait (up to 16 ms) would otherwise hit its limit while the Source
 * holds their acknowledgements back.
 */
const URGENT_ACKNOWLEDGEMENTS = 100;

interface ReplicaRecord<I> {
  /** Its `clientId` ('' until an envelope told it, for one inherited from a snapshot). */
  clientId: string;
  /** The next `seq` to process. */
  expected: number;
  /** Every Input up to this `seq` reached an outcome. */
  acknowledged: number;
  /**
   * Every Input up to this `seq` started (its handler ran, at least in part) or reached an outcome:
   * what a snapshot's State reflects. A successor never runs these again; one still running when
   * this Source leaves keeps only the effect it had by then.
   */
  reflected: number;
  /** Inputs started ahead of an earlier one (parallel Sources); undefined while none is. */
  startedAhead: Set<number> | undefined;
  /** The version that first acknowledged one of its Inputs (to tell a restart from a collision). */
  firstAckVersion: number | undefined;
  /** Outcomes that arrived ahead of an earlier Input's (parallel or lifo Sources); undefined while none did. */
  settled: Set<number> | undefined;
  /**
   * Inputs that arrived ahead of a missing one (the Replica re-sends the missing one); undefined
   * while none did.
   */
  early: Map<number, SyncedInput<I>> | undefined;
}

/** Outcomes after which an Input must go to the next Source instead: this one is going away. */
const isLeaving = (outcome: InputOutcome) =>
  outcome.status === 'dropped' &&
  (outcome.reason === 'shutting-down' || outcome.reason === 'cleared');

/**
 * The Source side of a connection: processes each Replica incarnation's Inputs once and in order
 * (only those addressed to this Source incarnation), acknowledges every one of them once it reached
 * an outcome (even one that changed nothing), and publishes its State after every change and every
 * acknowledgement. While idle it re-publishes its latest State with backoff, so a lost State is
 * recovered; a failed adapter stream is subscribed again with backoff.
 */
export class SourceSession<I, E, S> implements AdapterStreamOwner<unknown> {
  /** By Replica incarnation; Map order is recency (least recently heard from first). */
  private readonly replicas = new Map<string, ReplicaRecord<I>>();
  /** The incarnation last in `replicas` (it needs no re-insertion when heard from again). */
  private mostRecent: string | undefined;
  /** The newest incarnation seen of each clientId. */
  private readonly newestIncarnation = new Map<string, string>();
  private readonly reportedCollisions = new Set<string>();
  /** Acknowledgements not yet published, by incarnation. */
  private readonly acknowledgements = new Map<string, number>();
  /** Only with a bufferStates operator: what it is applied to (else publications go out at once). */
  private publishRequests: Subject<S> | undefined;
  private active = true;
  /** Whether the snapshot store is loading (Replicas' Inputs wait, nothing is published). */
  private loading = false;
  /**
   * Until the snapshot's restore is applied: the Inputs this Source accepted meanwhile (they ran
   * on the State before it, so they are replayed on top of it).
   */
  private acceptedBeforeResume: I[] | undefined = [];
  /** What is down right now: the adapter's link, or its Input stream (re-subscribing). */
  private readonly down = new Set<'link' | 'stream'>();
  private changed = false;
  /** Publications the adapter has not said it handed over yet (or not sent: saving first). */
  private deliveriesInFlight = 0;
  /** The last publication waiting for its snapshot to be saved (they go out in order). */
  private sending: Promise<void> | undefined;
  private readonly schedule = new PublicationSchedule(() => {
    if (!this.active) return;
    if (this.publishRequests) this.publishRequests.next(this.context.scope.getCurrentState());
    else this.publish();
  });
  private version = 0;
  private latest: SyncedState<S> | undefined;
  private readonly heartbeat: Backoff;
  private heartbeatTimer: ReturnType<typeof setTimeout> | undefined;
  /** Whether {@link close} ran. */
  private stopped = false;
  /** What {@link close} ends (fields, not a Subscription holding teardowns). */
  private notifications: Subscription | undefined;
  private publishSubscription: Subscription | undefined;
  private inputs: AdapterStream<I, E, S, unknown> | undefined;
  private links: AdapterStream<I, E, S, unknown> | undefined;

  constructor(
    private readonly context: SyncSessionContext<I, E, S>,
    /** An elected Replica promoted to Source: its Inputs the previous Source had not acknowledged. */
    private readonly handOver?: HandOver<I>,
  ) {
    this.heartbeat = new Backoff(context.retransmit);
  }

  /** Starts as the channel's Source; {@link close} ends it. */
  start(notifications: Observable<BallastNotification<I, E, S>>): void {
    const { bufferStates, resumeFrom } = this.context;
    this.notifications = notifications.subscribe(this);
    if (bufferStates) {
      // The operator decides when to publish; what is published is always the latest State.
      const requests = (this.publishRequests = new Subject<S>());
      this.publishSubscription = requests.pipe(bufferStates).subscribe(() => this.publish());
    }
    const loaded = resumeFrom ?? this.load();
    if (isThenable(loaded)) {
      // Replicas wait (no Input is taken) until the snapshot is there; this Source's own Inputs
      // apply meanwhile and are replayed on top of it.
      this.loading = true;
      loaded.then(
        (snapshot) => this.begin(snapshot),
        (error: unknown) => {
          this.context.scope.reportError(error);
          this.begin(undefined);
        },
      );
    } else {
      this.begin(loaded);
    }
  }

  /** The ViewModel's notifications (it observes them itself: no closure per subscription). */
  next(notification: BallastNotification<I, E, S>): void {
    if (notification.type === 'InputAccepted' && this.acceptedBeforeResume)
      this.acceptedBeforeResume.push(notification.input);
    if (notification.type !== 'StateChanged') return;
    this.changed = true;
    this.schedulePublish();
  }

  /**
   * The ViewModel is cleared (or an elected one changes role): unless superseded, what it holds is
   * saved for the next Source; its link is let go before its Input stream, so that leaving never
   * queues a link change for itself.
   */
  close(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.notifications?.unsubscribe();
    this.publishSubscription?.unsubscribe();
    this.leave();
    this.links?.close();
    this.inputs?.close();
  }

  /** Opens Replicas' Inputs (`main`) or this participant's link (`link`). */
  openStream(kind: AdapterStreamKind): Observable<unknown> {
    const { adapter, clientId } = this.context;
    if (kind === 'link')
      return (adapter.observeLink as (id: string) => Observable<unknown>)(clientId);
    return adapter.readInputsFromReplicas(clientId);
  }

  streamValue(kind: AdapterStreamKind, value: unknown): void {
    if (kind === 'link') this.setDown('link', value === 'disconnected');
    else this.receive(value as SyncedInput<I>);
  }

  /** The Input stream completes when a newer Source took over; the link's never should. */
  streamCompleted(kind: AdapterStreamKind): boolean {
    if (kind === 'link') return false;
    this.supersede();
    return true;
  }

  streamDown(kind: AdapterStreamKind, down: boolean): void {
    if (kind === 'main') this.setDown('stream', down);
  }

  /**
   * Whether it has nothing on its way: its snapshot is loaded, every change and acknowledgement is
   * published, and every publication was handed over by the adapter (when it says so).
   */
  isSynced(): boolean {
    if (!this.active) return true; // superseded or cleared: nothing more will happen
    return (
      !this.loading &&
      !this.changed &&
      this.acknowledgements.size === 0 &&
      this.deliveriesInFlight === 0
    );
  }

  /** The State with every acknowledgement it reflects, for a Source that continues from it. */
  snapshot(): SyncSnapshot<S> {
    const acks: Record<string, number> = {};
    for (const [incarnation, record] of this.replicas) acks[incarnation] = record.reflected;
    return { protocol: SYNC_PROTOCOL_VERSION, state: this.context.scope.getCurrentState(), acks };
  }

  /** The snapshot store's latest snapshot (undefined without a store). */
  private load(): SyncSnapshot<S> | undefined | Promise<SyncSnapshot<S> | undefined> {
    const { snapshots } = this.context;
    if (!snapshots) return undefined;
    try {
      return snapshots.load();
    } catch (error) {
      this.context.scope.reportError(error);
      return undefined;
    }
  }

  /** Continues from the snapshot (if any), then takes Replicas' Inputs as the channel's Source. */
  private begin(snapshot: SyncSnapshot<S> | undefined): void {
    this.loading = false;
    if (this.stopped) return;
    const problem = snapshot === undefined ? undefined : syncSnapshotProblem(snapshot);
    if (problem !== undefined) {
      this.context.scope.reportError(
        ballastError(
          `the Source of channel "${this.context.scope.viewModelName}" loaded a snapshot it cannot use (${problem}); it starts from its own State.`,
        ),
      );
    }
    if (problem === undefined && snapshot) this.resume(snapshot);
    else this.acceptedBeforeResume = undefined;
    this.inputs = new AdapterStream(this.context, this, 'main');
    // Subscribed after the Inputs (so it starts 'connected') but torn down before them (close()).
    if (this.context.adapter.observeLink)
      this.links = new AdapterStream(this.context, this, 'link');
    if (this.active && this.down.size === 0) this.context.setStatus('connected');
    // Anything that changed while loading was held back: publish now.
    this.changed = true;
    this.schedulePublish();
  }

  /**
   * Continues from a snapshot: its State, restored ahead of the Inputs waiting in the queue (with
   * the Inputs that ran here before it replayed on top: a promoted Replica's own unacknowledged
   * ones, and this Source's own accepted while it loaded), and its acknowledgements (announced in
   * the first State). A replay keeps the synchronous State updates of a handler: the part of an
   * async handler after its first `await` is lost for those Inputs (they already ran on a State
   * that is now replaced).
   */
  private resume(snapshot: SyncSnapshot<S>): void {
    this.mostRecent = undefined; // the order changes below
    for (const [incarnation, seq] of Object.entries(snapshot.acks)) {
      this.replicas.set(incarnation, {
        clientId: '',
        expected: seq + 1,
        acknowledged: seq,
        reflected: seq,
        startedAhead: undefined,
        firstAckVersion: undefined,
        settled: undefined,
        early: undefined,
      });
      this.acknowledgements.set(incarnation, seq);
    }
    // A promoted Replica's own Inputs that the snapshot does not reflect: they already ran here,
    // so, as in a rebase, they are replayed (not run again), and what is shown never goes back.
    const reflected = this.handOver ? (snapshot.acks[this.handOver.incarnation] ?? 0) : 0;
    const handedOver = (this.handOver?.pending ?? [])
      .filter((pending) => pending.seq > reflected)
      .map((pending) => pending.input);
    const rebase = () => {
      const inputs = [...handedOver, ...(this.acceptedBeforeResume ?? [])];
      this.acceptedBeforeResume = undefined;
      return { state: snapshot.state, inputs };
    };
    void this.context.scope.sendToQueue({
      type: 'restore',
      state: snapshot.state,
      rebase,
      placement: 'before-queued',
    });
  }

  /** The ViewModel is cleared: unless superseded, what it holds is saved for the next Source. */
  private leave(): void {
    const wasSource = this.active && !this.loading;
    this.active = false;
    this.schedule.stop();
    clearTimeout(this.heartbeatTimer);
    if (wasSource) this.save();
  }

  /** Saves the current snapshot; returns a Promise while an asynchronous store saves it. */
  private save(): Promise<void> | undefined {
    const { snapshots } = this.context;
    return snapshots ? callAdapter(this.context, () => snapshots.save(this.snapshot())) : undefined;
  }

  /**
   * The link is down, or the adapter stream failed (it is subscribed again with backoff): the status
   * says `'disconnected'`. When both are up again, the latest State is published (the adapter may
   * have lost it).
   */
  private setDown(what: 'link' | 'stream', down: boolean): void {
    if (down === this.down.has(what)) return;
    if (down) this.down.add(what);
    else this.down.delete(what);
    if (!this.active) return;
    if (this.down.size > 0) return this.context.setStatus('disconnected');
    this.context.setStatus('connected');
    this.changed = true;
    this.schedulePublish();
  }

  private receive(envelope: SyncedInput<I>): void {
    if (!this.active) return;
    const problem = syncedInputProblem(envelope);
    if (problem !== undefined) {
      this.context.scope.reportError(
        ballastError(
          `the Source of channel "${this.context.scope.viewModelName}" received a malformed Input from its adapter (${problem}); it was ignored.`,
        ),
      );
      return;
    }
    if (envelope.to !== this.context.incarnation) {
      // Sent to an earlier Source (a late copy) or a later one: never applied here. The Replica
      // re-sends it to this Source if it is still unacknowledged once it follows this one.
      this.context.emit({ type: 'InputMisaddressed', input: envelope });
      return;
    }
    const replica = this.recordOf(envelope);
    const duplicate = envelope.seq < replica.expected || replica.early?.has(envelope.seq) === true;
    this.context.emit({ type: 'InputReceived', input: envelope, duplicate });
    // Everything before `firstUnacknowledged` was settled: the Replica never re-sends those
    // Inputs, so waiting for them would stall it for good.
    if (envelope.firstUnacknowledged > replica.expected)
      this.skipSettled(replica, envelope.firstUnacknowledged);
    if (duplicate) {
      // A re-send: the Replica may have missed the acknowledgement, so announce it again.
      this.acknowledge(envelope.incarnation, replica.acknowledged);
      return;
    }
    this.checkCollision(envelope);
    if (envelope.seq > replica.expected) {
      const early = (replica.early ??= new Map());
      if (early.size < this.context.maxPendingInputs) early.set(envelope.seq, envelope);
    } else {
      this.process(replica, envelope);
    }
    const early = replica.early;
    if (!early) return;
    for (let next = early.get(replica.expected); next; next = early.get(replica.expected)) {
      early.delete(next.seq);
      this.process(replica, next);
    }
    if (early.size === 0 && replica.early === early) replica.early = undefined;
  }

  private skipSettled(replica: ReplicaRecord<I>, firstUnacknowledged: number): void {
    replica.expected = firstUnacknowledged;
    replica.acknowledged = Math.max(replica.acknowledged, firstUnacknowledged - 1);
    replica.reflected = Math.max(replica.reflected, replica.acknowledged);
    const { early, settled } = replica;
    if (early) for (const seq of early.keys()) if (seq < firstUnacknowledged) early.delete(seq);
    if (settled) for (const seq of settled) if (seq <= replica.acknowledged) settled.delete(seq);
  }

  private recordOf(envelope: SyncedInput<I>): ReplicaRecord<I> {
    let record = this.replicas.get(envelope.incarnation);
    if (record) {
      // Map order is recency: re-inserted, unless it already is the most recent one.
      if (envelope.incarnation !== this.mostRecent) {
        this.replicas.delete(envelope.incarnation);
        this.replicas.set(envelope.incarnation, record);
      }
      if (record.clientId === '') {
        // Inherited from a snapshot: now it is known whose it is.
        record.clientId = envelope.clientId;
        if (!this.newestIncarnation.has(envelope.clientId))
          this.newestIncarnation.set(envelope.clientId, envelope.incarnation);
      }
    } else {
      const expected = envelope.firstUnacknowledged;
      record = {
        clientId: envelope.clientId,
        expected,
        acknowledged: expected - 1,
        reflected: expected - 1,
        startedAhead: undefined,
        firstAckVersion: undefined,
        settled: undefined,
        early: undefined,
      };
      if (this.replicas.size >= MAX_TRACKED_REPLICAS) this.forgetLeastRecent();
      this.newestIncarnation.set(envelope.clientId, envelope.incarnation);
      this.replicas.set(envelope.incarnation, record);
    }
    this.mostRecent = envelope.incarnation;
    return record;
  }

  private forgetLeastRecent(): void {
    const [incarnation, record] = this.replicas.entries().next().value as [
      string,
      ReplicaRecord<I>,
    ];
    this.replicas.delete(incarnation);
    if (this.mostRecent === incarnation) this.mostRecent = undefined;
    if (this.newestIncarnation.get(record.clientId) === incarnation)
      this.newestIncarnation.delete(record.clientId);
  }

  /**
   * Two incarnations of one clientId are a restart (the old one stopped) or a collision (both
   * live). An older incarnation that sends a new Input after it saw a State acknowledging the newer
   * one is alive: a collision. Nothing is lost (each incarnation is tracked on its own), but the app
   * gave two live instances one id, which is reported once.
   */
  private checkCollision(envelope: SyncedInput<I>): void {
    const newest = this.newestIncarnation.get(envelope.clientId);
    if (newest === undefined || newest === envelope.incarnation) return;
    const seenAt = this.replicas.get(newest)?.firstAckVersion;
    if (seenAt === undefined || envelope.seen < seenAt) return; // sent before the newer one began
    const key = `${envelope.clientId}\u0000${newest}\u0000${envelope.incarnation}`;
    if (this.reportedCollisions.has(key)) return;
    this.reportedCollisions.add(key);
    this.context.scope.reportError(
      ballastError(
        `two live participants of channel "${this.context.scope.viewModelName}" use clientId "${envelope.clientId}". ` +
          'Their Inputs are kept apart and none was lost, but give each instance its own clientId ' +
          '(or leave clientId out: a random one is chosen).',
      ),
    );
  }

  private process(replica: ReplicaRecord<I>, envelope: SyncedInput<I>): void {
    replica.expected = envelope.seq + 1;
    if (envelope.refused !== undefined) {
      // Refused by the adapter (a server's validation or rate limit): settled without running.
      this.context.emit({ type: 'InputRefused', input: envelope, reason: envelope.refused });
      this.settle(replica, envelope);
      return;
    }
    const started = () => markReflected(replica, envelope.seq);
    const item = { type: 'input', input: envelope.input, started } as const;
    this.context.scope.sendToQueueAndAwaitCompletion(item).then(
      (outcome) => {
        // This Source is going away without having applied it: the next Source gets it.
        if (!isLeaving(outcome)) this.settle(replica, envelope);
      },
      // The ViewModel stopped accepting Inputs (shutting down or cleared): this Source is going
      // away, and the Replica re-sends the Input to the next Source.
      () => undefined,
    );
  }

  /** Input `envelope.seq` reached an outcome: acknowledged once every earlier one did too. */
  private settle(replica: ReplicaRecord<I>, envelope: SyncedInput<I>): void {
    markReflected(replica, envelope.seq); // rejected, dropped or refused: settled without starting
    if (envelope.seq <= replica.acknowledged) return; // skipped meanwhile: see skipSettled()
    const before = replica.acknowledged;
    const settled = advance(replica, 'acknowledged', replica.settled, envelope.seq);
    replica.settled = settled;
    if (replica.acknowledged !== before)
      this.acknowledge(
        envelope.incarnation,
        replica.acknowledged,
        // How many Inputs that Replica holds unacknowledged, as its envelope says.
        envelope.seq - envelope.firstUnacknowledged + 1 >= URGENT_ACKNOWLEDGEMENTS,
      );
  }

  private acknowledge(incarnation: string, upToSeq: number, urgent = false): void {
    this.acknowledgements.set(incarnation, upToSeq);
    this.schedulePublish(urgent);
  }

  /**
   * Publishes once the work that changed it is done (see {@link PublicationSchedule}); `urgent`:
   * without the quiet wait, for a Replica whose unacknowledged Inputs pile up.
   */
  private schedulePublish(urgent = false): void {
    if (this.active && !this.loading) this.schedule.request(urgent);
  }

  private publish(): void {
    if (!this.active || (!this.changed && this.acknowledgements.size === 0)) return;
    const version = ++this.version;
    for (const incarnation of this.acknowledgements.keys()) {
      const record = this.replicas.get(incarnation);
      if (record && record.firstAckVersion === undefined) record.firstAckVersion = version;
    }
    const published: SyncedState<S> = {
      protocol: SYNC_PROTOCOL_VERSION,
      sourceId: this.context.clientId,
      incarnation: this.context.incarnation,
      version,
      state: this.context.scope.getCurrentState(),
      acks: Object.fromEntries(this.acknowledgements),
    };
    this.acknowledgements.clear();
    this.changed = false;
    this.heartbeat.reset();
    this.schedule.published();
    // The snapshot is saved before the acknowledgements go out: a Replica drops an acknowledged
    // Input, so a successor must find it reflected. An asynchronous store delays the State (and
    // every later one, in order) until it saved.
    const saved = this.save();
    const previous = this.sending;
    if (!saved && !previous) {
      this.latest = published;
      this.send(published, false);
    } else {
      this.deliveriesInFlight++;
      const sent = Promise.all([previous, saved]).then(() => {
        this.deliveriesInFlight--;
        if (this.sending === sent) this.sending = undefined;
        if (!this.active) return;
        this.latest = published;
        this.send(published, false);
        this.context.changed();
      });
      this.sending = sent;
    }
    this.context.changed();
  }

  private send(published: SyncedState<S>, republished: boolean): void {
    this.context.emit({ type: 'StatePublished', state: published, republished });
    const delivered = callAdapter(this.context, () =>
      this.context.adapter.sendSynchronizedStateToReplicas(published),
    );
    if (delivered) {
      this.deliveriesInFlight++;
      void delivered.then(() => {
        this.deliveriesInFlight--;
        this.context.changed();
      });
    }
    clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = startTimer(() => {
      if (this.active && this.latest) this.send(this.latest, true);
    }, this.heartbeat.next());
  }

  private supersede(): void {
    if (!this.active) return;
    this.active = false;
    this.schedule.stop();
    clearTimeout(this.heartbeatTimer);
    this.context.setStatus('superseded');
    this.context.changed();
    this.context.emit({ type: 'SourceSuperseded' });
    this.context.scope.logger.warn(
      `ballast-sync: the Source of channel "${this.context.scope.viewModelName}" was superseded by a newer Source; ` +
        "it no longer receives Inputs nor publishes its State. Give exactly one ViewModel of a channel the role 'source'.",
    );
  }
}

/** Notes that Input `seq` of a Replica started or settled, advancing what a snapshot reflects. */
function markReflected<I>(replica: ReplicaRecord<I>, seq: number): void {
  if (seq <= replica.reflected) return;
  replica.startedAhead = advance(replica, 'reflected', replica.startedAhead, seq);
}

/**
 * `seq` (above `record[upTo]`) is done: moves `record[upTo]` to the highest `seq` up to which all
 * are done, taking those done ahead from `ahead` (where `seq` waits if an earlier one is not done).
 * Returns what is still ahead: undefined when nothing is, so that in order no Set is ever made.
 */
function advance<I>(
  record: ReplicaRecord<I>,
  upTo: 'acknowledged' | 'reflected',
  ahead: Set<number> | undefined,
  seq: number,
): Set<number> | undefined {
  if (ahead === undefined && seq === record[upTo] + 1) {
    record[upTo] = seq;
    return undefined;
  }
  const waiting = ahead ?? new Set<number>();
  waiting.add(seq);
  while (waiting.delete(record[upTo] + 1)) record[upTo]++;
  return waiting.size > 0 ? waiting : undefined;
}
