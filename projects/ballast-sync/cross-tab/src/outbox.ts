import { ɵballastError as ballastError } from 'ballast-sync/core';
import { CROSS_TAB_WIRE_VERSION, type WireBatch, type WireMessage } from './cross-tab-wire';
import { describeUncloneable } from './describe-uncloneable';
import type { BroadcastChannelLike } from './web-locks';

/** Says what a message carries, for the error when it cannot be cloned. */
export type Explain = (problem: string) => string;

/** The user value a message carries, and what to call it in an error (`state`, `input`). */
export interface Payload {
  readonly root: string;
  readonly value: unknown;
}

interface Queued {
  readonly message: WireMessage;
  readonly explain?: Explain;
  readonly payload?: Payload;
  readonly settle?: (error?: Error) => void;
}

/**
 * How a tab posts (internal). Latency first: the first message of a task goes at once; what
 * follows in the same task is posted as one batch in a microtask, so a burst of Inputs costs one
 * post. A State waits for the snapshot its Source saves right after publishing it, and both go in
 * one post (one clone of the State). A message that cannot be structured-cloned is refused alone,
 * with a `ballast-sync: ` error naming what it carries and where it stops being cloneable; the
 * others still go, in order.
 */
export class Outbox {
  private queue: Queued[] = [];
  private scheduled = false;
  /** Whether a message already went at once in this task (the next ones are batched). */
  private postedThisTask = false;
  /** While false, messages wait (the tab is not ready to speak yet). */
  private open = false;

  constructor(
    private readonly port: BroadcastChannelLike,
    private readonly from: string,
  ) {}

  /**
   * Queues a message. With `explain`, returns a Promise that rejects when it could not be cloned
   * (adapters return it, so the connection reports the error).
   */
  post(message: WireMessage): void;
  post(message: WireMessage, payload: Payload, explain: Explain): Promise<void>;
  post(message: WireMessage, payload?: Payload, explain?: Explain): Promise<void> | void {
    if (!explain) {
      this.enqueue({ message });
      return;
    }
    return new Promise<void>((resolve, reject) =>
      this.enqueue({
        message,
        payload,
        explain,
        settle: (error) => (error ? reject(error) : resolve()),
      }),
    );
  }

  /** Lets queued and later messages go (once the tab is ready). */
  start(): void {
    this.open = true;
    this.schedule();
  }

  /** Posts what is queued now (e.g. before a Source releases its election lock). */
  flush(): void {
    if (!this.open || this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    try {
      this.port.postMessage(this.wrap(batch.map((q) => q.message)));
      for (const q of batch) q.settle?.();
    } catch (error) {
      // One value could not be cloned (or the channel is closed): post one by one to tell which.
      for (const q of batch) this.postAlone(q, error);
    }
  }

  /** Drops what is queued (the tab leaves the channel). */
  discard(): void {
    const dropped = this.queue;
    this.queue = [];
    for (const q of dropped) q.settle?.();
  }

  private enqueue(queued: Queued): void {
    this.queue.push(queued);
    if (!this.open) return;
    const kind = queued.message.kind;
    if (kind === 'snapshot') return this.flush(); // with the State it follows, if any
    if (kind !== 'state' && !this.postedThisTask && this.queue.length === 1) {
      this.postedThisTask = true;
      queueMicrotask(() => (this.postedThisTask = false));
      return this.flush();
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled || !this.open || this.queue.length === 0) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private postAlone(queued: Queued, batchError: unknown): void {
    try {
      this.port.postMessage(this.wrap([queued.message]));
      queued.settle?.();
    } catch (error) {
      if (!queued.settle || !queued.explain || !queued.payload) return;
      const isClone = (error as { name?: unknown } | null)?.name === 'DataCloneError';
      queued.settle(
        ballastError(
          isClone
            ? queued.explain(
                `it cannot be structured-cloned, at ${describeUncloneable(queued.payload.value, queued.payload.root)}. ` +
                  'BroadcastChannel carries plain data only: keep functions, Symbols, Promises, DOM nodes and ' +
                  'class instances with methods out of States and Inputs (Dates, Maps, Sets and typed arrays are fine)',
              )
            : queued.explain(`posting it failed (${String(error ?? batchError)})`),
          { cause: error },
        ),
      );
    }
  }

  private wrap(messages: readonly WireMessage[]): WireBatch {
    return { ballastSync: CROSS_TAB_WIRE_VERSION, from: this.from, messages };
  }
}
