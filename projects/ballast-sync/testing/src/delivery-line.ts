interface Pending<T> {
  readonly value: T;
  /** Whether its delay has elapsed. */
  due: boolean;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * Values on their way to one receiver, each with its own delay. An ordered line delivers in the
 * order values were pushed: one whose delay elapsed waits behind an earlier one still delayed. An
 * unordered line delivers each value when its own delay elapses. A value with no delay, at the head
 * of the line (or on an unordered line), is delivered at once, synchronously.
 *
 * Holds one timer per delayed value, and none once it is empty: `clear()` cancels them all.
 */
export class DeliveryLine<T> {
  private readonly pending: Pending<T>[] = [];
  private releasing = false;

  /**
   * @param deliver called with each value when it is released; must not throw.
   * @param onEmpty called each time the line becomes empty.
   */
  constructor(
    private readonly ordered: boolean,
    private readonly deliver: (value: T) => void,
    private readonly onEmpty: () => void = () => undefined,
  ) {}

  /** How many values are waiting. */
  get size(): number {
    return this.pending.length;
  }

  push(value: T, delayMs: number): void {
    const item: Pending<T> = { value, due: delayMs <= 0, timer: undefined };
    this.pending.push(item);
    if (!item.due) {
      item.timer = setTimeout(() => {
        item.timer = undefined;
        item.due = true;
        this.release();
      }, delayMs);
    }
    this.release();
  }

  /** Delivers every waiting value now, in the line's order, as if every delay had elapsed. */
  flush(): void {
    for (const item of this.pending) {
      clearTimeout(item.timer);
      item.timer = undefined;
      item.due = true;
    }
    this.release();
  }

  /** Drops every waiting value and cancels its timer; returns how many were dropped. */
  clear(): number {
    const dropped = this.pending.length;
    for (const item of this.pending) clearTimeout(item.timer);
    this.pending.length = 0;
    if (dropped > 0) this.onEmpty();
    return dropped;
  }

  private release(): void {
    // A delivery may push to this line again (a synchronous receiver): the loop picks it up.
    if (this.releasing) return;
    this.releasing = true;
    try {
      for (;;) {
        const index = this.nextDue();
        if (index < 0) break;
        const [item] = this.pending.splice(index, 1);
        this.deliver((item as Pending<T>).value);
      }
    } finally {
      this.releasing = false;
    }
    if (this.pending.length === 0) this.onEmpty();
  }

  /** The index of the value to deliver next, or -1 while none may be delivered yet. */
  private nextDue(): number {
    if (this.ordered) return this.pending[0]?.due ? 0 : -1;
    return this.pending.findIndex((item) => item.due);
  }
}
