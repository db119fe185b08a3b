import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { test } from 'node:test';
import { createSyncServer, InMemorySnapshotStores } from '../src/public-api.js';
import { burst, expectConverged } from './helpers/burst.js';
import { counterChannel } from './helpers/counter-channel.js';
import { recordingLogger } from './helpers/replicas.js';

const T = { timeout: 60_000 };

test(
  'connections cut by the server mid-burst: 5 × 200 Inputs applied exactly once, every client equal to the server',
  T,
  async () => {
    // The server shares an HTTP server with this test, which keeps the raw sockets to cut them.
    const http = createServer();
    const sockets = new Set<Duplex>();
    http.on('upgrade', (_request, socket: Duplex) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const port = (http.address() as { port: number }).port;
    const counter = counterChannel();
    const server = await createSyncServer({
      server: http,
      channels: { counter },
      logger: recordingLogger(),
    });
    const url = `ws://127.0.0.1:${port}/ballast-sync`;
    let cuts = 0;
    const run = await burst(url, 5, 200, (sent) => {
      if (sent % 200 === 0) {
        for (const socket of sockets) socket.destroy(); // no close frame: as a network cut
        cuts++;
      }
    });
    try {
      assert.ok(cuts >= 4);
      await expectConverged(url, run.replicas, 1000);
      assert.equal(counter.handled.length, 1000, 'the handler ran once per Input');
    } finally {
      run.stop();
      await server.close({ graceMs: 2000 });
      await new Promise<void>((resolve) => closeHttp(http, resolve));
    }
  },
);

test(
  'a graceful close() mid-burst and a new server on the same port continue exactly once',
  T,
  async () => {
    const snapshots = new InMemorySnapshotStores();
    const handled: unknown[] = [];
    const start = async (port: number) => {
      const counter = counterChannel();
      const server = await createSyncServer({
        port,
        host: '127.0.0.1',
        channels: { counter },
        snapshots,
        logger: recordingLogger(),
      });
      return { server, counter };
    };
    let current = await start(0);
    const port = current.server.port;
    const url = `ws://127.0.0.1:${port}/ballast-sync`;
    let restarted = false;
    const run = await burst(url, 5, 200, async (sent) => {
      if (restarted || sent < 400) return;
      restarted = true;
      await current.server.close({ graceMs: 2000 });
      handled.push(...current.counter.handled);
      current = await start(port);
    });
    try {
      await expectConverged(url, run.replicas, 1000);
      handled.push(...current.counter.handled);
      assert.equal(handled.length, 1000, 'the handlers of both servers ran once per Input');
    } finally {
      run.stop();
      await current.server.close({ graceMs: 2000 });
    }
  },
);

function closeHttp(http: Server, done: () => void) {
  http.closeAllConnections();
  http.close(() => done());
}
