import { InMemorySyncAdapter } from './in-memory-sync-adapter';
import { InMemorySyncTransport } from './in-memory-sync-transport';
import { SYNC_PROTOCOL_VERSION, type SyncedInput, type SyncedState } from './sync-messages';

const state = (sourceId: string, version: number): SyncedState<string> => ({
  protocol: SYNC_PROTOCOL_VERSION,
  sourceId,
  incarnation: `${sourceId}-run`,
  version,
  state: `v${version}`,
  acks: {},
});

const input = (clientId: string, seq: number): SyncedInput<string> => ({
  protocol: SYNC_PROTOCOL_VERSION,
  id: `${clientId}-run:${seq}`,
  clientId,
  incarnation: `${clientId}-run`,
  seq,
  firstUnacknowledged: 1,
  to: 'source-run',
  seen: 0,
  input: `${clientId}#${seq}`,
});

const microtasks = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe('InMemorySyncTransport', () => {
  it('forgets a channel once its last participant left: 1000 documents leave nothing behind', async () => {
    const transport = new InMemorySyncTransport();
    for (let i = 0; i < 1000; i++) {
      const adapter = transport.adapterFor<string, never, string>(`doc-${i}`);
      const source = adapter.readInputsFromReplicas('source').subscribe();
      const reader = adapter.readStateFromSource('replica').subscribe();
      const link = adapter.observeLink('replica').subscribe();
      adapter.sendSynchronizedStateToReplicas(state('source', 1));
      adapter.sendInputToSource(input('replica', 1));
      if (i % 2 === 0) await microtasks(); // half of them leave with deliveries still queued
      source.unsubscribe();
      reader.unsubscribe();
      link.unsubscribe();
    }
    await microtasks();
    expect(transport.stats()).toEqual({});
  });

  it('lists live channels only, each with what it holds', async () => {
    const transport = new InMemorySyncTransport();
    const counter = transport.adapterFor<string, never, string>('counter');
    transport.adapterFor('unused');
    const source = counter.readInputsFromReplicas('source').subscribe();
    counter.sendSynchronizedStateToReplicas(state('source', 1));
    expect(transport.stats()).toEqual({
      counter: {
        sources: 1,
        stateReaders: 0,
        linkObservers: 0,
        hasCurrentState: true,
        queuedDeliveries: 0,
      },
    });
    source.unsubscribe();
    expect(transport.stats()).toEqual({});
  });

  it('keeps an adapter obtained before its channel was forgotten in sync with one obtained after', async () => {
    const transport = new InMemorySyncTransport();
    const before = transport.adapterFor<string, never, string>('doc');
    before.readStateFromSource('replica').subscribe().unsubscribe();
    expect(transport.stats()).toEqual({}); // forgotten

    const after = transport.adapterFor<string, never, string>('doc');
    const received: string[] = [];
    after.readInputsFromReplicas('source').subscribe((i) => received.push(i.input));
    const states: number[] = [];
    before.readStateFromSource('replica').subscribe((s) => states.push(s.version));
    before.sendInputToSource(input('replica', 1));
    after.sendSynchronizedStateToReplicas(state('source', 1));
    await microtasks();

    expect(received).toEqual(['replica#1']);
    expect(states).toEqual([1]);
    expect(Object.keys(transport.stats())).toEqual(['doc']); // one channel, not two
    expect(before).toBeInstanceOf(InMemorySyncAdapter);
  });

  it('keeps channels apart', async () => {
    const transport = new InMemorySyncTransport();
    const received: string[] = [];
    transport
      .adapterFor<string, never, string>('a')
      .readInputsFromReplicas('source')
      .subscribe((i) => received.push(i.input));
    transport.adapterFor<string, never, string>('b').sendInputToSource(input('replica', 1));
    await microtasks();
    expect(received).toEqual([]);
  });

  it('refuses an empty channel name', () => {
    expect(() => new InMemorySyncTransport().adapterFor(' ')).toThrow(
      /^ballast-sync: adapterFor\(channel\) needs a non-empty channel name; got " "\./,
    );
  });
});
