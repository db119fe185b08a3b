import assert from 'node:assert/strict';
import type { SyncedState } from 'ballast-sync/core';
import type { CounterState } from './counter-channel.js';
import { clientTransport, counterClient, type CounterClient } from './replicas.js';
import { TestClient } from './test-client.js';
import { sleep, until } from './wait.js';

/** `clients` Replicas (one socket each) that send `perClient` Inputs in small bursts. */
export async function burst(
  url: string,
  clients: number,
  perClient: number,
  during: (sentSoFar: number) => Promise<void> | void,
) {
  const transports = Array.from({ length: clients }, () => clientTransport(url));
  const replicas = transports.map((transport) => counterClient(transport, 'replica'));
  await until(() => replicas.every((r) => r.status() === 'connected'), 'every Replica connected');
  for (let i = 0; i < perClient; i++) {
    replicas.forEach((replica, n) => replica.vm.trySend({ type: 'Add', id: `c${n}-${i}`, by: 1 }));
    if (i % 10 === 9) {
      await sleep(5);
      await during((i + 1) * clients);
    }
  }
  return {
    replicas,
    stop() {
      for (const replica of replicas) replica.vm.clear();
      for (const transport of transports) transport.close();
    },
  };
}

/** Waits until the server's State (read by a raw Spectator) has every Input once and every Replica equals it. */
export async function expectConverged(
  url: string,
  replicas: readonly CounterClient[],
  total: number,
) {
  const done = (s: CounterState) => s.count === total && Object.keys(s.applied).length === total;
  await until(
    () => replicas.every((r) => done(r.vm.getCurrentState())),
    `every Replica at ${total}`,
    30_000,
  );
  await Promise.all(replicas.map((r) => r.connection.whenSynced()));
  const watcher = await TestClient.connect(url);
  await watcher.join('counter', 'final-check', 'spectator');
  await until(
    () => done(watcher.latestState<CounterState>('counter')?.state ?? { count: 0, applied: {} }),
    'the server State',
    10_000,
  );
  const server = watcher.latestState<CounterState>('counter') as SyncedState<CounterState>;
  assert.ok(
    Object.values(server.state.applied).every((n) => n === 1),
    'every Input applied exactly once',
  );
  for (const replica of replicas) assert.deepEqual(replica.vm.getCurrentState(), server.state);
  await watcher.close();
}
