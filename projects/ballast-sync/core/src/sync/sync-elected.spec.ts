import {
  DefaultSyncConnection,
  InMemorySnapshotStore,
  InMemorySyncAdapter,
  InMemorySyncTransport,
  type SnapshotStore,
  type SyncSnapshot,
} from 'ballast-sync/core';
import {
  add,
  clearChannels,
  SyncTestChannel,
  waitUntil,
  type ListInput,
  type ListState,
} from './sync-test-kit.spec-helper';

afterEach(clearChannels);

const newAdapter = () => new InMemorySyncAdapter<ListInput, never, ListState>();

describe('a Source with a SnapshotStore continues where the previous Source stopped', () => {
  it('saves after publishing and when it leaves; the next Source loads it, State and acknowledgements', async () => {
    const snapshots = new InMemorySnapshotStore<ListState>();
    const channel = new SyncTestChannel();
    const first = channel.source({ snapshots });
    const replica = channel.replica();
    await channel.settle();
    first.send(add('a'));
    replica.send(add('b'));
    await channel.settle();
    expect(snapshots.load()).toEqual({
      protocol: 1,
      state: { applied: ['a', 'b'] },
      acks: { [replica.incarnation]: 1 },
    });
    first.send(add('unpublished')); // not published yet when it leaves: saved on the way out
    first.vm.clear();
    expect(snapshots.load()?.state.applied).toEqual(['a', 'b', 'unpublished']);

    const second = channel.source({ snapshots });
    replica.send(add('c'));
    await channel.settle();

    expect(second.ids()).toEqual(['a', 'b', 'unpublished', 'c']);
    expect(second.vmOf('InputAccepted').map((n) => n.input)).toEqual([add('c')]);
    expect(replica.ids()).toEqual(second.ids());
  });

  it('a superseded Source does not overwrite the snapshot of the Source that replaced it', async () => {
    const snapshots = new InMemorySnapshotStore<ListState>();
    const channel = new SyncTestChannel();
    const old = channel.source({ snapshots });
    await channel.settle();
    old.send(add('old'));
    await channel.settle();
    const next = channel.source({ snapshots });
    next.send(add('new'));
    await channel.settle();
    old.vm.clear();

    expect(old.status).toBe('disconnected');
    expect(snapshots.load()?.state.applied).toEqual(['old', 'new']);
  });

  it('an asynchronous store: Replicas wait for the load; the Source’s own Inputs meanwhile are replayed on top', async () => {
    let release!: (snapshot: SyncSnapshot<ListState>) => void;
    const saved: SyncSnapshot<ListState>[] = [];
    const slowStore: SnapshotStore<ListState> = {
      load: () => new Promise((resolve) => (release = resolve)),
      save: async (snapshot) => void saved.push(snapshot),
    };
    const channel = new SyncTestChannel();
    const replica = channel.replica();
    replica.send(add('r1'));
    const source = channel.source({ snapshots: slowStore });
    source.send(add('local'));
    await channel.settle();
    expect(source.status).toBe('disconnected'); // not the channel's Source until it loaded
    expect(replica.status).toBe('waiting-for-source');
    expect(source.syncOf('StatePublished')).toEqual([]);

    release({ protocol: 1, state: { applied: ['stored'] }, acks: {} });
    await channel.settle();

    expect(source.ids()).toEqual(['stored', 'local', 'r1']);
    expect(replica.ids()).toEqual(source.ids());
    expect(saved.at(-1)?.state.applied).toEqual(['stored', 'local', 'r1']);
  });

  it('a snapshot it cannot use is reported, and the Source starts from its own State', async () => {
    const channel = new SyncTestChannel();
    const source = channel.source({
      snapshots: {
        load: () => ({ protocol: 9, state: {}, acks: {} }) as never,
        save: () => undefined,
      },
    });
    await channel.settle();
    expect(source.ids()).toEqual([]);
    expect(source.unhandledErrors()).toEqual([
      expect.stringMatching(
        /^ballast-sync: the Source of channel "list" loaded a snapshot it cannot use/,
      ),
    ]);
  });
});

