import type { WebLocksLike } from './web-locks';

/**
 * Which other tabs had the channel open when this tab joined, and whether each has answered its
 * `hello` yet (internal). A tab that becomes the Source right after opening the channel waits for
 * them, bounded, so it continues from the newest snapshot any tab keeps (a tab whose ViewModels
 * are gone still keeps it). The tabs are read from the Web Locks each holds while it has the
 * channel open; without Web Locks the census cannot be taken and a short fixed wait stands in.
 */
export class PeerCensus {
  /** Peers still to answer; undefined until the census is taken. */
  private waiting: Set<string> | undefined;
  private readonly heard = new Set<string>();
  private readonly listeners = new Set<() => void>();
  private taken: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly locks: WebLocksLike | undefined,
    private readonly lockPrefix: string,
    private readonly self: string,
  ) {}

  /** Takes the census (once this tab holds its own lock and has said hello). */
  start(): void {
    this.taken ??= this.take();
  }

  /** A peer answered (a `welcome`, or its own `hello`), or is gone. */
  answered(peer: string): void {
    this.heard.add(peer);
    this.waiting?.delete(peer);
    this.notify();
  }

  /** Resolves once every peer of the census answered, or after `timeoutMs`. */
  settled(timeoutMs: number): Promise<void> {
    const taken = this.taken ?? Promise.resolve();
    return taken.then(
      () =>
        new Promise<void>((resolve) => {
          const check = () => {
            if (!this.closed && this.waiting && this.waiting.size > 0) return;
            clearTimeout(timer);
            this.listeners.delete(check);
            resolve();
          };
          const timer = setTimeout(() => {
            this.waiting?.clear(); // those that did not answer in time are not waited for again
            check();
          }, timeoutMs);
          this.listeners.add(check);
          check();
        }),
    );
  }

  close(): void {
    this.closed = true;
    this.notify();
  }

  private async take(): Promise<void> {
    if (!this.locks) {
      // No census without Web Locks: give the answers to our hello a moment.
      await new Promise((resolve) => setTimeout(resolve, 50));
      this.waiting = new Set();
      return;
    }
    let names: string[] = [];
    try {
      const { held = [] } = await this.locks.query();
      names = held.map((lock) => lock.name ?? '');
    } catch {
      // A census that cannot be taken waits for nobody.
    }
    this.waiting = new Set(
      names
        .filter((name) => name.startsWith(this.lockPrefix))
        .map((name) => name.slice(this.lockPrefix.length))
        .filter((peer) => peer !== this.self && !this.heard.has(peer)),
    );
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
