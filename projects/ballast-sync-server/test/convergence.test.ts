import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createSyncServer, type SyncServer } from '../src/public-api.js';
import { counterChannel, isCounterInput, type CounterState } from './helpers/counter-channel.js';
import { clientTransport, counterClient, recordingLogger } from './helpers/replicas.js';
import { TestClient } from './helpers/test-client.js';
import { until } from './helpers/wait.js';

const TEST_TIMEOUT = { timeout: 30_000 };
let server: SyncServer;
const counter = counterChannel({ validateInput: isCounterInput });
const url = () => `ws://127.0.0.1:${server.port}/ballast-sync`;

before(async () => {
  server = await createSyncServer({
    port: 0,
    host: '127.0.0.1',
    channels: { counter },
    logger: recordingLogger(),
  });
});
after(() => server.close({ graceMs: 2000 }));

test(
  'Replicas and Spectators converge with the server Source; a late joiner gets the State',
  TEST_TIMEOUT,
  async () => {
    const transports = [clientTransport(url()), clientTransport(url()), clientTransport(url())];
    // Two participants share the first socket (as two components of one tab would).
    const replicas = [
      counterClient(transports[0], 'replica'),
      counterClient(transports[0], 'replica'),
      counterClient(transports[1], 'replica'),
    ];
    const spectator = counterClient(transports[2], 'spectator');
    try {
      await until(() => replicas.every((r) => r.status() === 'connected'), 'Replicas connected');
      for (let i = 0; i < 50; i++) {
        replicas.forEach((replica, n) =>
          replica.vm.trySend({ type: 'Add', id: `r${n}-${i}`, by: 1 }),
        );
      }
      await until(() => counter.handled.length >= 150, 'the Source handled 150 Inputs');
      await Promise.all(replicas.map((r) => r.connection.whenSynced()));
      const source = server.stats().channels['counter'];
      assert.equal(source?.inputsForwarded, 150);
      const expected = (s: CounterState) =>
        s.count === 150 && Object.values(s.applied).every((n) => n === 1);
      await until(
        () => [...replicas, spectator].every((c) => expected(c.vm.getCurrentState())),
        'every client at 150, each Input applied once',
      );
      // A late joiner, over the raw protocol: `joined`, then the current State at once.
      const late = await TestClient.connect(url());
      assert.equal((await late.join('counter', 'late', 'spectator'))['type'], 'joined');
      const state = (await late.next((f) => f['type'] === 'state'))['state'];
      assert.equal(state.state.count, 150);
      assert.deepEqual(state.state, spectator.vm.getCurrentState());
      await late.close();
      // One State frame per socket per publication, not per participant.
      assert.equal(server.stats().channels['counter']?.sockets, 3);
    } finally {
      for (const client of [...replicas, spectator]) client.vm.clear();
      for (const transport of transports) transport.close();
    }
    await until(() => server.stats().connections === 0, 'every socket closed');
  },
);
