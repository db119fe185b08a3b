import { add, clearChannels, SyncTestChannel } from './sync-test-kit.spec-helper';

afterEach(clearChannels);

describe('Inputs sent before any Source exists', () => {
  it('reach the first Source, in order, exactly once', async () => {
    const channel = new SyncTestChannel();
    const r1 = channel.replica();
    const r2 = channel.replica();
    r1.send(add('a1'));
    r2.send(add('b1'));
    r1.send(add('a2'));
    await channel.settle();
    r2.send(add('b2'));
    r1.send(add('a3'));
    await channel.settle();
    expect(r1.ids()).toEqual(['a1', 'a2', 'a3']); // applied locally meanwhile
    expect(r1.status).toBe('waiting-for-source');

    const source = channel.source();
    await channel.settle();

    const ids = source.ids();
    expect([...ids].sort()).toEqual(['a1', 'a2', 'a3', 'b1', 'b2']);
    expect(ids.filter((id) => id.startsWith('a'))).toEqual(['a1', 'a2', 'a3']);
    expect(ids.filter((id) => id.startsWith('b'))).toEqual(['b1', 'b2']);
    expect(source.vmOf('InputAccepted')).toHaveLength(5);
    expect(source.syncOf('InputReceived').filter((n) => n.duplicate)).toEqual([]);
    // The Replicas held them until they met the Source (an Input is addressed to one), sent each
    // once, then converged on its State.
    expect(r1.syncOf('InputForwarded').map((n) => [n.input.seq, n.resent])).toEqual([
      [1, false],
      [2, false],
      [3, false],
    ]);
    expect(r1.ids()).toEqual(ids);
    expect(r2.ids()).toEqual(ids);
    expect(r1.syncOf('InputsAcknowledged').at(-1)).toEqual({
      type: 'InputsAcknowledged',
      upToSeq: 3,
    });
  });

  it('are not sent again to a second Source once the first acknowledged them', async () => {
    const channel = new SyncTestChannel();
    const replica = channel.replica();
    replica.send(add('early'));
    channel.source();
    await channel.settle();
    const second = channel.source();
    await channel.settle();

    expect(second.ids()).toEqual([]);
    expect(second.syncOf('InputReceived')).toEqual([]);
    expect(replica.ids()).toEqual([]); // follows the new Source
  });

  it('beyond maxPendingInputs, an Input is refused before it applies locally, with a reason and a sync notification', async () => {
    const channel = new SyncTestChannel();
    const replica = channel.replica({ maxPendingInputs: 2 });
    replica.send(add('a'));
    replica.send(add('b'));
    const outcome = await replica.vm.sendAndAwaitCompletion(add('c'));

    expect(outcome).toMatchObject({ status: 'dropped', reason: 'refused' });
    const message = (outcome as { message?: string }).message ?? '';
    expect(message).toMatch(/^the Replica of channel "list" holds 2 Inputs/);
    expect(message).toContain('maxPendingInputs');
    expect(replica.ids()).toEqual(['a', 'b']); // never applied, so nothing to take back
    expect(replica.vmOf('InputDropped')).toEqual([
      { type: 'InputDropped', input: add('c'), reason: 'refused', message },
    ]);
    expect(replica.syncOf('PendingInputsOverflow')).toEqual([
      { type: 'PendingInputsOverflow', input: add('c'), limit: 2 },
    ]);
    expect(replica.unhandledErrors()).toEqual([]);

    const source = channel.source();
    await channel.settle();
    expect(source.ids()).toEqual(['a', 'b']);
    expect(replica.ids()).toEqual(['a', 'b']);

    // Once acknowledged, room is free again.
    replica.send(add('d'));
    await channel.settle();
    expect(source.ids()).toEqual(['a', 'b', 'd']);
    expect(replica.syncOf('PendingInputsOverflow')).toHaveLength(1);
  });

  it('a Spectator sends nothing, even when a Source appears later', async () => {
    const channel = new SyncTestChannel();
    const spectator = channel.spectator();
    spectator.send(add('mine'));
    const source = channel.source();
    await channel.settle();
    expect(source.ids()).toEqual([]);
    expect(spectator.ids()).toEqual([]);
  });
});
