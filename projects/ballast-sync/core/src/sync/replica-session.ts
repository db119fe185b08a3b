import { Subject, type Observable, type Subscription } from 'rxjs';
import { ballastError } from '../engine/errors';
import type { InputGuardObject } from '../engine/input-processor';
import type { BallastInterceptorScope, InterceptorQueueItem } from '../engine/interceptor';
import type { BallastNotification } from '../engine/notifications';
import type { InputOutcome } from '../engine/view-model-config';
import type { SyncLinkState } from './sync-connection-adapter';
import {
  SYNC_PROTOCOL_VERSION,
  syncedStateProblem,
  type SyncedInput,
  type SyncedState,
} from './sync-messages';
import {
  AdapterStream,
  Backoff,
  callAdapter,
  startTimer,
  type AdapterStreamKind,
  type AdapterStreamOwner,
  type SyncSessionContext,
} from './sync-session';

/** What a restore gives the queue: where it is rebased, told its outcome, or refused. */
interface RestoreCallbacks<I, S> {
  readonly rebase: () => { readonly state: S; readonly inputs: readonly I[] };
  readonly settled: (outcome: InputOutcome) => void;
  readonly refused: () => void;
}

/** The internal methods of a ViewModel's own scope (another implementation may lack them). */
interface InternalScope<I, S> {
  ɵrestore?: (item: Extract<InterceptorQueueItem<I, S>, { type: 'restore' }>) => void;
  ɵrestoreNow?: (state: S) => boolean;
  ɵaddInputGuard?: (guard: InputGuardObject<I>) => void;
  ɵremoveInputGuard?: (guard: InputGuardObject<I>) => void;
}

interface PendingInput<I> {
  readonly seq: number;
  readonly input: I;
  /** Whether it went to the adapter at least once. */
  sent: boolean;
}

/** How many replaced Source incarnations a Replica remembers, to ignore their late States. */
const RETIRED_SOURCES = 32;

/** What a Replica promoted to Source hands over: its incarnation and its unacknowledged Inputs. */
export interface HandOver<I> {
  readonly incarnation: string;
  readonly pending: readonly { readonly seq: number; readonly input: I }[];
}

/** Whether the session forwards its accepted Inputs (Replica) or only follows States (Spectator). */
export type ReplicaMode = 'forward-inputs' | 'follow-only';

/**
 * The Inputs a rebase replays when none is unacknowledged, and what `pending` and `retired` hold
 * until their first element (shared, never mutated: they are replaced by an array of their own).
 */
const NO_INPUTS: readonly never[] = Object.freeze([]);

/**
 * The Replica and Spectator side of a connection. Both apply every newer State of the Source they
 * follow. A Replica also forwards each Input its queue accepted, addressed to that Source, and keeps
 * it until acknowledged: it re-sends what is unacknowledged when it meets a new Source, when its
 * link comes back, and when no acknowledgement came for a while (with backoff).
 */
export class ReplicaSession<I, E, S> implements AdapterStreamOwner<unknown>, InputGuardObject<I> {
  /** Forwarded Inputs not yet acknowledged, in `seq` order (`NO_INPUTS` until the first). */
  private pending: PendingInput<I>[] = NO_INPUTS as never[];
  /** `pending[0 .. released)` were let through by the bufferInputs operator. */
  private released = 0;
  /** Only with a bufferInputs operator: what it is applied to (else Inputs are released at once). */
  private outgoing: Subject<I> | undefined;
  private nextSeq = 1;
  /** The incarnation of the Source it follows (undefined before the first State). */
  private source: string | undefined;
  /** Incarnations of Sources this Replica followed before: their late States are ignored. */
  private retired: string[] = NO_INPUTS as never[];
  private version = 0;
  private link: SyncLinkState = 'connected';
  /** Whether the State stream failed and is being subscribed again. */
  private stateStreamDown = false;
  /** The latest Source State received (what every restore applies). */
  private applied: SyncedState<S> | undefined;
  /** The Source State the latest applied restore was based on, and how many Inputs it replayed. */
  private rebased: SyncedState<S> | undefined;
  private replayed = 0;
  /** The last State a StateApplied notification was emitted for. */
  private announced: SyncedState<S> | undefined;
  private restoresInFlight = 0;
  /**
   * The callbacks of the restores in flight: made by the first one, shared by those that follow,
   * let go once none is in flight (an idle Replica holds none).
   */
  private restoreCallbacks: RestoreCallbacks<I, S> | undefined;
  /** Restores queued and not applied yet (what `isSynced()` waits for). */
  private restoresWaiting = 0;
  /** The resend waits (created when the first Input is sent). */
  private backoff: Backoff | undefined;
  private resendTimer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  /**
   * What {@link close} ends (fields, not a Subscription holding teardowns). `removeGuard` is only
   * set on a scope without the internal guard methods (the guard is then a function).
   */
  private removeGuard: (() => void) | undefined;
  private notifications: Subscription | undefined;
  private outgoingSubscription: Subscription | undefined;
  private states: AdapterStream<I, E, S, unknown> | undefined;
  private links: AdapterStream<I, E, S, unknown> | undefined;

