import { createClientId } from 'ballast-sync/core';
import { CROSS_TAB_WIRE_VERSION, type WireBatch } from './cross-tab-wire';
import type { BroadcastChannelLike } from './web-locks';

/**
 * Barriers on a channel (internal): this tab posts a `ping` from a second BroadcastChannel of the
 * same name and waits until its own main channel receives it. Every message the browser had taken
 * from another tab before the ping (a leaving Source's last snapshot, posted before it released its
 * lock) has then been delivered too. Bounded: it gives up after `timeoutMs`.
 */
export class Barriers {
  private readonly waiting = new Map<string, () => void>();

  constructor(
    private readonly open: () => BroadcastChannelLike,
    private readonly self: string,
    private readonly timeoutMs = 1000,
  ) {}

  /** Resolves once a ping posted now came back (or the wait timed out). */
  pass(): Promise<void> {
    const nonce = createClientId();
    return new Promise<void>((resolve) => {
      const port = this.open();
      const finish = () => {
        clearTimeout(timer);
        this.waiting.delete(nonce);
        port.close();
        resolve();
      };
      const timer = setTimeout(finish, this.timeoutMs);
      this.waiting.set(nonce, finish);
      const ping: WireBatch = {
        ballastSync: CROSS_TAB_WIRE_VERSION,
        from: this.self,
        messages: [{ kind: 'ping', nonce }],
      };
      try {
        port.postMessage(ping);
      } catch {
        finish();
      }
    });
  }

  /** This tab's own ping came back. */
  arrived(nonce: string): void {
    this.waiting.get(nonce)?.();
  }

  /** Lets every barrier through (the channel closes). */
  close(): void {
    for (const finish of [...this.waiting.values()]) finish();
  }
}
