import { connect } from 'node:net';
import { proxyServer } from './proxy-server';

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
  const perTick = Math.max(1, Math.round(bytesPerSecond / 100));
  const proxy = proxyServer((downstream) => {
    const upstream = connect(targetPort, '127.0.0.1');
    proxy.keep(downstream);
    proxy.keep(upstream);
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
  return proxy.listen();
}