  constructor(
    private readonly context: SyncSessionContext<I, E, S>,
    private readonly mode: ReplicaMode,
  ) {}

  /** Starts following the Source (and forwarding Inputs); {@link close} ends it. */
  start(notifications: Observable<BallastNotification<I, E, S>>): void {
    const { adapter, bufferInputs, scope } = this.context;
    if (this.mode === 'forward-inputs') {
      const internal = scope as InternalScope<I, S>;
      if (internal.ɵaddInputGuard) internal.ɵaddInputGuard(this);
      else this.removeGuard = scope.addInputGuard((input) => this.guardInput(input));
      this.notifications = notifications.subscribe(this);
      if (bufferInputs) {
        // The operator decides when to send; every Input up to the one it lets through is sent, in order.
        const outgoing = (this.outgoing = new Subject<I>());
        this.outgoingSubscription = outgoing
          .pipe(bufferInputs)
          .subscribe((input) => this.release(input));
      }
    }
    this.updateStatus();
    this.states = new AdapterStream(this.context, this, 'main');
    if (adapter.observeLink) this.links = new AdapterStream(this.context, this, 'link');
  }

  /** Opens the Source's States (`main`) or this participant's link (`link`). */
  openStream(kind: AdapterStreamKind): Observable<unknown> {
    const { adapter, clientId } = this.context;
    if (kind === 'link')
      return (adapter.observeLink as (clientId: string) => Observable<unknown>)(clientId);
    return adapter.readStateFromSource(
      clientId,
      this.mode === 'forward-inputs' ? 'replica' : 'spectator',
    );
  }

  streamValue(kind: AdapterStreamKind, value: unknown): void {
    if (kind === 'link') this.onLink(value as SyncLinkState);
    else this.receive(value as SyncedState<S>);
  }

  /** Neither stream is expected to end. */
  streamCompleted(): boolean {
    return false;
  }

  streamDown(kind: AdapterStreamKind, down: boolean): void {
    if (kind === 'link') return;
    this.stateStreamDown = down;
    this.updateStatus();
  }

  /**
   * Whether it has nothing on its way: no Input waiting for an acknowledgement and no Source State
   * waiting to be applied.
   */
  isSynced(): boolean {
    return this.pending.length === 0 && this.restoresWaiting === 0;
  }

  /** Its incarnation and the Inputs not acknowledged yet (for an elected Replica promoted to Source). */
  handOver(): HandOver<I> {
    return {
      incarnation: this.context.incarnation,
      pending: this.pending.map(({ seq, input }) => ({ seq, input })),
    };
  }

  /** The ViewModel's notifications (it observes them itself: no closure per subscription). */
  next(notification: BallastNotification<I, E, S>): void {
    switch (notification.type) {
      case 'InputAccepted':
        return this.forward(notification.input);
      case 'InputHandledSuccessfully':
      case 'InputHandlerError':
        return this.reapplyIfOverwritten();
    }
  }

