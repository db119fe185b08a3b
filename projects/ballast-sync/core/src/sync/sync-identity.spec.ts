import { InMemorySyncAdapter, type SyncedInput } from 'ballast-sync/core';
import { map } from 'rxjs';
import {
  add,
  clearChannels,
  macrotask,
  SyncTestChannel,
  withLatentStates,
  wrapAdapter,
  type ListInput,
  type ListState,
} from './sync-test-kit.spec-helper';

afterEach(clearChannels);

const newAdapter = () => new InMemorySyncAdapter<ListInput, never, ListState>();

describe('identity on the wire (fix over Ballast #3)', () => {
  it('an Input delivered again by hand is processed once, and acknowledged again', async () => {
    const channel = new SyncTestChannel();
    const source = channel.source();
    const replica = channel.replica();
    await channel.settle();
    replica.send(add('a'));
    await channel.settle();

    const envelope = replica.syncOf('InputForwarded')[0]?.input as SyncedInput<ListInput>;
    channel.adapter.sendInputToSource(envelope);
    channel.adapter.sendInputToSource(envelope);
    await channel.settle();

    expect(source.ids()).toEqual(['a']);
    expect(source.vmOf('InputAccepted')).toHaveLength(1);
    expect(source.syncOf('InputReceived').map((n) => n.duplicate)).toEqual([false, true, true]);
    expect(source.syncOf('StatePublished').at(-1)?.state.acks).toEqual({
      [replica.incarnation]: 1,
    });
    expect(replica.ids()).toEqual(['a']);
  });

  it('an adapter that delivers every Input twice still gets each processed once', async () => {
    const inner = newAdapter();
    const channel = new SyncTestChannel(
      wrapAdapter(inner, {
        sendInputToSource: (input) => {
          inner.sendInputToSource(input);
          inner.sendInputToSource(input);
        },
      }),
    );
    const source = channel.source();
    const [r1, r2] = [channel.replica(), channel.replica()];
    await channel.settle();
    r1.send(add('a1'));
    r2.send(add('b1'));
    r1.send(add('a2'));
    await channel.settle();
    r2.send(add('b2'));
    await channel.settle();

    expect(source.ids()).toEqual(['a1', 'b1', 'a2', 'b2']);
    expect(source.syncOf('InputReceived').filter((n) => n.duplicate)).toHaveLength(4);
    expect(r1.ids()).toEqual(source.ids());
    expect(r2.ids()).toEqual(source.ids());
  });

  it('Inputs that arrive out of order are processed in the order the Replica sent them', async () => {
    const inner = newAdapter();
    let held: SyncedInput<ListInput> | undefined;
    const channel = new SyncTestChannel(
      wrapAdapter(inner, {
        // Holds the first Input and lets it arrive after the third.
        sendInputToSource: (input) => {
          if (input.seq === 1 && !held) return void (held = input);
          inner.sendInputToSource(input);
          if (input.seq === 3 && held) inner.sendInputToSource(held);
        },
      }),
    );
    const source = channel.source();
    const replica = channel.replica();
    await channel.settle();
    replica.send(add('a'));
    replica.send(add('b'));
    replica.send(add('c'));
    await channel.settle();

    expect(source.syncOf('InputReceived').map((n) => n.input.seq)).toEqual([2, 3, 1]);
    expect(source.ids()).toEqual(['a', 'b', 'c']);
    expect(replica.ids()).toEqual(['a', 'b', 'c']);
  });

  it('a lost Input is re-sent to the next Source, which fills the gap before later ones', async () => {
    const inner = newAdapter();
    let dropped = false;
    const channel = new SyncTestChannel(
      wrapAdapter(inner, {
        sendInputToSource: (input) => {
          if (input.seq === 1 && !dropped) return void (dropped = true); // lost on the way
          inner.sendInputToSource(input);
        },
      }),
    );
    channel.source();
    const replica = channel.replica();
    await channel.settle();
    replica.send(add('a'));
    replica.send(add('b'));
    await channel.settle();
    const next = channel.source();
    await channel.settle();

    expect(next.ids()).toEqual(['a', 'b']);
    expect(replica.ids()).toEqual(['a', 'b']);
  });

  // An Input sent to a new Source can carry a stale `firstUnacknowledged`: the Replica learns of
  // an older Source's acknowledgement only afterwards (States travel with latency here, as over a
  // network). The new Source must not wait for Inputs the Replica already considers settled
  // (regression test: it waited for r1 forever and never processed r2; see skipSettled()).
  it('an Input sent to a new Source before the old Source’s acknowledgement arrived is still processed', async () => {
    const inner = newAdapter();
    const channel = new SyncTestChannel(withLatentStates(inner, 5));
    const first = channel.source();
    const replica = channel.replica();
    await channel.settle();

    replica.send(add('r1'));
    const acked = () =>
      first.syncOf('StatePublished').some((n) => n.state.acks[replica.incarnation] === 1);
    while (!acked()) await macrotask();
    // The acknowledgement of r1 is on its way to the Replica when a new Source takes over.
    const second = channel.source();
    replica.send(add('r2'));
    await channel.settle();

    expect(replica.syncOf('InputsAcknowledged').map((n) => n.upToSeq)).toEqual([1, 2]);
    expect(second.ids()).toEqual(['r2']);
    expect(replica.ids()).toEqual(['r2']);
  });

  it('an Input the adapter refused is acknowledged without being applied, and the Replica converges', async () => {
    const inner = newAdapter();
    const channel = new SyncTestChannel(
      wrapAdapter(inner, {
        // As a server does with an Input its validation refuses.
        readInputsFromReplicas: (sourceId) =>
          inner
            .readInputsFromReplicas(sourceId)
            .pipe(
              map((envelope) =>
                (envelope.input as { id?: string }).id === 'bad'
                  ? { ...envelope, refused: 'invalid-input' }
                  : envelope,
              ),
            ),
      }),
    );
    const source = channel.source();
    const replica = channel.replica();
    await channel.settle();
    replica.send(add('a'));
    replica.send(add('bad'));
    replica.send(add('c'));
    await channel.settle();

    expect(source.ids()).toEqual(['a', 'c']);
    expect(source.vmOf('InputAccepted')).toHaveLength(2);
    expect(source.syncOf('InputRefused').map((n) => [n.input.seq, n.reason])).toEqual([
      [2, 'invalid-input'],
    ]);
    expect(replica.syncOf('InputsAcknowledged').at(-1)?.upToSeq).toBe(3);
    expect(replica.ids()).toEqual(['a', 'c']); // its optimistic 'bad' was rebased away
  });

  it('tells the adapter whether a reader is a Replica or a Spectator', async () => {
    const roles: [string, string | undefined][] = [];
    const inner = newAdapter();
    const channel = new SyncTestChannel(
      wrapAdapter(inner, {
        readStateFromSource: (clientId, role) => {
          roles.push([clientId, role]);
          return inner.readStateFromSource(clientId, role);
        },
      }),
    );
    channel.source();
    channel.replica({ clientId: 'r' });
    channel.spectator({ clientId: 's' });
    await channel.settle();

    expect(roles).toEqual([
      ['r', 'replica'],
      ['s', 'spectator'],
    ]);
  });
});
