import { DefaultSyncConnection, type SyncStatus } from 'ballast-sync/core';
import {
  countViewModel,
  fakeTransport,
  FakeSyncServer,
  type Add,
  type Count,
} from './fake-web-socket.spec-helper';

const until = async (condition: () => boolean, what: string) => {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!condition()) throw new Error(`timed out waiting for ${what}`);
};

describe('WebSocketSyncTransport offline', () => {
  it('a Replica keeps applying Inputs offline (up to maxPendingInputs); after the reconnect each reaches the Source once', async () => {
    const server = new FakeSyncServer();
    const { fakes, transport } = fakeTransport({
      reconnect: { initialDelayMs: 10, maxDelayMs: 20, jitter: 0 },
    });
    const client = (clientType: 'replica' | 'spectator') => {
      const connection = new DefaultSyncConnection<Add, never, Count>({
        clientType,
        adapter: transport.adapterFor<Add, never, Count>('count'),
        maxPendingInputs: 3,
      });
      let status: SyncStatus | undefined;
      connection.observeStatus().subscribe((s) => (status = s));
      const vm = countViewModel(connection);
      return { vm, status: () => status };
    };
    const replica = client('replica');
    const spectator = client('spectator');
    try {
      expect(replica.status()).toBe('disconnected'); // not joined yet
      server.serve(fakes.last());
      await until(
        () => replica.status() === 'connected' && spectator.status() === 'connected',
        'connected',
      );
      replica.vm.trySend({ type: 'Add', by: 1 });
      await until(() => spectator.vm.getCurrentState().n === 1, 'the Spectator sees 1');

      fakes.last().drop(1006);
      expect([replica.status(), spectator.status()]).toEqual(['disconnected', 'disconnected']);
      for (let i = 0; i < 4; i++) replica.vm.trySend({ type: 'Add', by: 10 });
      await replica.vm.whenIdle();
      // Three wait for the Source; the fourth was refused before it applied.
      expect(replica.vm.getCurrentState().n).toBe(31);
      expect(spectator.vm.getCurrentState().n).toBe(1);

      await until(() => fakes.sockets.length === 2, 'a reconnect attempt');
      server.serve(fakes.last());
      await until(
        () =>
          [replica, spectator].every(
            (c) => c.vm.getCurrentState().n === 31 && c.status() === 'connected',
          ),
        'convergence after the reconnect',
      );
      expect(server.source('count').getCurrentState()).toEqual({ n: 31 });
      const ids = server.inputs.map((i) => i.input.seq);
      expect(new Set(ids).size).toBe(4); // seq 1 before the cut, 2..4 after
      expect(fakes.sockets[1]?.sentOfType('join').map((f) => f['role'])).toEqual([
        'replica',
        'spectator',
      ]);
    } finally {
      replica.vm.clear();
      spectator.vm.clear();
      transport.close();
      server.close();
    }
  });
});
