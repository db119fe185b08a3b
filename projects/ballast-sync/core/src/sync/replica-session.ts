import { identity, Subject, Subscription, type Observable } from 'rxjs';
import { ballastError, describeValue } from '../engine/errors';
import type { BallastNotification } from '../engine/notifications';
import { isSyncedState, type SyncedInput, type SyncedState } from './sync-messages';
import { callAdapter, type SyncSessionContext } from './sync-session';

interface PendingInput<I> {
  readonly seq: number;
  readonly input: I;
}

/**
 * The Replica and Spectator side of a connection. Both apply every newer Source State. A Replica
 * also forwards each Input when it is queued and keeps it until the Source acknowledges it,
 * re-sending what is unacknowledged whenever a new Source appears (which is how Inputs sent before
 * any Source existed reach the first one).
 */
export class ReplicaSession<I, E, S> {
  /** Forwarded Inputs not yet acknowledged, in `seq` order. */
  private readonly pending: PendingInput<I>[] = [];
  /** `pending[0 .. unsent)` went to the adapter; the rest wait for the bufferInputs operator. */
  private unsent = 0;
  private readonly outgoing = new Subject<I>();
  private nextSeq = 1;
  private sourceId: string | undefined;
  private version = 0;
  private applied: { readonly state: S } | undefined;
  private restoresInFlight = 0;

  constructor(
    private readonly context: SyncSessionContext<I, E, S>,
    private readonly forwardsInputs: boolean,
  ) {}

  start(notifications: Observable<BallastNotification<I, E, S>>): Subscription {
    const { adapter, clientId, bufferInputs } = this.context;
    const subscription = new Subscription();
    if (this.forwardsInputs) {
      subscription.add(
        notifications.subscribe((notification) => this.onNotification(notification)),
      );
      // The operator decides when to send; every Input up to the one it lets through is sent, in order.
      subscription.add(
        this.outgoing.pipe(bufferInputs ?? identity).subscribe((input) => this.flush(input)),
      );
    }
    this.context.setStatus('waiting-for-source');
    subscription.add(
      adapter.readStateFromSource(clientId).subscribe({
        next: (state) => this.receive(state),
        error: (error: unknown) => this.context.scope.reportError(error),
      }),
    );
    return subscription;
  }

  private onNotification(notification: BallastNotification<I, E, S>): void {
    switch (notification.type) {
      case 'InputQueued':
        return this.forward(notification.input);
      case 'InputHandledSuccessfully':
      case 'InputHandlerError':
        return this.reapplyIfOverwritten();
    }
  }

  private forward(input: I): void {
    const limit = this.context.maxPendingInputs;
    if (this.pending.length >= limit) {
      this.context.emit({ type: 'PendingInputsOverflow', input, limit });
      this.context.scope.reportError(
        ballastError(
          `the Replica of channel "${this.context.scope.viewModelName}" holds ${limit} Inputs no Source has acknowledged; ` +
            `Input "${describeValue(input)}" was applied locally but will not be forwarded. Start a Source, or raise maxPendingInputs.`,
        ),
      );
      return;
    }
    this.pending.push({ seq: this.nextSeq++, input });
    this.outgoing.next(input);
  }

  private flush(released: I): void {
    // The same Input object may be queued several times: take its latest unsent occurrence, so a
    // trailing-edge operator (debounceTime) never leaves earlier ones behind. At worst an Input
    // leaves earlier than a leading-edge operator or delay() would have sent it; none is lost.
    let upTo = this.pending.length - 1;
    for (let i = upTo; i >= this.unsent; i--) {
      if ((this.pending[i] as PendingInput<I>).input === released) {
        upTo = i;
        break;
      }
    }
    while (this.unsent <= upTo) this.send(this.pending[this.unsent++] as PendingInput<I>, false);
  }

  private send(pending: PendingInput<I>, resent: boolean): void {
    const { clientId, adapter } = this.context;
    const envelope: SyncedInput<I> = {
      id: `${clientId}:${pending.seq}`,
      clientId,
      seq: pending.seq,
      firstUnacknowledged: (this.pending[0] as PendingInput<I>).seq,
      input: pending.input,
    };
    this.context.emit({ type: 'InputForwarded', input: envelope, resent });
    callAdapter(this.context, () => adapter.sendInputToSource(envelope));
  }

  private receive(published: SyncedState<S>): void {
    if (!isSyncedState(published)) {
      this.context.scope.reportError(
        ballastError(
          `channel "${this.context.scope.viewModelName}" received a malformed State from its adapter; it was ignored.`,
        ),
      );
      return;
    }
    const newSource = published.sourceId !== this.sourceId;
    if (!newSource && published.version <= this.version) return; // already passed
    this.version = published.version;
    if (newSource) {
      this.sourceId = published.sourceId;
      this.context.emit({ type: 'SourceChanged', sourceId: published.sourceId });
    }
    const acknowledged = published.acks[this.context.clientId];
    if (typeof acknowledged === 'number') this.acknowledge(acknowledged);
    if (newSource) {
      this.unsent = this.pending.length;
      for (const pending of this.pending) this.send(pending, true);
    }
    this.apply(published);
    this.context.setStatus('connected');
  }

  private acknowledge(upToSeq: number): void {
    let count = 0;
    while (this.pending.length > 0 && (this.pending[0] as PendingInput<I>).seq <= upToSeq) {
      this.pending.shift();
      this.unsent = Math.max(0, this.unsent - 1);
      count++;
    }
    if (count > 0) this.context.emit({ type: 'InputsAcknowledged', upToSeq });
  }

  private apply(published: SyncedState<S>): void {
    this.applied = { state: published.state };
    this.restore(() => this.context.emit({ type: 'StateApplied', state: published }));
  }

  private restore(onApplied?: () => void): void {
    const state = (this.applied as { readonly state: S }).state;
    this.restoresInFlight++;
    this.context.scope.sendToQueueAndAwaitCompletion({ type: 'restore', state }).then(
      () => {
        this.restoresInFlight--;
        onApplied?.();
        // A local Input may have completed between this restore and now (parallel()): its own
        // check was skipped because this restore was still in flight.
        if (this.forwardsInputs) this.reapplyIfOverwritten();
      },
      // The ViewModel is shutting down or cleared: nothing left to keep in sync.
      () => this.restoresInFlight--,
    );
  }

  /**
   * Once the Source acknowledged all of this Replica's Inputs, its State is authoritative. A local
   * Input that finished after that State was applied (possible under parallel()) has overwritten
   * it, so the Source State is applied again.
   */
  private reapplyIfOverwritten(): void {
    if (this.pending.length > 0 || this.restoresInFlight > 0 || !this.applied) return;
    if (!Object.is(this.context.scope.getCurrentState(), this.applied.state)) this.restore();
  }
}