  /** Input guard: an Input that could not be forwarded is refused before it applies locally. */
  guardInput(input: I): string | undefined {
    const limit = this.context.maxPendingInputs;
    if (this.pending.length < limit) return undefined;
    this.context.emit({ type: 'PendingInputsOverflow', input, limit });
    return (
      `the Replica of channel "${this.context.scope.viewModelName}" holds ${limit} Inputs the Source has not acknowledged, ` +
      'so this one could not be forwarded and was not applied. Start a Source (or wait for it to come back), or raise maxPendingInputs.'
    );
  }

  private forward(input: I): void {
    const pending = { seq: this.nextSeq++, input, sent: false };
    if (this.pending.length === 0) this.pending = [pending];
    else this.pending.push(pending);
    if (this.outgoing) this.outgoing.next(input);
    else this.release(input);
  }

  private release(released: I): void {
    // The same Input object may be accepted several times: take its latest unreleased occurrence,
    // so a trailing-edge operator (debounceTime) never leaves earlier ones behind. At worst an Input
    // leaves earlier than a leading-edge operator or delay() would have sent it; none is lost.
    let upTo = this.pending.length - 1;
    for (let i = upTo; i >= this.released; i--) {
      if ((this.pending[i] as PendingInput<I>).input === released) {
        upTo = i;
        break;
      }
    }
    const from = this.released;
    this.released = upTo + 1;
    if (this.canSend()) this.sendRange(from, this.released);
  }

  /** Whether envelopes can be addressed and go out: a Source is known and the link is not down. */
  private canSend(): boolean {
    return this.source !== undefined && this.link !== 'disconnected';
  }

  private sendRange(from: number, to: number): void {
    for (let i = from; i < to; i++) this.send(this.pending[i] as PendingInput<I>);
    this.armResendTimer();
  }

  private send(pending: PendingInput<I>): void {
    const { clientId, incarnation, adapter } = this.context;
    const envelope: SyncedInput<I> = {
      protocol: SYNC_PROTOCOL_VERSION,
      id: `${incarnation}:${pending.seq}`,
      clientId,
      incarnation,
      seq: pending.seq,
      firstUnacknowledged: (this.pending[0] as PendingInput<I>).seq,
      to: this.source as string,
      seen: this.version,
      input: pending.input,
    };
    this.context.emit({ type: 'InputForwarded', input: envelope, resent: pending.sent });
    pending.sent = true;
    callAdapter(this.context, () => adapter.sendInputToSource(envelope));
  }

  /** Sends again every released Input that is not acknowledged yet, and restarts the wait. */
  private resendAll(): void {
    this.backoff?.reset();
    this.disarmResendTimer();
    if (this.canSend()) this.sendRange(0, this.released);
  }

  private armResendTimer(): void {
    if (this.resendTimer !== undefined || this.closed || !this.pending[0]?.sent) return;
    const waitedMs = (this.backoff ??= new Backoff(this.context.retransmit)).next();
    this.resendTimer = startTimer(() => {
      this.resendTimer = undefined;
      const count = this.pending.filter((p) => p.sent).length;
      if (count === 0 || !this.canSend()) return;
      this.context.emit({ type: 'AcknowledgementOverdue', waitedMs, count });
      this.sendRange(0, this.released);
    }, waitedMs);
  }

  private disarmResendTimer(): void {
    clearTimeout(this.resendTimer);
    this.resendTimer = undefined;
  }

  private onLink(link: SyncLinkState): void {
    if (link === this.link) return;
    const wasDown = this.link === 'disconnected';
    this.link = link;
    this.context.emit({ type: 'LinkChanged', link });
    this.updateStatus();
    if (wasDown && link !== 'disconnected') this.resendAll();
  }

  /** Down while the link is or the State stream failed; waiting until it follows a present Source. */
  private updateStatus(): void {
    if (this.stateStreamDown || this.link === 'disconnected')
      this.context.setStatus('disconnected');
    else if (!this.source || this.link === 'no-source')
      this.context.setStatus('waiting-for-source');
    else this.context.setStatus('connected');
  }

