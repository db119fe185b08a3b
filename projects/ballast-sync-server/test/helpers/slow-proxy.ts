import { connect, createServer, type Socket } from 'node:net';

export interface SlowProxy {
  readonly port: number;
  /** Destroys every socket and stops listening. */
  close(): Promise<void>;
}

/**
 * A TCP proxy on 127.0.0.1 to `targetPort` whose server → client direction carries at most
 * `bytesPerSecond` (a slow mobile link; client → server is not limited). Each connection has its
 * own queue, forwarded every 10 ms; a close on either side closes both. Test-only.
 */
export async function slowProxy(targetPort: number, bytesPerSecond: number): Promise<SlowProxy> {
  const sockets = new Set<Socket>();
  const keep = (socket: Socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined); // a reset on the far side is no test failure
    socket.once('close', () => sockets.delete(socket));
  };
  const perTick = Math.max(1, Math.round(bytesPerSecond / 100));
  const server = createServer((downstream) => {
    const upstream = connect(targetPort, '127.0.0.1');
    keep(downstream);
    keep(upstream);
    downstream.on('data', (chunk: Buffer) => upstream.write(chunk));
    const queue: Buffer[] = [];
    upstream.on('data', (chunk: Buffer) => queue.push(chunk));
    const tick = setInterval(() => {
      let budget = perTick;
      while (budget > 0 && queue.length > 0) {
        const chunk = queue[0] as Buffer;
        const part = chunk.subarray(0, budget);
        downstream.write(part);
        budget -= part.length;
        if (part.length === chunk.length) queue.shift();
        else queue[0] = chunk.subarray(part.length);
      }
    }, 10);
    const end = () => {
      clearInterval(tick);
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
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
