import { connect } from 'node:net';
import { proxyServer } from './proxy-server';

export interface OneWayProxy {
  readonly port: number;
  /** How many client connections it accepted so far. */
  readonly accepted: number;
  /**
   * From now on, the connections open now lose every byte the client sends, while what the server
   * sends still gets through; nothing is closed (a path that died one way, silently), and a close
   * on the client side never reaches the server either. New connections forward both ways.
   */
  dropUpstream(): void;
  /** Destroys every socket and stops listening. */
  close(): Promise<void>;
}

/**
 * A TCP proxy on 127.0.0.1 to `targetPort` whose connections can lose the client → server
 * direction only: a link that no socket event reveals, and that frames arriving do not disprove
 * (only an answer to what the client sent does). Test-only.
 */
export async function oneWayProxy(targetPort: number): Promise<OneWayProxy> {
  const live = new Set<{ upstreamLost: boolean }>();
  let accepted = 0;
  const proxy = proxyServer((downstream) => {
    accepted++;
    const upstream = connect(targetPort, '127.0.0.1');
    proxy.keep(downstream);
    proxy.keep(upstream);
    const pair = { upstreamLost: false };
    live.add(pair);
    downstream.on('data', (chunk: Buffer) => {
      if (!pair.upstreamLost) upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!downstream.destroyed) downstream.write(chunk);
    });
    // A healthy pair passes closes on; one that lost its way up keeps the server's side open.
    const end = () => {
      live.delete(pair);
      if (!pair.upstreamLost) upstream.destroy();
      downstream.destroy();
    };
    downstream.once('close', end);
    upstream.once('close', end);
  });
  const { port, close } = await proxy.listen();
  return {
    port,
    get accepted() {
      return accepted;
    },
    close,
    dropUpstream: () => {
      for (const pair of live) pair.upstreamLost = true;
      live.clear();
    },
  };
}