  private receive(published: SyncedState<S>): void {
    const problem = stateProblem(published);
    if (problem !== undefined) {
      this.context.scope.reportError(
        ballastError(
          `channel "${this.context.scope.viewModelName}" received a malformed State from its adapter (${problem}); it was ignored.`,
        ),
      );
      return;
    }
    if (this.retired.includes(published.incarnation)) return; // late State of a replaced Source
    const newSource = published.incarnation !== this.source;
    if (!newSource && published.version <= this.version) return; // already passed
    this.version = published.version;
    if (newSource) {
      if (this.source !== undefined) this.retire(this.source);
      this.source = published.incarnation;
      this.context.emit({
        type: 'SourceChanged',
        sourceId: published.sourceId,
        incarnation: published.incarnation,
      });
    }
    // Most publications acknowledge other Replicas: an own-property test makes that miss cheap
    // (a plain lookup walks the prototype chain, at ~10× the cost, for every Replica).
    const { acks } = published;
    const incarnation = this.context.incarnation;
    if (Object.hasOwn(acks, incarnation)) this.acknowledge(acks[incarnation] as number);
    // Everything unacknowledged goes to a new Source, which processes each Input once.
    if (newSource) this.resendAll();
    this.apply(published);
    this.updateStatus();
  }

  private retire(incarnation: string): void {
    if (this.retired.length === 0) this.retired = [incarnation];
    else this.retired.push(incarnation);
    if (this.retired.length > RETIRED_SOURCES) this.retired.shift();
  }

  private acknowledge(upToSeq: number): void {
    let count = 0;
    while (this.pending.length > 0 && (this.pending[0] as PendingInput<I>).seq <= upToSeq) {
      this.pending.shift();
      count++;
    }
    if (count === 0) return;
    if (this.pending.length === 0) this.pending = NO_INPUTS as never[]; // idle: hold no array
    this.released = Math.max(0, this.released - count);
    this.context.emit({ type: 'InputsAcknowledged', upToSeq });
    this.context.changed();
    // Progress: the wait starts over from the first interval.
    this.backoff?.reset();
    this.disarmResendTimer();
    this.armResendTimer();
  }

  /**
   * Applies a Source State. A Replica rebases: the Inputs the Source has not acknowledged yet (read
   * when the State is applied) are replayed on top of it, so what the user sees never loses one of
   * their Inputs; once all are acknowledged, the State is exactly the Source's.
   */
  private apply(published: SyncedState<S>): void {
    this.applied = published;
    // The usual case, an idle Replica with nothing to replay: what a restore would do once
    // dequeued, at once, without a queue item, callbacks or a rebase object.
    if (
      this.restoresInFlight === 0 &&
      this.pending.length === 0 &&
      (this.context.scope as InternalScope<I, S>).ɵrestoreNow?.(published.state)
    ) {
      this.rebased = published;
      this.replayed = 0;
      this.stateApplied();
      return;
    }
    this.restore();
  }

  /**
   * Queues a restore of the latest Source State. It is read when the restore is applied, not when
   * it is queued, together with the Inputs still unacknowledged then, so a restore that waited
   * behind local Inputs (fifo) never applies an older State than the acknowledgements already
   * received, and several queued restores all land on the same, latest, rebase. (Callbacks, not a
   * Promise per restore: every Replica applies every publication, so this is the hot path.)
   */
  private restore(): void {
    this.restoresInFlight++;
    this.restoresWaiting++;
    const state = (this.applied as SyncedState<S>).state;
    const callbacks = (this.restoreCallbacks ??= {
      rebase: () => this.rebase(),
      settled: (outcome) => this.restoreSettled(outcome),
      refused: () => this.restoreRefused(),
    });
    const item = {
      type: 'restore',
      state,
      rebase: callbacks.rebase,
      settled: callbacks.settled,
    } as const;
    const scope = this.context.scope as InternalScope<I, S> & BallastInterceptorScope<I, E, S>;
    if (!scope.ɵrestore) {
      // Another scope implementation: the public way (it rejects once the ViewModel stops).
      scope.sendToQueue(item).catch(callbacks.refused);
      return;
    }
    try {
      scope.ɵrestore(item); // its own ViewModel's scope: no Promise per publication
    } catch {
      callbacks.refused(); // the ViewModel is shutting down or cleared
    }
  }

