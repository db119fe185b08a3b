import { identity, Subject, Subscription, type Observable } from 'rxjs';
import { ballastError } from '../engine/errors';
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
  Backoff,
  callAdapter,
  followAdapterStream,
  startTimer,
  type SyncSessionContext,
} from './sync-session';

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

/** The Inputs a rebase replays when none is unacknowledged (shared, never mutated). */
const NO_INPUTS: readonly never[] = Object.freeze([]);

/**
 * The Replica and Spectator side of a connection. Both apply every newer State of the Source they
 * follow. A Replica also forwards each Input its queue accepted, addressed to that Source, and keeps
 * it until acknowledged: it re-sends what is unacknowledged when it meets a new Source, when its
 * link comes back, and when no acknowledgement came for a while (with backoff).
 */
export class ReplicaSession<I, E, S> {
  /** Forwarded Inputs not yet acknowledged, in `seq` order. */
  private readonly pending: PendingInput<I>[] = [];
  /** `pending[0 .. released)` were let through by the bufferInputs operator. */
  private released = 0;
  private readonly outgoing = new Subject<I>();
  private nextSeq = 1;
  private source: { readonly sourceId: string; readonly incarnation: string } | undefined;
  /** Incarnations of Sources this Replica followed before: their late States are ignored. */
  private readonly retired: string[] = [];
  private version = 0;
  private link: SyncLinkState = 'connected';
  /** Whether the State stream failed and is being subscribed again. */
  private streamDown = false;
  /** The latest Source State received (what every restore applies). */
  private applied: SyncedState<S> | undefined;
  /** The Source State the latest applied restore was based on, and how many Inputs it replayed. */
  private rebased: SyncedState<S> | undefined;
  private replayed = 0;
  /** The last State a StateApplied notification was emitted for. */
  private announced: SyncedState<S> | undefined;
  private restoresInFlight = 0;
  /** Restores queued and not applied yet (what `isSynced()` waits for). */
  private restoresWaiting = 0;
  private readonly backoff: Backoff;
  private resendTimer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  constructor(
    private readonly context: SyncSessionContext<I, E, S>,
    private readonly mode: ReplicaMode,
  ) {
    this.backoff = new Backoff(context.retransmit);
  }

