import { connect, type Socket } from 'node:net';
import { proxyServer } from './proxy-server';

export interface HalfOpenProxy {
  readonly port: number;
  /**
   * From now on nothing gets through, either way, and nothing is closed: the connections open now
   * stay open on both ends and swallow every byte for good (a NAT or proxy that lost them
   * silently); new ones are accepted and swallowed too (their upgrade never completes).
   */
  stall(): void;
  /** New connections are forwarded again (those swallowed stay dead, as after a NAT reboot). */
  resume(): void;
  /** Destroys every socket and stops listening. */
  close(): Promise<void>;
}

/**
 * A TCP proxy on 127.0.0.1 to `targetPort` that can turn into a black hole: a half-open link,
 * which no socket event reveals (only an application-level ping does). Test-only.
 */
export async function halfOpenProxy(targetPort: number): Promise<HalfOpenProxy> {
  const live = new Set<{ dead: boolean }>();
  let stalled = false;
  const proxy = proxyServer((downstream) => {
    proxy.keep(downstream);
    if (stalled) return; // swallowed: reads nothing on, answers nothing, never closes
    const upstream = connect(targetPort, '127.0.0.1');
    proxy.keep(upstream);
    const pair = { dead: false };
    live.add(pair);
    const forward = (to: Socket) => (chunk: Buffer) => {
      if (!pair.dead) to.write(chunk);
    };
    downstream.on('data', forward(upstream));
    upstream.on('data', forward(downstream));
    // A live pair passes closes on; a dead one keeps the other side open.
    const end = () => {
      if (pair.dead) return;
      live.delete(pair);
      downstream.destroy();
      upstream.destroy();
    };
    downstream.once('close', end);
    upstream.once('close', end);
  });
  const { port, close } = await proxy.listen();
  return {
    port,
    close,
    stall: () => {
      stalled = true;
      for (const pair of live) pair.dead = true;
      live.clear();
    },
    resume: () => {
      stalled = false;
    },
  };
}