describe("the 'elected' role: one of the channel's elected participants is its Source", () => {
  function electedChannel() {
    const transport = new InMemorySyncTransport();
    const channel = new SyncTestChannel(transport.adapterFor<ListInput, never, ListState>('list'));
    const elected = (name: string) =>
      channel.add('elected', {
        name,
        election: transport.electionFor('list'),
        snapshots: transport.snapshotStoreFor<ListState>('list'),
      });
    return { transport, channel, elected };
  }

  it('exactly one leads; the others are Replicas, and everybody converges', async () => {
    const { channel, elected } = electedChannel();
    const [a, b, c] = [elected('a'), elected('b'), elected('c')];
    await channel.settle();

    expect([a, b, c].map((p) => p.activeRole)).toEqual(['source', 'replica', 'replica']);
    expect(a.syncOf('RoleChanged').map((n) => n.role)).toEqual(['source']);
    a.send(add('a1'));
    b.send(add('b1'));
    c.send(add('c1'));
    await channel.settle();

    expect(a.ids()).toEqual(['a1', 'b1', 'c1']);
    for (const p of [b, c]) expect(p.ids()).toEqual(a.ids());
    expect([a, b, c].every((p) => p.status === 'connected')).toBe(true);
  });

  it('when the leader leaves, the next is elected and continues from the latest State; a burst during the failover is applied exactly once', async () => {
    const { channel, elected } = electedChannel();
    const [a, b, c] = [elected('a'), elected('b'), elected('c')];
    await channel.settle();
    for (let i = 0; i < 5; i++) [a, b, c].forEach((p) => p.send(add(`${p.name}${i}`)));
    await channel.settle();
    const before = a.ids();

    a.vm.clear();
    // A burst from both survivors while the election and the snapshot hand-over happen.
    for (let i = 5; i < 10; i++) [b, c].forEach((p) => p.send(add(`${p.name}${i}`)));
    await waitUntil(() => b.activeRole === 'source' && b.status === 'connected');
    await channel.settle();

    expect(b.roles).toEqual(['replica', 'source']);
    const ids = b.ids();
    expect(ids.slice(0, before.length)).toEqual(before); // nothing acknowledged was lost
    expect(new Set(ids).size).toBe(ids.length); // nothing applied twice
    for (const p of [b, c]) {
      const own = ids.filter((id) => id.startsWith(p.name));
      expect(own).toEqual(Array.from({ length: 10 }, (_, i) => `${p.name}${i}`));
    }
    expect(c.ids()).toEqual(ids);
    expect(c.activeRole).toBe('replica');
  });

  it('the transport forgets an election nobody stands in', async () => {
    const { transport, channel, elected } = electedChannel();
    const campaign = transport.electionFor('list');
    elected('a');
    await channel.settle();
    channel.clearAll();
    const again = campaign.campaign('late').subscribe();
    again.unsubscribe();
    expect((transport as unknown as { elections: Map<string, unknown> }).elections.size).toBe(0);
  });

  it('needs an election and a snapshot store, with clear errors', () => {
    const adapter = newAdapter();
    expect(() => new DefaultSyncConnection({ clientType: 'elected', adapter })).toThrow(
      /^ballast-sync: DefaultSyncConnection: an 'elected' connection needs an election/,
    );
    expect(
      () =>
        new DefaultSyncConnection({
          clientType: 'elected',
          adapter,
          election: new InMemorySyncTransport().electionFor('x'),
        }),
    ).toThrow(/^ballast-sync: DefaultSyncConnection: an 'elected' connection needs snapshots/);
    expect(
      () =>
        new DefaultSyncConnection({
          clientType: 'replica',
          adapter,
          election: new InMemorySyncTransport().electionFor('x'),
        }),
    ).toThrow(
      /^ballast-sync: DefaultSyncConnection: election only applies to an 'elected' connection/,
    );
  });
});
