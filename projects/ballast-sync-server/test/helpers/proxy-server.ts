import { createServer, type Socket } from 'node:net';

/** What both test proxies share: the sockets they hold, and their listening server. */
export interface ProxyServer {
  /** Remembers `socket` until it closes (a reset on the far side is no test failure). */
  keep(socket: Socket): void;
  /** Listens on a free port of 127.0.0.1; `close()` destroys every socket kept, then stops. */
  listen(): Promise<{ readonly port: number; close(): Promise<void> }>;
}

/** A TCP server on 127.0.0.1 calling `onConnection` for each client connection. Test-only. */
export function proxyServer(onConnection: (downstream: Socket) => void): ProxyServer {
  const sockets = new Set<Socket>();
  const server = createServer(onConnection);
  return {
    keep: (socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.once('close', () => sockets.delete(socket));
    },
    listen: async () => {
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
    },
  };
}
