import {
  BallastSyncInterceptor,
  BasicViewModel,
  DefaultSyncConnection,
  InMemorySyncAdapter,
  InMemorySyncTransport,
  noOpLogger,
  type ClientType,
  type SyncStatus,
} from 'ballast-sync/core';
import {
  add,
  listHandler,
  macrotask,
  type ListInput,
  type ListState,
} from './sync-test-kit.spec-helper';

const EMPTY = {
  sources: 0,
  stateReaders: 0,
  linkObservers: 0,
  hasCurrentState: false,
  queuedDeliveries: 0,
};

/** A bare participant (no recording), so thousands stay cheap. */
function participant(
  adapter: InMemorySyncAdapter<ListInput, never, ListState>,
  clientType: ClientType,
) {
  const connection = new DefaultSyncConnection({ clientType, adapter });
  let status: SyncStatus | undefined;
  connection.observeStatus().subscribe((s) => (status = s));
  const vm = new BasicViewModel<ListInput, never, ListState>({
    name: 'list',
    initialState: { applied: [] },
    inputHandler: listHandler(),
    logger: noOpLogger,
    interceptors: [new BallastSyncInterceptor(connection)],
  });
  return { vm, connection, status: () => status };
}

describe('clearing releases everything the adapter holds', () => {
  it('after creating and clearing 2000 Replicas, 200 Spectators and 5 Sources, the adapter holds nothing', async () => {
    const adapter = new InMemorySyncAdapter<ListInput, never, ListState>();
    const sources = Array.from({ length: 5 }, () => participant(adapter, 'source'));
    const replicas = Array.from({ length: 2000 }, () => participant(adapter, 'replica'));
    const spectators = Array.from({ length: 200 }, () => participant(adapter, 'spectator'));
    replicas.forEach((r, i) => i % 100 === 0 && r.vm.trySend(add(`r${i}`)));
    spectators[0]?.vm.trySend(add('local'));
    for (let i = 0; i < 5; i++) await macrotask();
    // Publishing to 2200 readers is load: the Source may coalesce for a while.
    await sources[4]?.connection.whenSynced();
    await macrotask();

    const active = sources[4];
    expect(active?.vm.getCurrentState().applied).toHaveLength(20);
    expect(replicas.every((r) => r.vm.getCurrentState() === active?.vm.getCurrentState())).toBe(
      true,
    );
    expect(replicas.every((r) => r.status() === 'connected')).toBe(true);
    expect(sources.map((s) => s.status())).toEqual([
      'superseded',
      'superseded',
      'superseded',
      'superseded',
      'connected',
    ]);
    expect(adapter.stats()).toEqual({
      sources: 1,
      stateReaders: 2200,
      linkObservers: 2205, // every participant follows the link
      hasCurrentState: true,
      queuedDeliveries: 0,
    });

    // Leave deliveries queued while clearing: they must not keep anything alive.
    sources[4]?.vm.trySend(add('last'));
    replicas[1]?.vm.trySend(add('in-flight'));
    for (const p of [...replicas, ...spectators, ...sources]) p.vm.clear();
    await macrotask();

    expect(adapter.stats()).toEqual(EMPTY);
    expect(
      [...replicas, ...spectators, ...sources].every((p) => p.status() === 'disconnected'),
    ).toBe(true);
  });

  it('a cleared Source releases its channel at once; a Replica cleared while waiting releases its reader', () => {
    const adapter = new InMemorySyncAdapter<ListInput, never, ListState>();
    const replica = participant(adapter, 'replica');
    replica.vm.trySend(add('never-delivered'));
    expect(adapter.stats()).toMatchObject({ stateReaders: 1, sources: 0 });
    replica.vm.clear();
    expect(adapter.stats()).toEqual(EMPTY);

    const source = participant(adapter, 'source');
    expect(adapter.stats()).toMatchObject({ sources: 1 });
    source.vm.clear();
    expect(adapter.stats()).toEqual(EMPTY);
    expect(source.status()).toBe('disconnected');
  });

  it('InMemorySyncTransport keeps channels apart and reports what each holds', async () => {
    const transport = new InMemorySyncTransport();
    const counter = transport.adapterFor<ListInput, never, ListState>('counter');
    const todo = transport.adapterFor<ListInput, never, ListState>('todo');
    // Another handle of the same name reaches the same channel.
    const again = participant(
      transport.adapterFor<ListInput, never, ListState>('counter'),
      'spectator',
    );
    const counterSource = participant(counter, 'source');
    const todoReplica = participant(todo, 'replica');
    todoReplica.vm.trySend(add('x'));
    await macrotask();

    expect(counterSource.vm.getCurrentState().applied).toEqual([]); // different channels never mix
    expect(transport.stats()).toEqual({
      counter: {
        sources: 1,
        stateReaders: 1,
        linkObservers: 2,
        hasCurrentState: true,
        queuedDeliveries: 0,
      },
      todo: {
        sources: 0,
        stateReaders: 1,
        linkObservers: 1,
        hasCurrentState: false,
        queuedDeliveries: 0,
      },
    });
    expect(again.vm.getCurrentState()).toBe(counterSource.vm.getCurrentState());
    counterSource.vm.clear();
    again.vm.clear();
    todoReplica.vm.clear();
    await macrotask();
    // A channel nobody uses any more is released (long-lived processes with many channels).
    expect(transport.stats()).toEqual({});
  });
});
