import type { InputDropReason } from './notifications';
import type { InputOutcome, QueueOverflow } from './view-model-config';

/** Who queued an Input: anybody outside, or the ViewModel's own side jobs and Event handler. */
export type InputSource = 'outside' | 'own-work';

/** One item of the ViewModel's single queue. `settle` reports how it ended. */
export type QueueItem<I, S> = (
  | {
      readonly type: 'input';
      readonly input: I;
      /** `own-work`: posted by its side job or Event handler, so kept while shutting down. */
      readonly from: InputSource;
      /** Called when its handler starts (an interceptor tracking what the State reflects). */
      readonly started?: () => void;
    }
  | {
      readonly type: 'restore';
      readonly state: S;
      readonly rebase?: () => { readonly state: S; readonly inputs: readonly I[] };
    }
  | { readonly type: 'shutdown' }
) & { settle: ((outcome: InputOutcome) => void) | undefined };

export type InputItem<I, S> = Extract<QueueItem<I, S>, { type: 'input' }>;

/** What `items` and `waiters` hold while empty (never mutated). */
const NONE: readonly never[] = Object.freeze([]);

interface Waiter<I, S> {
  readonly item: InputItem<I, S>;
  readonly admitted: (queued: boolean) => void;
}

/** Where the queue reports an Input it drops (its ViewModel). */
export interface InputQueueHost<I, S> {
  onDrop(item: InputItem<I, S>, reason: InputDropReason): void;
}

/**
 * The single queue of Inputs, restored States and shutdown requests. Only Inputs count against
 * the capacity; an Input that does not fit is handed to `onDrop` (never lost silently).
 */
export class InputQueue<I, S> {
  /** `NONE` whenever the queue is empty: an idle queue holds no array. */
  private items: QueueItem<I, S>[] = NONE as never[];
  private head = 0;
  private inputs = 0;
  /** Only with overflow `suspend`, while the queue is full (`NONE` while nobody waits). */
  private waiters: Waiter<I, S>[] = NONE as never[];

  constructor(
    private readonly capacity: number,
    private readonly overflow: QueueOverflow,
    private readonly host: InputQueueHost<I, S>,
  ) {}

  private onDrop(item: InputItem<I, S>, reason: InputDropReason): void {
    this.host.onDrop(item, reason);
  }

  get size(): number {
    return this.items.length - this.head + this.waiters.length;
  }

  /** Queues a restore or shutdown item (never dropped for capacity). */
  push(item: QueueItem<I, S>): void {
    if (this.items.length === 0) this.items = [item];
    else this.items.push(item);
  }

  /** Queues a restore item ahead of everything waiting (never dropped for capacity). */
  pushFirst(item: QueueItem<I, S>): void {
    if (this.items.length === 0) this.items = [item];
    else this.items.splice(this.head, 0, item);
  }

  /**
   * Queues an Input. Returns true when queued, false when dropped, or (overflow `suspend` and
   * `whenFull: 'wait'`) a Promise that resolves once the Input was admitted (true) or dropped (false).
   */
  offer(item: InputItem<I, S>, whenFull: 'wait' | 'drop'): boolean | Promise<boolean> {
    if (this.inputs < this.capacity && this.waiters.length === 0) {
      this.append(item);
      return true;
    }
    switch (this.overflow) {
      case 'drop-latest':
        this.onDrop(item, 'overflow');
        return false;
      case 'drop-oldest': {
        const oldest = this.removeOldestInput();
        if (oldest) this.onDrop(oldest, 'overflow');
        this.append(item);
        return true;
      }
      case 'suspend':
        if (whenFull === 'drop') {
          this.onDrop(item, 'overflow');
          return false;
        }
        return new Promise<boolean>((admitted) => {
          if (this.waiters.length === 0) this.waiters = [{ item, admitted }];
          else this.waiters.push({ item, admitted });
        });
    }
  }

  take(): QueueItem<I, S> | undefined {
    if (this.head === this.items.length) return undefined;
    const item = this.items[this.head] as QueueItem<I, S>;
    this.items[this.head++] = undefined as never;
    if (this.head === this.items.length) {
      // Empty: an idle queue holds no array.
      this.items = NONE as never[];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    if (item.type === 'input') {
      this.inputs--;
      this.admitWaiter();
    }
    return item;
  }

  /** Empties the queue and its waiters: Inputs go to `onDrop`, other items settle as dropped. */
  drain(reason: InputDropReason): void {
    const items = this.items.slice(this.head);
    this.items = NONE as never[];
    this.head = 0;
    this.inputs = 0;
    for (const item of items) {
      if (item.type === 'input') this.onDrop(item, reason);
      else item.settle?.({ status: 'dropped', reason });
    }
    this.dropWaiting(reason);
  }

  /** Drops the Inputs still waiting for room (they were never queued): all, or those `which` selects. */
  dropWaiting(
    reason: InputDropReason,
    which: (item: InputItem<I, S>) => boolean = () => true,
  ): void {
    if (this.waiters.length === 0) return;
    const dropped: Waiter<I, S>[] = [];
    const kept: Waiter<I, S>[] = [];
    for (const waiter of this.waiters) (which(waiter.item) ? dropped : kept).push(waiter);
    this.waiters = kept.length === 0 ? (NONE as never[]) : kept;
    for (const waiter of dropped) {
      this.onDrop(waiter.item, reason);
      waiter.admitted(false);
    }
  }

  private append(item: InputItem<I, S>): void {
    this.push(item);
    this.inputs++;
  }

  private admitWaiter(): void {
    if (this.waiters.length === 0) return;
    const waiter = this.waiters.shift() as Waiter<I, S>;
    if (this.waiters.length === 0) this.waiters = NONE as never[];
    this.append(waiter.item);
    waiter.admitted(true);
  }

  private removeOldestInput(): InputItem<I, S> | undefined {
    for (let i = this.head; i < this.items.length; i++) {
      const item = this.items[i] as QueueItem<I, S>;
      if (item.type === 'input') {
        this.items.splice(i, 1);
        this.inputs--;
        return item;
      }
    }
    return undefined;
  }
}
