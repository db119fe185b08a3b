import type { WebSocketLivenessOptions } from './web-socket-sync-transport-options';

/** A monotonic clock where there is one (browsers, Node), else the wall clock. */
const now = (): number => (globalThis.performance ?? Date).now();

/**
 * Watches one welcomed socket for signs of life (internal; docs/PROTOCOL.md, Liveness). Every
 * frame received is one (`heard()` only stores the time: no timer is touched per frame). One
 * timer per socket wakes up when the silence could have reached `pingAfterMs` and, if it has,
 * sends a ping; when nothing at all arrived `timeoutMs` after the ping, the link is dead. So a
 * connection with traffic wakes the timer once per `pingAfterMs` and never pings.
 */
export class LivenessCheck {
  private lastHeardAt = now();
  /** When the unanswered ping went out (undefined: none is waiting for an answer). */
  private pingSentAt: number | undefined;
  private heardSincePing = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(
    private readonly options: WebSocketLivenessOptions,
    private readonly ping: () => void,
    private readonly dead: () => void,
  ) {
    this.arm(options.pingAfterMs);
  }

  /** A frame arrived. */
  heard(): void {
    this.lastHeardAt = now();
    this.heardSincePing = true;
  }

  /** Pings at once, unless a ping is waiting for its answer (the network changed: test the link). */
  probe(): void {
    if (!this.stopped && this.pingSentAt === undefined) this.sendPing(now());
  }

  /** The socket is gone: no timer is left behind. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private check(): void {
    this.timer = undefined;
    const at = now();
    if (this.pingSentAt !== undefined) {
      if (!this.heardSincePing) {
        const waited = at - this.pingSentAt;
        if (waited >= this.options.timeoutMs) return this.dead();
        return this.arm(this.options.timeoutMs - waited);
      }
      this.pingSentAt = undefined;
    }
    const silence = at - this.lastHeardAt;
    if (silence >= this.options.pingAfterMs) return this.sendPing(at);
    this.arm(this.options.pingAfterMs - silence);
  }

  private sendPing(at: number): void {
    this.pingSentAt = at;
    this.heardSincePing = false;
    clearTimeout(this.timer);
    this.arm(this.options.timeoutMs);
    this.ping();
  }

  private arm(delayMs: number): void {
    this.timer = setTimeout(() => this.check(), delayMs);
  }
}
