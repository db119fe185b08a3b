import { isAbortError, type WebLocksLike } from './web-locks';

const MAX_GONE = 256;

/**
 * Which tabs of a channel are alive, through Web Locks (internal). This tab holds the lock
 * `prefix + self` while it has the channel open; to follow another tab it asks for that tab's
 * lock, which the browser grants only once the tab is gone: closed, crashed or navigated away (or
 * its transport closed). No timer, no heartbeat, and a hidden tab's throttled timers do not matter.
 * Without Web Locks nothing is watched (a Source that leaves still says so with a message).
 */
export class PeerPresence {
  private readonly gone = new Set<string>();
  private watching: { readonly peer: string; readonly controller: AbortController } | undefined;
  private release: (() => void) | undefined;
  private closed = false;

  constructor(
    private readonly locks: WebLocksLike | undefined,
    private readonly prefix: string,
    private readonly self: string,
    private readonly onGone: (peer: string) => void,
    private readonly report: (error: unknown) => void,
  ) {}

  /** Takes this tab's own lock; resolves once it is held (or cannot be). */
  hold(): Promise<void> {
    const locks = this.locks;
    if (!locks) return Promise.resolve();
    return new Promise<void>((granted) => {
      locks
        .request(this.prefix + this.self, {}, () => {
          granted();
          if (this.closed) return undefined;
          return new Promise<void>((release) => (this.release = release));
        })
        .catch((error: unknown) => {
          granted();
          this.report(error);
        });
    });
  }

  /** Follows `peer` (the tab of the active Source), or nobody; one tab at a time. */
  watch(peer: string | undefined): void {
    if (this.watching?.peer === peer) return;
    this.watching?.controller.abort();
    this.watching = undefined;
    const locks = this.locks;
    if (!peer || peer === this.self || !locks || this.closed) return;
    const controller = new AbortController();
    this.watching = { peer, controller };
    locks
      .request(this.prefix + peer, { signal: controller.signal }, () => this.markGone(peer))
      .catch((error: unknown) => {
        if (!isAbortError(error) && !this.closed) this.report(error);
      });
  }

  /** Whether `peer` is known to be gone (its late messages are not trusted). */
  isGone(peer: string): boolean {
    return this.gone.has(peer);
  }

  /** Releases this tab's lock and stops watching. */
  close(): void {
    this.closed = true;
    this.watching?.controller.abort();
    this.watching = undefined;
    this.release?.();
  }

  private markGone(peer: string): void {
    if (this.closed) return;
    this.gone.add(peer);
    if (this.gone.size > MAX_GONE) this.gone.delete(this.gone.values().next().value as string);
    if (this.watching?.peer === peer) this.watching = undefined;
    this.onGone(peer);
  }
}
