import { ApplicationRef } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideBallastSync, withStabilityTimeout, withSyncTransport } from 'ballast-sync';
import { createTestTransport, type TestSyncTransport } from 'ballast-sync/testing';
import {
  ReplicaCounterComponent,
  settle,
  SourceCounterComponent,
} from '../../spec/counter.fixtures';

describe('a test network from ballast-sync/testing, in a TestBed', () => {
  function setUp(network: TestSyncTransport) {
    TestBed.configureTestingModule({
      // A long stability timeout: a test that waited for it would time out first.
      providers: [
        provideBallastSync(
          withSyncTransport(() => network),
          withStabilityTimeout(60_000),
        ),
      ],
    });
    const source = TestBed.createComponent(SourceCounterComponent).componentInstance.vm;
    const replica = TestBed.createComponent(ReplicaCounterComponent).componentInstance.vm;
    return { source, replica };
  }

  it('holds deliveries for their latency until the test flushes them', async () => {
    const network = createTestTransport({
      seed: 1,
      inputs: { delayMs: 60_000 },
      states: { delayMs: 60_000 },
    });
    const { source, replica } = setUp(network);
    await source.whenSynced(); // its first State is published, and on its way
    expect(replica.status()).toBe('waiting-for-source');
    network.flush();
    await settle();
    expect(replica.status()).toBe('connected');
    replica.trySend({ type: 'Increment', by: 1 });
    expect(network.inFlight()).toBe(1); // the Input, on its way for a minute
    expect(source.state().count).toBe(0);

    network.flush(); // the Input reaches the Source…
    await source.whenSynced(); // …which publishes (the State is now in flight)
    network.flush();
    await settle();
    expect(source.state().count).toBe(1);
    expect(replica.state().count).toBe(1);
    expect(network.inFlight()).toBe(0);
  });

  it('cuts the link: the Replica says disconnected, keeps its Input, and delivers it when the link is back', async () => {
    const network = createTestTransport({ seed: 2 });
    const { source, replica } = setUp(network);
    await settle();
    network.down();
    replica.trySend({ type: 'Increment', by: 3 });
    expect(replica.status()).toBe('disconnected');
    expect(replica.state().count).toBe(3); // applied locally at once
    network.up();
    await settle();

    expect(source.state().count).toBe(3);
    expect(replica.status()).toBe('connected');
  });

  it('offline, the app is stable: Inputs waiting for the link do not hold it (no timeout, no warning)', async () => {
    const network = createTestTransport({ seed: 3, inputs: { delayMs: 60_000 } });
    const { source, replica } = setUp(network);
    const warn = jest.spyOn(console, 'warn');
    const appRef = TestBed.inject(ApplicationRef);
    let stable = true;
    appRef.isStable.subscribe((value) => (stable = value));
    network.flush();
    await settle();
    replica.trySend({ type: 'Increment', by: 1 }); // in flight for a minute: the app is busy…
    expect(stable).toBe(false);
    network.down(); // …until the link drops: nothing can progress before it is back
    await appRef.whenStable();
    replica.trySend({ type: 'Increment', by: 2 }); // sent offline: stable at once
    await appRef.whenStable();
    expect(replica.state().count).toBe(3);

    network.up(); // back: the Inputs are re-sent, and the app is busy until the Source has them
    await settle();
    expect(stable).toBe(false);
    network.flush();
    await appRef.whenStable();
    expect(source.state().count).toBe(3);
    expect(warn).not.toHaveBeenCalled();
  });
});
