import { InMemorySyncAdapter } from 'ballast-sync/core';
import {
  add,
  clearChannels,
  SyncTestChannel,
  type ListInput,
  type ListState,
} from './sync-test-kit.spec-helper';

afterEach(clearChannels);

/** Lets the in-memory adapter deliver what is queued (it delivers in a later microtask). */
const deliveryTick = () => Promise.resolve();

describe('Source', () => {
  it('publishes its initial State, then its State after every change, with growing versions', async () => {
    const channel = new SyncTestChannel();
    const source = channel.source();
    expect(source.syncOf('StatePublished')).toEqual([]); // published in a later macrotask
    await channel.settle();
    source.send(add('a'));
    await channel.settle();
    source.send(add('b'));
    source.send(add('c')); // changes in one turn travel as one State
    await channel.settle();

    const published = source.syncOf('StatePublished').map((n) => n.state);
    expect(published.map((s) => [s.version, s.state.applied])).toEqual([
      [1, []],
      [2, ['a']],
      [3, ['a', 'b', 'c']],
    ]);
    expect(published.every((s) => s.sourceId === source.clientId)).toBe(true);
    expect(source.statuses).toEqual(['disconnected', 'connected']);
    expect(channel.adapter.stats?.()).toMatchObject({ sources: 1, hasCurrentState: true });
  });

  it('processes Inputs forwarded by Replicas and acknowledges them in the State it publishes', async () => {
    const channel = new SyncTestChannel();
    const source = channel.source();
    const replica = channel.replica();
    await channel.settle();

    replica.send(add('r1'));
    // Forwarded the moment its queue accepts it, with its identity and address on the wire.
    expect(replica.syncOf('InputForwarded')).toEqual([
      {
        type: 'InputForwarded',
        resent: false,
        input: {
          protocol: 1,
          id: `${replica.incarnation}:1`,
          clientId: replica.clientId,
          incarnation: replica.incarnation,
          seq: 1,
          firstUnacknowledged: 1,
          to: source.incarnation,
          seen: 1,
          input: add('r1'),
        },
      },
    ]);
    expect(replica.ids()).toEqual(['r1']); // processed locally too, at once
    expect(source.ids()).toEqual([]);
    await channel.settle();

    expect(source.ids()).toEqual(['r1']);
    expect(source.vmOf('InputHandledSuccessfully').map((n) => n.input)).toEqual([add('r1')]);
    const last = source.syncOf('StatePublished').at(-1);
    expect(last?.state.acks).toEqual({ [replica.incarnation]: 1 });
    expect(replica.syncOf('InputsAcknowledged')).toEqual([
      { type: 'InputsAcknowledged', upToSeq: 1 },
    ]);
    expect(replica.ids()).toEqual(['r1']);
  });
});

describe('Replica', () => {
  it('applies every Source State, overwriting its own', async () => {
    const channel = new SyncTestChannel();
    const source = channel.source();
    const replica = channel.replica({ initialState: { applied: ['replica-only'] } });
    expect(replica.status).toBe('waiting-for-source');
    await channel.settle();
    expect(replica.ids()).toEqual([]);
    expect(replica.status).toBe('connected');

    source.send(add('s1'));
    await channel.settle();
    source.send(add('s2'));
    await channel.settle();

    expect(replica.stateHistory()).toEqual([['replica-only'], [], ['s1'], ['s1', 's2']]);
    expect(replica.syncOf('StateApplied').map((n) => n.state.version)).toEqual([1, 2, 3]);
    expect(replica.syncOf('SourceChanged')).toEqual([
      { type: 'SourceChanged', sourceId: source.clientId, incarnation: source.incarnation },
    ]);
    // A restored State is not an Input: nothing is forwarded back.
    expect(replica.syncOf('InputForwarded')).toEqual([]);
  });

  it('forwards every Input its queue accepts, so Inputs of several Replicas all reach the Source', async () => {
    const channel = new SyncTestChannel();
    const source = channel.source();
    const [r1, r2] = [channel.replica(), channel.replica()];
    await channel.settle();
    r1.send(add('a1'));
    r2.send(add('b1'));
    r1.send(add('a2'));
    await channel.settle();

    expect(source.ids()).toEqual(['a1', 'b1', 'a2']);
    expect(r1.ids()).toEqual(source.ids());
    expect(r2.ids()).toEqual(source.ids());
  });
});

describe('Spectator', () => {
  it('applies Source States but never sends its own Inputs; a local change lasts until the next Source State', async () => {
    const channel = new SyncTestChannel();
    const source = channel.source();
    const spectator = channel.spectator();
    await channel.settle();

    spectator.send(add('local'));
    expect(spectator.ids()).toEqual(['local']); // processed locally
    await channel.settle();
    expect(spectator.ids()).toEqual(['local']); // survives while the Source does not change
    expect(source.ids()).toEqual([]);
    expect(source.vmOf('InputQueued')).toEqual([]);
    expect(spectator.syncOf('InputForwarded')).toEqual([]);

    source.send(add('s1'));
    await channel.settle();
    expect(spectator.ids()).toEqual(['s1']); // overwritten by the next Source State
    expect(spectator.status).toBe('connected');
  });
});

describe('late joiners', () => {
  it.each(['replica', 'spectator'] as const)(
    'a %s gets the current Source State after one delivery tick, without a new change at the Source',
    async (role) => {
      const channel = new SyncTestChannel();
      const source = channel.source();
      source.send(add('a'));
      source.send(add('b'));
      await channel.settle();
      const publishedBefore = source.syncOf('StatePublished').length;

      const late = channel.add(role);
      expect(late.ids()).toEqual([]);
      expect(late.status).toBe('waiting-for-source');
      await deliveryTick();

      expect(late.ids()).toEqual(['a', 'b']);
      expect(late.status).toBe('connected');
      expect(source.syncOf('StatePublished')).toHaveLength(publishedBefore);
    },
  );

  it('a joiner that comes before any Source waits, then takes the first Source State', async () => {
    const channel = new SyncTestChannel();
    const spectator = channel.spectator();
    await channel.settle();
    expect(spectator.status).toBe('waiting-for-source');
    expect(spectator.syncOf('StateApplied')).toEqual([]);

    channel.source({ initialState: { applied: ['from-source'] } });
    await channel.settle();
    expect(spectator.ids()).toEqual(['from-source']);
    expect(spectator.statuses).toEqual(['disconnected', 'waiting-for-source', 'connected']);
  });
});

describe('clearing', () => {
  it('a cleared participant reports status disconnected and stops following the Source', async () => {
    const adapter = new InMemorySyncAdapter<ListInput, never, ListState>();
    const channel = new SyncTestChannel(adapter);
    const source = channel.source();
    const replica = channel.replica();
    await channel.settle();

    replica.vm.clear();
    source.send(add('after'));
    await channel.settle();
    expect(replica.status).toBe('disconnected');
    expect(replica.ids()).toEqual([]);
    expect(adapter.stats()).toEqual({
      sources: 1,
      stateReaders: 0,
      linkObservers: 1,
      hasCurrentState: true,
      queuedDeliveries: 0,
    });
  });
});