  start(notifications: Observable<BallastNotification<I, E, S>>): Subscription {
    const { adapter, clientId, bufferInputs, scope } = this.context;
    const subscription = new Subscription();
    if (this.mode === 'forward-inputs') {
      subscription.add(scope.addInputGuard((input) => this.refuseWhenFull(input)));
      subscription.add(
        notifications.subscribe((notification) => this.onNotification(notification)),
      );
      // The operator decides when to send; every Input up to the one it lets through is sent, in order.
      subscription.add(
        this.outgoing.pipe(bufferInputs ?? identity).subscribe((input) => this.release(input)),
      );
    }
    this.updateStatus();
    const role = this.mode === 'forward-inputs' ? 'replica' : 'spectator';
    subscription.add(
      followAdapterStream(this.context, () => adapter.readStateFromSource(clientId, role), {
        next: (state) => this.receive(state),
        onDown: () => {
          this.streamDown = true;
          this.updateStatus();
        },
        onUp: () => {
          this.streamDown = false;
          this.updateStatus();
        },
      }),
    );
    const observeLink = adapter.observeLink?.bind(adapter);
    if (observeLink) {
      subscription.add(
        followAdapterStream(this.context, () => observeLink(clientId), {
          next: (link) => this.onLink(link),
          onDown: () => undefined,
          onUp: () => undefined,
        }),
      );
    }
    subscription.add(() => this.close());
    return subscription;
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

  private onNotification(notification: BallastNotification<I, E, S>): void {
    switch (notification.type) {
      case 'InputAccepted':
        return this.forward(notification.input);
      case 'InputHandledSuccessfully':
      case 'InputHandlerError':
        return this.reapplyIfOverwritten();
    }
  }

  /** Input guard: an Input that could not be forwarded is refused before it applies locally. */
  private refuseWhenFull(input: I): string | undefined {
    const limit = this.context.maxPendingInputs;
    if (this.pending.length < limit) return undefined;
    this.context.emit({ type: 'PendingInputsOverflow', input, limit });
    return (
      `the Replica of channel "${this.context.scope.viewModelName}" holds ${limit} Inputs the Source has not acknowledged, ` +
      'so this one could not be forwarded and was not applied. Start a Source (or wait for it to come back), or raise maxPendingInputs.'
    );
  }

  private forward(input: I): void {
    this.pending.push({ seq: this.nextSeq++, input, sent: false });
    this.outgoing.next(input);
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
    const source = this.source as { readonly incarnation: string };
    const envelope: SyncedInput<I> = {
      protocol: SYNC_PROTOCOL_VERSION,
      id: `${incarnation}:${pending.seq}`,
      clientId,
      incarnation,
      seq: pending.seq,
      firstUnacknowledged: (this.pending[0] as PendingInput<I>).seq,
      to: source.incarnation,
      seen: this.version,
      input: pending.input,
    };
    this.context.emit({ type: 'InputForwarded', input: envelope, resent: pending.sent });
    pending.sent = true;
    callAdapter(this.context, () => adapter.sendInputToSource(envelope));
  }

  /** Sends again every released Input that is not acknowledged yet, and restarts the wait. */
  private resendAll(): void {
    this.backoff.reset();
    this.disarmResendTimer();
    if (this.canSend()) this.sendRange(0, this.released);
  }

  private armResendTimer(): void {
    if (this.resendTimer !== undefined || this.closed || !this.pending[0]?.sent) return;
    const waitedMs = this.backoff.next();
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
    if (this.streamDown || this.link === 'disconnected') this.context.setStatus('disconnected');
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
    const newSource = published.incarnation !== this.source?.incarnation;
    if (!newSource && published.version <= this.version) return; // already passed
    this.version = published.version;
    if (newSource) {
      if (this.source) this.retire(this.source.incarnation);
      this.source = { sourceId: published.sourceId, incarnation: published.incarnation };
      this.context.emit({
        type: 'SourceChanged',
        sourceId: published.sourceId,
        incarnation: published.incarnation,
      });
    }
    const acknowledged = published.acks[this.context.incarnation];
    if (typeof acknowledged === 'number') this.acknowledge(acknowledged);
    // Everything unacknowledged goes to a new Source, which processes each Input once.
    if (newSource) this.resendAll();
    this.apply(published);
    this.updateStatus();
  }

  private retire(incarnation: string): void {
    this.retired.push(incarnation);
    if (this.retired.length > RETIRED_SOURCES) this.retired.shift();
  }

  private acknowledge(upToSeq: number): void {
    let count = 0;
    while (this.pending.length > 0 && (this.pending[0] as PendingInput<I>).seq <= upToSeq) {
      this.pending.shift();
      count++;
    }
    if (count === 0) return;
    this.released = Math.max(0, this.released - count);
    this.context.emit({ type: 'InputsAcknowledged', upToSeq });
    this.context.changed();
    // Progress: the wait starts over from the first interval.
    this.backoff.reset();
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
    this.context.scope
      .sendToQueue({ type: 'restore', state, rebase: this.rebase, settled: this.restoreSettled })
      // The ViewModel is shutting down or cleared: nothing left to keep in sync.
      .catch(this.restoreRefused);
  }

  /** A restore is being applied: the latest Source State, with what is unacknowledged replayed. */
  private readonly rebase = (): { readonly state: S; readonly inputs: readonly I[] } => {
    this.restoresWaiting--; // applied now: nothing of it is on its way any more
    const published = this.applied as SyncedState<S>;
    const inputs =
      this.mode === 'forward-inputs' && this.pending.length > 0
        ? this.pending.map((pending) => pending.input)
        : NO_INPUTS;
    this.rebased = published;
    this.replayed = inputs.length;
    return { state: published.state, inputs };
  };

  private readonly restoreSettled = (outcome: InputOutcome): void => {
    this.restoresInFlight--;
    if (outcome.status !== 'handled') {
      this.restoresWaiting--; // dropped (cleared) before it was applied
      this.context.changed();
      return;
    }
    const published = this.rebased as SyncedState<S>;
    if (published !== this.announced) {
      this.announced = published;
      this.context.emit({ type: 'StateApplied', state: published });
      if (this.replayed > 0)
        this.context.emit({ type: 'StateRebased', state: published, replayed: this.replayed });
    }
    this.context.changed();
    // A local Input may have completed between this restore and now (parallel()): its own
    // check was skipped because this restore was still in flight.
    if (this.mode === 'forward-inputs') this.reapplyIfOverwritten();
  };

  private readonly restoreRefused = (): void => {
    this.restoresInFlight--;
    this.restoresWaiting--;
    this.context.changed();
  };

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
  private close(): void {
    if (this.released < this.pending.length && this.canSend()) {
      this.sendRange(this.released, this.pending.length);
    }
    this.closed = true;
    this.disarmResendTimer();
    this.outgoing.complete();
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
