import {
  InMemorySnapshotStore,
  InMemorySyncAdapter,
  InMemorySyncTransport,
  type SnapshotStore,
  type SyncedState,
} from 'ballast-sync/core';
import { delay, Subject } from 'rxjs';
import {
  add,
  addThenWait,
  clearChannels,
  gate,
  listHandler,
  neverGoesBack,
  SyncTestChannel,
  waitUntil,
  wrapAdapter,
  type ListInput,
  type ListState,
} from './sync-test-kit.spec-helper';

afterEach(clearChannels);

/*
 * Edges found by a review of the lossy-wire protocol: each test failed before its fix.
 */
describe('a Source that leaves while a Replica’s async Input runs', () => {
  it('the successor never applies it again: its started part is reflected in the snapshot', async () => {
    const snapshots = new InMemorySnapshotStore<ListState>();
    const channel = new SyncTestChannel();
    const first = channel.source({ snapshots });
    const replica = channel.replica({ inputHandler: listHandler({ waitForGates: false }) });
    await channel.settle();
    const running = gate();
    replica.send(addThenWait('x', running.promise)); // the Source applies 'x', then waits
    await waitUntil(() => first.ids().length === 1, 1000, "'x' at the Source");
    await channel.settle(); // published, and saved, while 'x' still runs at the Source
    first.vm.clear(); // cancels 'x' where it was

    const second = channel.source({ snapshots });
    await channel.settle();

    expect(second.ids()).toEqual(['x']); // once, not ['x', 'x']
    expect(replica.ids()).toEqual(['x']);
    expect(replica.connection.isSynced()).toBe(true);
  });
});

describe('a Source that loads its snapshot asynchronously', () => {
  it('keeps the Inputs it queued meanwhile: the restore goes ahead of them', async () => {
    let release!: (snapshot: undefined | { protocol: 1; state: ListState; acks: object }) => void;
    const store: SnapshotStore<ListState> = {
      load: () => new Promise((resolve) => (release = resolve as never)),
      save: () => undefined,
    };
    const channel = new SyncTestChannel();
    const source = channel.source({ snapshots: store });
    const running = gate();
    source.send(addThenWait('g', running.promise)); // runs (fifo), 'queued' waits behind it
    source.send(add('queued'));
    release({ protocol: 1, state: { applied: ['stored'] }, acks: {} });
    await channel.settle();
    running.open();
    await channel.settle();

    expect(source.ids()).toEqual(['stored', 'g', 'queued']);
  });
});

describe('an elected Replica promoted while its own Inputs are queued (fifo)', () => {
  it('applies each of them once, in order', async () => {
    const transport = new InMemorySyncTransport();
    const channel = new SyncTestChannel(transport.adapterFor<ListInput, never, ListState>('list'));
    const elected = (name: string) =>
      channel.add('elected', {
        name,
        election: transport.electionFor('list'),
        snapshots: transport.snapshotStoreFor<ListState>('list'),
        inputHandler: listHandler({ waitForGates: name === 'b' }),
      });
    const a = elected('a');
    const b = elected('b');
    await channel.settle();
    a.vm.clear(); // the leader leaves…
    const running = gate();
    b.send(addThenWait('g1', running.promise)); // …while b runs 'g1' and queues 'q'
    b.send(add('q'));
    running.open();
    await waitUntil(() => b.activeRole === 'source' && b.status === 'connected');
    await channel.settle();

    expect(b.ids()).toEqual(['g1', 'q']);
    expect(neverGoesBack(b.stateHistory())).toBe(true);
  });
});

describe('a fifo Replica whose Source State waits behind a running local Input', () => {
  it('applies the latest State when it gets its turn, so it never goes back in time', async () => {
    const channel = new SyncTestChannel();
    const source = channel.source({ inputHandler: listHandler({ waitForGates: false }) });
    const replica = channel.replica({ bufferInputs: delay(5) }); // its Inputs travel slowly
    await channel.settle();
    const running = gate();
    replica.send(add('L'));
    replica.send(addThenWait('x', running.promise)); // runs locally until the gate opens
    source.send(add('s')); // published before L and x arrive: a State without them…
    // …waits behind 'x'; then the State that acknowledges L and x arrives and waits too.
    await waitUntil(() => replica.syncOf('InputsAcknowledged').length > 0, 1000, 'the ack');
    running.open();
    await channel.settle();

    expect(replica.ids()).toEqual(source.ids());
    expect(neverGoesBack(replica.stateHistory())).toBe(true);
  });
});

describe('an adapter whose State stream completes (a closed socket)', () => {
  it('is subscribed again with backoff, and the Replica catches up', async () => {
    const inner = new InMemorySyncAdapter<ListInput, never, ListState>();
    const closing = new Subject<SyncedState<ListState>>();
    let subscriptions = 0;
    const channel = new SyncTestChannel(
      wrapAdapter(inner, {
        readStateFromSource: (clientId) => {
          if (subscriptions++ === 0) return closing; // the first stream ends at once
          return inner.readStateFromSource(clientId);
        },
      }),
    );
    const source = channel.source();
    source.send(add('s1'));
    const replica = channel.replica({ retransmit: { intervalMs: 5, maxIntervalMs: 20 } });
    closing.complete();
    await waitUntil(() => replica.ids().length === 1, 1000, 'the Replica to catch up');

    expect(replica.ids()).toEqual(['s1']);
    expect(subscriptions).toBe(2);
    expect(replica.syncOf('AdapterStreamFailed')).toHaveLength(1);
  });
});

describe('a Source with an asynchronous snapshot store', () => {
  it('sends acknowledgements only once the snapshot that reflects them is saved', async () => {
    const saves: (() => void)[] = [];
    let saved = 0;
    const store: SnapshotStore<ListState> = {
      load: () => undefined,
      save: () =>
        new Promise<void>((resolve) =>
          saves.push(() => {
            saved++;
            resolve();
          }),
        ),
    };
    const channel = new SyncTestChannel();
    const source = channel.source({ snapshots: store });
    const replica = channel.replica();
    await waitUntil(() => saves.length > 0);
    saves.splice(0).forEach((done) => done());
    await channel.settle();
    replica.send(add('a'));
    await waitUntil(() => saves.length > 0, 1000, 'the save of the State with the ack');
    await channel.settle();
    expect(replica.syncOf('InputsAcknowledged')).toEqual([]); // not before it is saved
    expect(source.connection.isSynced()).toBe(false);

    saves.splice(0).forEach((done) => done());
    await channel.settle();
    expect(saved).toBe(2);
    expect(replica.syncOf('InputsAcknowledged').map((n) => n.upToSeq)).toEqual([1]);
    expect(source.connection.isSynced()).toBe(true);
  });
});