  /** A restore is being applied: the latest Source State, with what is unacknowledged replayed. */
  private rebase(): { readonly state: S; readonly inputs: readonly I[] } {
    this.restoresWaiting--; // applied now: nothing of it is on its way any more
    const published = this.applied as SyncedState<S>;
    const inputs =
      this.mode === 'forward-inputs' && this.pending.length > 0
        ? this.pending.map((pending) => pending.input)
        : NO_INPUTS;
    this.rebased = published;
    this.replayed = inputs.length;
    return { state: published.state, inputs };
  }

  private restoreSettled(outcome: InputOutcome): void {
    this.restoresInFlight--;
    if (outcome.status !== 'handled') {
      this.restoresWaiting--; // dropped (cleared) before it was applied
      this.context.changed();
      this.releaseRestoreCallbacks();
      return;
    }
    this.stateApplied();
    // A local Input may have completed between this restore and now (parallel()): its own
    // check was skipped because this restore was still in flight.
    if (this.mode === 'forward-inputs') this.reapplyIfOverwritten();
    this.releaseRestoreCallbacks();
  }

  /** A restore was applied: announced once per Source State. */
  private stateApplied(): void {
    const published = this.rebased as SyncedState<S>;
    if (published !== this.announced) {
      this.announced = published;
      this.context.emit({ type: 'StateApplied', state: published });
      if (this.replayed > 0)
        this.context.emit({ type: 'StateRebased', state: published, replayed: this.replayed });
    }
    this.context.changed();
  }

  private restoreRefused(): void {
    this.restoresInFlight--;
    this.restoresWaiting--;
    this.context.changed();
    this.releaseRestoreCallbacks();
  }

  /** No restore in flight: let the callbacks go (a queued one keeps its own reference to them). */
  private releaseRestoreCallbacks(): void {
    if (this.restoresInFlight === 0) this.restoreCallbacks = undefined;
  }

  /**
   * Once the Source acknowledged all of this Replica's Inputs, its State is authoritative. A local
   * Input that finished after that State was applied (possible under parallel()) has overwritten
   * it, so the Source State is applied again.
   */
  private reapplyIfOverwritten(): void {
    if (this.closed || this.pending.length > 0 || this.restoresInFlight > 0 || !this.applied)
      return;
    if (!Object.is(this.context.scope.getCurrentState(), this.applied.state)) this.restore();
  }

  /**
   * The ViewModel is cleared: Inputs the bufferInputs operator still holds were accepted, so they
   * leave now (nobody will re-send them, but a Source that receives them applies them).
   */
  close(): void {
    if (this.closed) return;
    if (this.mode === 'forward-inputs') {
      const internal = this.context.scope as InternalScope<I, S>;
      if (internal.ɵremoveInputGuard) internal.ɵremoveInputGuard(this);
      else this.removeGuard?.();
    }
    this.notifications?.unsubscribe();
    this.outgoingSubscription?.unsubscribe();
    this.states?.close();
    this.links?.close();
    if (this.released < this.pending.length && this.canSend()) {
      this.sendRange(this.released, this.pending.length);
    }
    this.closed = true;
    this.disarmResendTimer();
    this.outgoing?.complete();
  }
}

/**
 * States already found well-formed. An in-memory fan-out hands one State object to every Replica,
 * and checking its acknowledgement table (one entry per Replica heard from) in each of them would
 * cost R × R per publication.
 */
const wellFormedStates = new WeakSet<object>();

function stateProblem(published: SyncedState<unknown>): string | undefined {
  const cached = typeof published === 'object' && published !== null;
  if (cached && wellFormedStates.has(published)) return undefined;
  const problem = syncedStateProblem(published);
  if (problem === undefined && cached) wellFormedStates.add(published);
  return problem;
}
