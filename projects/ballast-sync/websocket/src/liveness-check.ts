import type { WebSocketLivenessOptions } from './web-socket-sync-transport-options';

/** A monotonic clock where there is one (browsers, Node), else the wall clock (internal). */
export const now = (): number => (globalThis.performance ?? Date).now();

/**
 * The shortest time between a ping and a probe (a ping asked for by a wake signal), in ms: a server
 * answers about one ping a second per socket (its `limits.pingsPerSecond`), and a ping over its
 * limit is never answered, which would make a healthy link look dead.
 */
export const MIN_PROBE_INTERVAL_MS = 1_000;

/** The longest delay a timer takes (setTimeout fires at once beyond it). */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * Pings whose `pong` is still awaited, at most (a ping over the server's limit never gets one).
 * Beyond it a ping is not recorded: a pong is then matched with an older ping than its own, which
 * can only make it look late, never in time.
 */
const MAX_PONGS_AWAITED = 8;

/** What a {@link LivenessCheck} tells its socket. */
export interface LivenessHooks {
  /** Send a `ping` frame. */
  ping(): void;
  /** Nothing arrived within `timeoutMs` (the one in force, given) of a ping: the link is dead. */
  dead(timeoutMs: number): void;
  /**
   * A `pong` came back within the configured `timeoutMs` of its ping while a longer timeout was in
   * force: the link is not slow (any more), and the check uses the configured timeout again.
   */
  prompt(): void;
}

/**
 * Watches one welcomed socket for signs of life (internal; docs/PROTOCOL.md, Liveness). Every
 * frame received is one: `heard()` only stores the time, except for the first frame after a ping,
 * which answers it and moves the one timer to `pingAfterMs` after itself (one timer change per
 * ping, none per frame). The timer wakes up when the silence could have reached `pingAfterMs` and,
 * if it has, sends a ping; when nothing at all arrived within `timeoutMs` after the ping, the link
 * is dead. So a dead link is found within `pingAfterMs + timeoutMs` of the last frame, and a
 * connection with traffic wakes the timer once per `pingAfterMs` and never pings.
 *
 * `timeoutMs` is the configured one times `slowFactor` (a link taken for dead whose server
 * welcomed the next socket may just be slow: see `SocketLink`); a `pong` that comes back within the
 * configured timeout of its ping (frames arrive in order, so everything sent before it arrived
 * too) brings it back to the configured one.
 */
export class LivenessCheck {
  private readonly startedAt = now();
  private lastHeardAt = this.startedAt;
  /** When the ping that waits for an answer (any frame) went out; undefined: none waits. */
  private pingSentAt: number | undefined;
  /** When the last ping went out. */
  private lastPingAt = -Infinity;
  /** When each ping whose `pong` has not come yet went out, oldest first. */
  private readonly pongsAwaited: number[] = [];
  private timeoutMs: number;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(
    private readonly options: WebSocketLivenessOptions,
    slowFactor: number,
    private readonly hooks: LivenessHooks,
  ) {
    this.timeoutMs = options.timeoutMs * slowFactor;
    this.arm(options.pingAfterMs);
  }

  /**
   * Whether a frame arrived `pingAfterMs` or more after the check started (traffic, or a ping
   * answered): the link worked for a while, beyond the frames that follow its welcome at once.
   */
  get proven(): boolean {
    return this.lastHeardAt - this.startedAt >= this.options.pingAfterMs;
  }

  /** A frame arrived. */
  heard(): void {
    this.lastHeardAt = now();
    if (this.pingSentAt === undefined || this.stopped) return;
    // The ping is answered: the next one goes out after pingAfterMs of silence from now (not
    // when the timeout would have run out, which may be later).
    this.pingSentAt = undefined;
    this.arm(this.options.pingAfterMs);
  }

  /** The frame that arrived (and was `heard()`) is a `pong`: it answers the oldest ping awaiting one. */
  pong(): void {
    const sentAt = this.pongsAwaited.shift();
    if (sentAt === undefined || this.stopped || this.timeoutMs === this.options.timeoutMs) return;
    if (this.lastHeardAt - sentAt > this.options.timeoutMs) return;
    this.timeoutMs = this.options.timeoutMs;
    this.hooks.prompt();
  }

  /**
   * Pings at once (the network changed: test the link), unless a ping waits for its answer or the
   * last one went out less than {@link MIN_PROBE_INTERVAL_MS} ago.
   */
  probe(): void {
    if (this.stopped || this.pingSentAt !== undefined) return;
    const at = now();
    if (at - this.lastPingAt >= MIN_PROBE_INTERVAL_MS) this.sendPing(at);
  }

  /** The socket is gone: no timer is left behind, and nothing is sent or declared any more. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private check(): void {
    this.timer = undefined;
    if (this.stopped) return;
    const at = now();
    if (this.pingSentAt !== undefined) {
      const waited = at - this.pingSentAt;
      if (waited >= this.timeoutMs) return this.hooks.dead(this.timeoutMs);
      return this.arm(this.timeoutMs - waited);
    }
    const silence = at - this.lastHeardAt;
    if (silence >= this.options.pingAfterMs) return this.sendPing(at);
    this.arm(this.options.pingAfterMs - silence);
  }

  private sendPing(at: number): void {
    this.pingSentAt = this.lastPingAt = at;
    if (this.pongsAwaited.length < MAX_PONGS_AWAITED) this.pongsAwaited.push(at);
    this.hooks.ping();
    this.arm(this.timeoutMs);
  }

  /** (Re)sets the one timer, unless the check was stopped (by a hook, for instance). */
  private arm(delayMs: number): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.stopped) return;
    this.timer = setTimeout(() => this.check(), Math.min(delayMs, MAX_TIMER_MS));
  }
}
