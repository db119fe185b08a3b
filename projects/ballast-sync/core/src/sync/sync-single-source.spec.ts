import { InMemorySyncAdapter } from 'ballast-sync/core';
import {
  add,
  addThenWait,
  clearChannels,
  gate,
  listHandler,
  SyncTestChannel,
  type ListInput,
  type ListState,
} from './sync-test-kit.spec-helper';

afterEach(clearChannels);

describe('exactly one active Source per channel (fix over Ballast #1)', () => {
  it('a second Source takes over; the first says so, and stops receiving Inputs and publishing', async () => {
    const adapter = new InMemorySyncAdapter<ListInput, never, ListState>();
    const channel = new SyncTestChannel(adapter);
    const first = channel.source();
    const replica = channel.replica();
    const spectator = channel.spectator();
    replica.send(add('r1'));
    await channel.settle();
    expect(first.ids()).toEqual(['r1']);

    const second = channel.source({ initialState: { applied: ['second'] } });
    expect(first.status).toBe('superseded');
    expect(first.statuses).toEqual(['disconnected', 'connected', 'superseded']);
    expect(first.syncOf('SourceSuperseded')).toHaveLength(1);
    const warnings = first.logs.filter((l) => l.level === 'warn').map((l) => l.message);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^ballast-sync: .*superseded/);
    expect(second.status).toBe('connected');
    await channel.settle();
    expect(replica.ids()).toEqual(['second']);
    expect(spectator.ids()).toEqual(['second']);

    const receivedByFirst = first.syncOf('InputReceived').length;
    const publishedByFirst = first.syncOf('StatePublished').length;
    replica.send(add('r2'));
    first.send(add('first-only')); // the superseded Source still runs, locally
    await channel.settle();

    expect(second.ids()).toEqual(['second', 'r2']);
    expect(first.ids()).toEqual(['r1', 'first-only']);
    expect(first.syncOf('InputReceived')).toHaveLength(receivedByFirst);
    expect(first.syncOf('StatePublished')).toHaveLength(publishedByFirst);
    expect(replica.ids()).toEqual(['second', 'r2']);
    expect(spectator.ids()).toEqual(['second', 'r2']);
    expect(adapter.stats().sources).toBe(1);
  });

  it('a State sent by a superseded Source by hand is not delivered', async () => {
    const channel = new SyncTestChannel();
    const first = channel.source();
    const replica = channel.replica();
    await channel.settle();
    const stale = first.syncOf('StatePublished')[0]?.state;
    channel.source({ initialState: { applied: ['second'] } });
    await channel.settle();

    channel.adapter.sendSynchronizedStateToReplicas({
      ...(stale as NonNullable<typeof stale>),
      version: 99,
    });
    await channel.settle();
    expect(replica.ids()).toEqual(['second']);
  });

  it('Inputs the old Source had not acknowledged are re-sent to the new one', async () => {
    const channel = new SyncTestChannel();
    const g = gate();
    const first = channel.source(); // waits for gates: it is busy with r1
    const replica = channel.replica({ inputHandler: listHandler({ waitForGates: false }) });
    await channel.settle();
    replica.send(addThenWait('r1', g.promise));
    replica.send(add('r2'));
    await channel.settle();
    expect(first.ids()).toEqual(['r1']); // r1 running, r2 queued: nothing acknowledged yet

    const second = channel.source({ inputHandler: listHandler({ waitForGates: false }) });
    await channel.settle();
    expect(second.ids()).toEqual(['r1', 'r2']);
    expect(
      replica
        .syncOf('InputForwarded')
        .filter((n) => n.resent)
        .map((n) => n.input.seq),
    ).toEqual([1, 2]);

    g.open(); // the old Source finishes, but acknowledges nothing any more
    await channel.settle();
    expect(first.ids()).toEqual(['r1', 'r2']);
    expect(second.ids()).toEqual(['r1', 'r2']);
    expect(replica.ids()).toEqual(['r1', 'r2']);
    expect(second.syncOf('InputReceived').filter((n) => !n.duplicate)).toHaveLength(2);
  });

  it('clearing a superseded Source leaves the active one in charge; clearing the active one empties the channel', async () => {
    const adapter = new InMemorySyncAdapter<ListInput, never, ListState>();
    const channel = new SyncTestChannel(adapter);
    const first = channel.source();
    const second = channel.source();
    const replica = channel.replica();
    await channel.settle();

    first.vm.clear();
    replica.send(add('r1'));
    await channel.settle();
    expect(second.ids()).toEqual(['r1']);
    expect(adapter.stats()).toMatchObject({ sources: 1, hasCurrentState: true });

    second.vm.clear();
    expect(adapter.stats()).toMatchObject({ sources: 0, hasCurrentState: false });
    expect(second.status).toBe('disconnected');
    // The Replica keeps its Inputs for the next Source.
    replica.send(add('r2'));
    const third = channel.source();
    await channel.settle();
    expect(third.ids()).toEqual(['r2']);
    expect(replica.ids()).toEqual(['r2']);
  });
});
