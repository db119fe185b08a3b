import { connect, createServer, type Socket } from 'node:net';

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
  const sockets = new Set<Socket>();
  const live = new Set<{ dead: boolean }>();
  let stalled = false;
  const keep = (socket: Socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined); // a reset on the far side is no test failure
    socket.once('close', () => sockets.delete(socket));
  };
  const server = createServer((downstream) => {
    keep(downstream);
    if (stalled) return; // swallowed: reads nothing on, answers nothing, never closes
    const upstream = connect(targetPort, '127.0.0.1');
    keep(upstream);
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
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('the proxy has no port');
  return {
    port: address.port,
    stall: () => {
      stalled = true;
      for (const pair of live) pair.dead = true;
      live.clear();
    },
    resume: () => {
      stalled = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
