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
 * can only make it look late, never in time, and prove fewer requests, never more.
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
 * Frames arriving prove only the way down. The way up is proven by the server's answers: while
 * the socket owes the server's answer to a request (`asked()`: an Input, a join, a resync), the
 * time since the server last showed that it heard this client (`answered()`, or a `pong`) counts
 * as silence too, and only such a proof (a `pong`, most likely) answers the ping it brings. So a
 * link dead one way only, up, is found within `pingAfterMs + timeoutMs` of the first request it
 * swallowed (or of the last proof, if later), however busy the way down; a link whose answers
 * come within `pingAfterMs` never pings for them.
 *
 * `timeoutMs` is the configured one times `slowFactor` (a link taken for dead whose server
 * welcomed the next socket may just be slow: see `SocketLink`); a `pong` that comes back within the
 * configured timeout of its ping (frames arrive in order, so everything sent before it arrived
 * too) brings it back to the configured one.
 */
export class LivenessCheck {
  private readonly startedAt = now();
  private lastHeardAt = this.startedAt;
  /** When the ping that waits for an answer went out; undefined: none waits. */
  private pingSentAt: number | undefined;
  /** When the last ping went out. */
  private lastPingAt = -Infinity;
  /** Each ping whose `pong` has not come yet, oldest first: when it went out, and `requests` then. */
  private readonly pongsAwaited: { readonly at: number; readonly requests: number }[] = [];
  /** How many requests (frames the server answers) went out, and how many it is known to have got. */
  private requests = 0;
  private provenRequests = 0;
  /**
   * While the server has not shown that it got every request: when the first of them went out,
   * or when it last showed that it heard this client, whichever is later. Undefined: nothing owed.
   */
  private owedSince: number | undefined;
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
   * Whether the link worked both ways for `pingAfterMs` or more after the check started (a frame
   * arrived that late, and nothing was owed since earlier): beyond the frames that follow its
   * welcome at once.
   */
  get proven(): boolean {
    const worked = Math.min(this.lastHeardAt, this.owedSince ?? Infinity);
    return worked - this.startedAt >= this.options.pingAfterMs;
  }

  /**
   * A frame the server answers went out: returns its number (1, 2, 3…), which `answered()` is
   * given once the answer shows the server got it. Sets no timer: the one armed fires in time.
   */
  asked(): number {
    if (this.owedSince === undefined) this.owedSince = now();
    return ++this.requests;
  }

  /**
   * A frame arrived; `proves`: the number of the last request it shows the server got (0: none).
   * It answers the ping waiting, unless requests are owed and it proves none of them.
   */
  heard(proves = 0): void {
    this.lastHeardAt = now();
    if (this.stopped) return;
    if (proves > this.provenRequests) this.proved(proves);
    else if (this.owedSince === undefined) this.answerPing();
  }

  /**
   * The frame that arrived (and was `heard()`) is a `pong`: it answers the oldest ping awaiting
   * one, and proves every request sent before that ping.
   */
  pong(): void {
    const ping = this.pongsAwaited.shift();
    if (ping === undefined || this.stopped) return;
    this.proved(ping.requests);
    if (this.timeoutMs === this.options.timeoutMs) return;
    if (this.lastHeardAt - ping.at > this.options.timeoutMs) return;
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
    // Silence on the way down, or on the way up while the server owes an answer.
    const silence = at - Math.min(this.lastHeardAt, this.owedSince ?? Infinity);
    if (silence >= this.options.pingAfterMs) return this.sendPing(at);
    this.arm(this.options.pingAfterMs - silence);
  }

  /**
   * The server got every request up to number `upTo` (frames are handled in order): it heard this
   * client now, so what is still owed counts from now, and a ping waiting is answered.
   */
  private proved(upTo: number): void {
    this.provenRequests = Math.max(this.provenRequests, upTo);
    this.owedSince = this.provenRequests < this.requests ? now() : undefined;
    this.answerPing();
  }

  /** The ping waiting is answered: the next one goes out after pingAfterMs from now at the soonest. */
  private answerPing(): void {
    if (this.pingSentAt === undefined) return;
    // Not when the timeout would have run out, which may be later.
    this.pingSentAt = undefined;
    this.arm(this.options.pingAfterMs);
  }

  private sendPing(at: number): void {
    this.pingSentAt = this.lastPingAt = at;
    if (this.pongsAwaited.length < MAX_PONGS_AWAITED)
      this.pongsAwaited.push({ at, requests: this.requests });
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
