import {
  InMemorySyncTransport,
  type SnapshotStore,
  type SyncConnectionAdapter,
  type SyncElection,
  type SyncTransport,
} from 'ballast-sync/core';
import { createFaultyAdapter } from './create-faulty-adapter';
import type { FaultyAdapter } from './faulty-adapter';
import type { FaultyAdapterOptions } from './faulty-adapter-options';

/** A {@link SyncTransport} whose deliveries a test controls; made by {@link createTestTransport}. */
export interface TestSyncTransport extends SyncTransport {
  adapterFor<I, E, S>(channel: string): FaultyAdapter<I, E, S>;
  electionFor(channel: string): SyncElection;
  snapshotStoreFor<S>(channel: string): SnapshotStore<S>;
  /** Delivers everything in flight on every channel now, as if every delay had elapsed. */
  flush(): void;
  /** Takes every channel's link down (participants say `'disconnected'`; what is sent is lost). */
  down(): void;
  /** Brings every channel's link back up (Replicas re-send what is unacknowledged). */
  up(): void;
  /** Messages scheduled and not delivered yet, on every channel. */
  inFlight(): number;
}

/**
 * An in-memory transport for tests, with a network's faults: latency (`delayMs`), loss, duplicates,
 * seeded; a test can `flush()` what is in flight, cut the link (`down()` / `up()`), and read
 * `inFlight()`. Every channel is an `InMemorySyncTransport` channel wrapped by
 * `createFaultyAdapter(…, options)`. Give it to an Angular app with `withSyncTransport()`, then
 * await `fixture.whenStable()` or a SyncViewModel's `whenSynced()`.
 *
 * @example
 * const network = createTestTransport({ seed: 1, inputs: { delayMs: 50 }, states: { delayMs: 50 } });
 * TestBed.configureTestingModule({ providers: [provideBallastSync(withSyncTransport(() => network))] });
 * replica.vm.trySend({ type: 'Increment', by: 1 });
 * expect(source.vm.state().count).toBe(0); // still on its way
 * network.flush();
 * await fixture.whenStable();
 */
export function createTestTransport(options: FaultyAdapterOptions = {}): TestSyncTransport {
  // Validates the options now, with the faulty adapter's own messages.
  createFaultyAdapter(new InMemorySyncTransport().adapterFor('validation'), options);
  const inner = new InMemorySyncTransport();
  const channels = new Map<string, FaultyAdapter<unknown, unknown, unknown>>();
  const all = () => [...channels.values()];
  return {
    adapterFor<I, E, S>(channel: string): FaultyAdapter<I, E, S> {
      let adapter = channels.get(channel);
      if (!adapter) {
        const channelAdapter: SyncConnectionAdapter<unknown, unknown, unknown> =
          inner.adapterFor(channel);
        channels.set(channel, (adapter = createFaultyAdapter(channelAdapter, options)));
      }
      return adapter as FaultyAdapter<I, E, S>;
    },
    electionFor: (channel) => inner.electionFor(channel),
    snapshotStoreFor: <S>(channel: string) => inner.snapshotStoreFor<S>(channel),
    flush: () => all().forEach((adapter) => adapter.flush()),
    down: () => all().forEach((adapter) => adapter.down()),
    up: () => all().forEach((adapter) => adapter.up()),
    inFlight: () => all().reduce((sum, adapter) => sum + adapter.stats().inFlight, 0),
  };
}
