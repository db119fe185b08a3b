import { ballastError } from './errors';
import type { BallastLogger } from './logger';
import type { BallastNotification } from './notifications';
import type { EventHandler, EventHandlerScope } from './scopes';

/** Angular's development flag: `false` in production builds (long messages are dropped). */
declare const ngDevMode: unknown;

/** What the event bus needs from its ViewModel. */
export interface EventBusHost<I, E, S> {
  readonly name: string;
  readonly logger: BallastLogger;
  notify(notification: BallastNotification<I, E, S>): void;
  /** Queues an Input posted by the Event handler (still accepted while the ViewModel shuts down). */
  postOwnInput(input: I): Promise<void>;
  onEventsSettled(): void;
}

/**
 * Buffers Events until a handler is attached, then delivers each one at most once, in order, one at
 * a time (an async handler is awaited before the next Event). Delivery starts in a microtask, so an
 * Event posted by a synchronous Input handler reaches the Event handler after that handler returned
 * (an async Input handler may still be running). At most `capacity` Events wait: posting one more
 * drops the oldest waiting one (`EventDropped`, and a warning the first time).
 */
export class EventBus<I, E, S> {
  private buffer: E[] = [];
  private handler: EventHandler<I, E> | undefined;
  private delivering = false;
  private closed = false;
  private warnedOfDrops = false;
  private readonly scope: EventHandlerScope<I>;

  constructor(
    private readonly host: EventBusHost<I, E, S>,
    private readonly capacity: number,
  ) {
    this.scope = { postInput: (input) => host.postOwnInput(input) };
  }

  /** Whether Events are waiting for (or being delivered to) a handler. */
  get busy(): boolean {
    return this.delivering || (this.handler !== undefined && this.buffer.length > 0);
  }

  post(event: E): void {
    if (this.closed) {
      throw ballastError(
        typeof ngDevMode === 'undefined' || ngDevMode
          ? `postEvent() was called on ViewModel "${this.host.name}" after it was cleared.`
          : 8,
      );
    }
    if (event === undefined) {
      throw ballastError(
        typeof ngDevMode === 'undefined' || ngDevMode
          ? `postEvent() needs an Event; got undefined (ViewModel "${this.host.name}").`
          : 9,
      );
    }
    this.host.notify({ type: 'EventQueued', event });
    this.buffer.push(event);
    if (this.buffer.length > this.capacity) this.dropOldest();
    this.schedule();
  }

  attach(handler: EventHandler<I, E>): () => void {
    if (typeof handler !== 'function') {
      throw ballastError(
        typeof ngDevMode === 'undefined' || ngDevMode
          ? `attachEventHandler() needs a function (event, scope) => void; got ${typeof handler}.`
          : 10,
      );
    }
    if (this.closed) {
      throw ballastError(
        typeof ngDevMode === 'undefined' || ngDevMode
          ? `attachEventHandler() was called on ViewModel "${this.host.name}" after it was cleared.`
          : 11,
      );
    }
    if (this.handler) {
      throw ballastError(
        typeof ngDevMode === 'undefined' || ngDevMode
          ? `ViewModel "${this.host.name}" already has an event handler. Call the detach function returned by attachEventHandler() first.`
          : 12,
      );
    }
    this.handler = handler;
    this.host.notify({ type: 'EventProcessingStarted' });
    this.schedule();
    return () => {
      if (this.handler !== handler) return;
      this.handler = undefined;
      if (!this.closed) this.host.notify({ type: 'EventProcessingStopped' });
    };
  }

  close(): void {
    if (this.closed) return;
    const hadHandler = this.handler !== undefined;
    this.closed = true;
    this.handler = undefined;
    this.buffer = [];
    if (hadHandler) this.host.notify({ type: 'EventProcessingStopped' });
  }

  private dropOldest(): void {
    const dropped = this.buffer.shift() as E;
    this.host.notify({ type: 'EventDropped', event: dropped, reason: 'overflow' });
    if (this.warnedOfDrops) return;
    this.warnedOfDrops = true;
    this.host.logger.warn(
      typeof ngDevMode === 'undefined' || ngDevMode
        ? `ballast-sync: ViewModel "${this.host.name}" dropped an Event: ${this.capacity} Events were already waiting for ` +
            `the Event handler (see the EventDropped notifications; this warning is shown once). Attach an event handler ` +
            `with attachEventHandler(), or raise eventBuffer.capacity.`
        : `ballast-sync: [BS48] "${this.host.name}" dropped an Event`,
    );
  }

  private schedule(): void {
    if (this.delivering || !this.handler || this.buffer.length === 0) return;
    this.delivering = true;
    queueMicrotask(() => void this.deliver());
  }

  private async deliver(): Promise<void> {
    while (this.handler && this.buffer.length > 0) {
      const handler = this.handler;
      const event = this.buffer.shift() as E;
      this.host.notify({ type: 'EventEmitted', event });
      try {
        const result = handler(event, this.scope);
        if (result !== undefined) await result;
        this.host.notify({ type: 'EventHandledSuccessfully', event });
      } catch (error) {
        this.host.notify({ type: 'EventHandlerError', event, error });
      }
    }
    this.delivering = false;
    this.host.onEventsSettled();
  }
}
