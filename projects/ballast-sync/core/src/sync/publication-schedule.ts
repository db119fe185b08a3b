import { nextTask } from './next-task';

/** Below this, a wait is spent in task hops: a timer would round it up (Node: to 1 ms). */
const SHORTEST_TIMER_MS = 1;
/** A publication delivered faster than this leaves nothing to catch up: the next one may follow at once. */
const FREE_DELIVERY_MS = 0.1;
/** The longest a publication waits for the app (one frame): latency under load stays bounded. */
const MAX_QUIET_MS = 16;

/**
 * When a Source publishes.
 *
 * - **Idle**: in the next task after a change ({@link nextTask}, never a clamped timer), so that an
 *   Input's State and its acknowledgement (which settles a few microtasks later) travel as one.
 * - **Under sustained load**: after each publication it measures how long that task took to deliver
 *   it (until the next task), and leaves at least as long to the app before the next publication,
 *   coalescing every change and acknowledgement meanwhile into it. Publishing then costs at most
 *   about half of the time, however fast Inputs arrive and however many Replicas read the States.
 * - **When a Replica's unacknowledged Inputs pile up** (see `SourceSession`): in the next task,
 *   without the quiet wait, so that a fast Replica never reaches its `maxPendingInputs`.
 * - **In a hidden page** (a background tab, where an elected Source often lives, as told by
 *   {@link setPageHiddenCheck}): no quiet wait.
 *   Browsers throttle a background tab's timers to about once a second (once a minute after a
 *   while), which would hold every visible tab's Replicas back that long; nothing renders there
 *   to leave time for, and what arrives while one publication is delivered still joins the next.
 */
export class PublicationSchedule {
  private requested = false;
  /** Whether the requested publication skips the quiet wait. */
  private urgent = false;
  private cancelWait: (() => void) | undefined;
  private measuring = false;
  /** No publication before this (`performance.now()` time). */
  private quietUntil = 0;
  private stopped = false;

  constructor(private readonly fire: () => void) {}

  /**
   * Something changed: publish as soon as the schedule allows; `urgent`: in the next task, without
   * the quiet wait (a publication the app cannot wait for, e.g. acknowledgements piling up).
   */
  request(urgent = false): void {
    this.requested = true;
    if (urgent && !this.urgent) {
      this.urgent = true;
      this.cancelWait?.(); // a quiet wait, perhaps on a timer: hop instead
      this.cancelWait = undefined;
    }
    if (!this.cancelWait && !this.stopped) this.wait();
  }

  /** A publication went out: measures its delivery (one measurement at a time). */
  published(): void {
    if (this.measuring) return;
    const started = performance.now();
    this.measuring = true;
    nextTask(() => {
      this.measuring = false;
      const now = performance.now();
      const took = now - started;
      this.quietUntil = took > FREE_DELIVERY_MS ? now + Math.min(took, MAX_QUIET_MS) : 0;
    });
  }

  stop(): void {
    this.stopped = true;
    this.cancelWait?.();
    this.cancelWait = undefined;
  }

  private wait(): void {
    const left = this.quietUntil - performance.now();
    if (left >= SHORTEST_TIMER_MS && !this.urgent && !pageHidden()) {
      const timer = setTimeout(() => this.run(), left);
      this.cancelWait = () => clearTimeout(timer);
    } else {
      this.cancelWait = nextTask(() => this.run());
    }
  }

  private run(): void {
    this.cancelWait = undefined;
    if (this.stopped) return;
    if (!this.requested) return;
    if (performance.now() < this.quietUntil && !this.urgent && !pageHidden()) return this.wait();
    this.requested = false;
    this.urgent = false;
    this.fire();
  }
}

/** Whether the page is hidden (a background tab). Core reads no browser global: see below. */
let pageHidden: () => boolean = () => false;

/**
 * Internal: how every PublicationSchedule tells that its page is hidden (a background tab), where
 * browsers throttle timers. The browser entry points set it (the cross-tab transport, whose
 * elected Source often runs in a background tab); elsewhere (Node, workers) a page is never hidden.
 */
export function setPageHiddenCheck(check: () => boolean): void {
  pageHidden = check;
}
