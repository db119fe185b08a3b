import { fifo, InMemorySyncAdapter, type SyncedInput, type SyncLinkState } from 'ballast-sync/core';
import { BehaviorSubject, delay, filter } from 'rxjs';
import {
  add,
  clearChannels,
  SyncTestChannel,
  waitUntil,
  wrapAdapter,
  type ListInput,
  type ListState,
} from './sync-test-kit.spec-helper';

afterEach(clearChannels);

const newAdapter = () => new InMemorySyncAdapter<ListInput, never, ListState>();
const retransmit = { intervalMs: 5, maxIntervalMs: 40 };

describe('a lost message is recovered without a Source change (issue: one lost Input stalled a Replica)', () => {
  it('a lost Input is sent again once no acknowledgement came for retransmit.intervalMs', async () => {
    const inner = newAdapter();
    let lost = 0;
    const channel = new SyncTestChannel(
      wrapAdapter(inner, {
        sendInputToSource: (input) => {
          if (input.seq === 1 && lost++ === 0) return; // lost on the way, once
          inner.sendInputToSource(input);
        },
      }),
    );
    const source = channel.source({ retransmit });
    const replica = channel.replica({ retransmit });
    await channel.settle();
    replica.send(add('a'));
    replica.send(add('b'));
    await waitUntil(() => replica.syncOf('InputsAcknowledged').length > 0, 1000, 'the ack');
    await channel.settle();

    expect(source.ids()).toEqual(['a', 'b']); // b waited for a, each applied once
    expect(replica.ids()).toEqual(['a', 'b']);
    expect(replica.syncOf('AcknowledgementOverdue')).toEqual([
      { type: 'AcknowledgementOverdue', waitedMs: 5, count: 2 },
    ]);
    expect(
      replica
        .syncOf('InputForwarded')
        .filter((n) => n.resent)
        .map((n) => n.input.seq),
    ).toEqual([1, 2]);
    expect(source.syncOf('InputReceived').map((n) => [n.input.seq, n.duplicate])).toEqual([
      [2, false], // held until 1 arrives
      [1, false],
      [2, true],
    ]);
  });

  it('a lost acknowledgement is recovered: the re-sent Input is a duplicate, acknowledged again', async () => {
    const inner = newAdapter();
    let dropped = false;
    const channel = new SyncTestChannel(
      wrapAdapter(inner, {
        sendSynchronizedStateToReplicas: (state) => {
          if (!dropped && Object.keys(state.acks).length > 0) return void (dropped = true);
          return inner.sendSynchronizedStateToReplicas(state);
        },
      }),
    );
    const source = channel.source({ retransmit });
    const replica = channel.replica({ retransmit });
    await channel.settle();
    replica.send(add('a'));
    await waitUntil(() => replica.syncOf('InputsAcknowledged').length > 0, 1000, 'the ack');

    expect(dropped).toBe(true);
    expect(source.ids()).toEqual(['a']);
    expect(source.vmOf('InputAccepted')).toHaveLength(1);
    expect(source.syncOf('InputReceived').map((n) => n.duplicate)).toEqual([false, true]);
    expect(replica.ids()).toEqual(['a']);
  });

  it('a lost last State reaches an idle Spectator through the Source re-publishing it', async () => {
    const inner = newAdapter();
    const channel = new SyncTestChannel(
      wrapAdapter(inner, {
        // Every State that carries 'x' is lost the first time it is sent.
        sendSynchronizedStateToReplicas: (state) => {
          const republished = source.syncOf('StatePublished').at(-1)?.republished;
          if (state.state.applied.includes('x') && !republished) return;
          return inner.sendSynchronizedStateToReplicas(state);
        },
      }),
    );
    const source = channel.source({ retransmit });
    const spectator = channel.spectator();
    await channel.settle();
    source.send(add('x'));
    await waitUntil(() => spectator.ids().length === 1, 1000, 'the State at the Spectator');

    expect(spectator.ids()).toEqual(['x']);
    const afterX = source.syncOf('StatePublished').filter((n) => n.state.version === 2);
    expect(afterX.map((n) => n.republished)).toEqual([false, true]);
    expect(afterX[1]?.state).toBe(afterX[0]?.state); // the same version, sent again
    expect(spectator.syncOf('StateApplied').map((n) => n.state.version)).toEqual([1, 2]);
  });

  it('while the Source stays silent, a Replica re-sends with doubling waits, up to maxIntervalMs', async () => {
    const inner = newAdapter();
    const channel = new SyncTestChannel(
      wrapAdapter(inner, { sendInputToSource: () => undefined }), // every Input is lost
    );
    channel.source({ retransmit });
    const replica = channel.replica({ retransmit });
    await channel.settle();
    replica.send(add('a'));
    await waitUntil(() => replica.syncOf('AcknowledgementOverdue').length >= 5, 2000);

    expect(
      replica
        .syncOf('AcknowledgementOverdue')
        .map((n) => n.waitedMs)
        .slice(0, 5),
    ).toEqual([5, 10, 20, 40, 40]);
    expect(replica.ids()).toEqual(['a']); // applied locally; it waits, bounded, for the Source
  });
});

describe('only Inputs the Replica accepted are forwarded (issue: dropped Inputs were applied to the shared State)', () => {
  it('an Input its full queue dropped (trySend false, outcome dropped) never reaches the Source', async () => {
    const channel = new SyncTestChannel();
    const source = channel.source();
    const gate = { open: () => undefined as void };
    const replica = channel.replica({
      inputHandler: (input, scope) => {
        scope.updateState((s) => ({ applied: [...s.applied, (input as { id: string }).id] }));
        if ((input as { id: string }).id === 'slow')
          return new Promise<void>((resolve) => (gate.open = resolve));
        return undefined;
      },
      inputQueue: { capacity: 1, overflow: 'drop-latest' },
    });
    await channel.settle();
    replica.send(add('slow')); // running
    expect(replica.vm.trySend(add('queued'))).toBe(true); // fills the queue
    expect(replica.vm.trySend(add('dropped'))).toBe(false);
    const outcome = replica.vm.sendAndAwaitCompletion(add('dropped too'));
    gate.open();
    expect(await outcome).toMatchObject({ status: 'dropped', reason: 'overflow' });
    await channel.settle();

    expect(source.ids()).toEqual(['slow', 'queued']);
    expect(replica.ids()).toEqual(['slow', 'queued']);
    expect(replica.syncOf('InputForwarded').map((n) => n.input.input)).toEqual([
      add('slow'),
      add('queued'),
    ]);
  });

  it('an Input its filter rejected is not forwarded', async () => {
    const channel = new SyncTestChannel();
    const source = channel.source();
    const replica = channel.replica({
      inputStrategy: fifo({
        filter: (input) => ((input as { id: string }).id.startsWith('no') ? 'reject' : 'accept'),
      }),
    });
    await channel.settle();
    expect(await replica.vm.sendAndAwaitCompletion(add('no-1'))).toEqual({ status: 'rejected' });
    replica.send(add('yes-1'));
    await channel.settle();

    expect(source.ids()).toEqual(['yes-1']);
    expect(replica.ids()).toEqual(['yes-1']);
  });

  it('a Replica cleared while bufferInputs still holds an Input sends it before leaving', async () => {
    const channel = new SyncTestChannel();
    const source = channel.source();
    const replica = channel.replica({ bufferInputs: delay(60_000) });
    await channel.settle();
    replica.send(add('held'));
    await channel.settle();
    expect(source.ids()).toEqual([]);
    replica.vm.clear();
    await channel.settle();

    expect(source.ids()).toEqual(['held']);
  });
});

describe('exactly once along a Source lineage (issue: late duplicates after a take-over)', () => {
  /** Captures every envelope a Replica sends, so a test can deliver a stale copy later. */
  function capturing() {
    const inner = newAdapter();
    const sent: SyncedInput<ListInput>[] = [];
    const adapter = wrapAdapter(inner, {
      sendInputToSource: (input) => {
        sent.push(input);
        inner.sendInputToSource(input);
      },
    });
    return { inner, sent, channel: new SyncTestChannel(adapter) };
  }

  it('a stale copy addressed to an earlier Source is never applied by the next one', async () => {
    const { inner, sent, channel } = capturing();
    const first = channel.source();
    const replica = channel.replica();
    await channel.settle();
    replica.send(add('a'));
    await channel.settle();
    const second = channel.source();
    await channel.settle();
    inner.sendInputToSource(sent[0] as SyncedInput<ListInput>); // a late copy arrives at `second`
    await channel.settle();

    expect(first.ids()).toEqual(['a']);
    expect(second.ids()).toEqual([]); // its own State: 'a' belongs to the first Source's lineage
    expect(second.syncOf('InputMisaddressed').map((n) => n.input.id)).toEqual([sent[0]?.id]);
    expect(replica.ids()).toEqual([]);
  });

  it('a Source that resumes from a snapshot never applies again an Input the snapshot reflects', async () => {
    const { inner, sent, channel } = capturing();
    const first = channel.source();
    const replica = channel.replica();
    await channel.settle();
    replica.send(add('a'));
    replica.send(add('b'));
    await channel.settle();
    const snapshot = first.connection.snapshot();
    expect(snapshot).toEqual({
      protocol: 1,
      state: { applied: ['a', 'b'] },
      acks: { [replica.incarnation]: 2 },
    });
    first.vm.clear();
    const second = channel.source({ resumeFrom: snapshot });
    await channel.settle();
    // Stale copies, now addressed to the new Source as a Replica that missed the acks would send.
    for (const envelope of sent) inner.sendInputToSource({ ...envelope, to: second.incarnation });
    replica.send(add('c'));
    await channel.settle();

    expect(second.ids()).toEqual(['a', 'b', 'c']);
    expect(second.vmOf('InputAccepted').map((n) => n.input)).toEqual([add('c')]);
    expect(replica.ids()).toEqual(['a', 'b', 'c']);
    // Its first State announced the inherited acknowledgements.
    expect(second.syncOf('StatePublished')[0]?.state.acks).toEqual({ [replica.incarnation]: 2 });
  });

  it('a Replica whose acknowledgement was lost with the old Source re-sends to the resumed one, which acknowledges without applying', async () => {
    const inner = newAdapter();
    let blockStates = false;
    const channel = new SyncTestChannel(
      wrapAdapter(inner, {
        sendSynchronizedStateToReplicas: (state) =>
          blockStates ? undefined : inner.sendSynchronizedStateToReplicas(state),
      }),
    );
    const first = channel.source({ retransmit });
    const replica = channel.replica({ retransmit });
    await channel.settle();
    blockStates = true; // the acknowledgement of 'a' never leaves the first Source
    replica.send(add('a'));
    await waitUntil(() => first.ids().length === 1);
    const snapshot = first.connection.snapshot();
    first.vm.clear();
    blockStates = false;
    const second = channel.source({ resumeFrom: snapshot, retransmit });
    await waitUntil(() => replica.syncOf('InputsAcknowledged').length > 0);

    expect(second.ids()).toEqual(['a']);
    expect(second.vmOf('InputAccepted')).toEqual([]);
    expect(replica.ids()).toEqual(['a']);
  });
});

describe('incarnations (issue: identity collisions lost Inputs silently)', () => {
  it('a Replica restarted with the same clientId has its Inputs applied, not discarded as duplicates', async () => {
    const channel = new SyncTestChannel();
    const source = channel.source();
    const before = channel.replica({ clientId: 'device-1' });
    await channel.settle();
    before.send(add('a1'));
    before.send(add('a2'));
    await channel.settle();
    before.vm.clear();
    const after = channel.replica({ clientId: 'device-1' });
    await channel.settle();
    after.send(add('b1'));
    await channel.settle();

    expect(after.incarnation).not.toBe(before.incarnation);
    expect(after.syncOf('InputForwarded')[0]?.input.seq).toBe(1);
    expect(source.ids()).toEqual(['a1', 'a2', 'b1']);
    expect(after.ids()).toEqual(['a1', 'a2', 'b1']);
    expect(source.unhandledErrors()).toEqual([]);
  });

  it('a Source restarted with the same clientId is followed: its version 1 is not ignored', async () => {
    const channel = new SyncTestChannel();
    const before = channel.source({ clientId: 'server' });
    const replica = channel.replica();
    await channel.settle();
    before.send(add('old-1'));
    before.send(add('old-2'));
    await channel.settle();
    before.vm.clear();
    const after = channel.source({ clientId: 'server' });
    await channel.settle();
    replica.send(add('r1'));
    await channel.settle();

    expect(after.ids()).toEqual(['r1']);
    expect(replica.ids()).toEqual(['r1']);
    expect(replica.syncOf('SourceChanged').map((n) => n.sourceId)).toEqual(['server', 'server']);
  });

  it('two live Replicas with the same clientId lose nothing, and the collision is reported', async () => {
    const channel = new SyncTestChannel();
    const source = channel.source();
    const one = channel.replica({ name: 'one', clientId: 'same' });
    const two = channel.replica({ name: 'two', clientId: 'same' });
    await channel.settle();
    for (let i = 1; i <= 3; i++) {
      one.send(add(`one-${i}`));
      two.send(add(`two-${i}`));
      await channel.settle();
    }

    expect([...source.ids()].sort()).toEqual([
      'one-1',
      'one-2',
      'one-3',
      'two-1',
      'two-2',
      'two-3',
    ]);
    expect(one.ids()).toEqual(source.ids());
    expect(two.ids()).toEqual(source.ids());
    const errors = source.unhandledErrors();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /^ballast-sync: two live participants of channel "list" use clientId "same"\..*give each instance its own clientId/,
    );
  });
});

describe('status tells the truth (issue: status lied)', () => {
  it('a Replica says waiting-for-source once its Source left, and connected again when another publishes', async () => {
    const channel = new SyncTestChannel();
    const first = channel.source();
    const replica = channel.replica();
    await channel.settle();
    expect(replica.status).toBe('connected');
    first.vm.clear();
    await channel.settle();
    expect(replica.status).toBe('waiting-for-source');
    channel.source();
    await channel.settle();

    expect(replica.statuses).toEqual([
      'disconnected',
      'waiting-for-source',
      'connected',
      'waiting-for-source',
      'connected',
    ]);
    expect(replica.syncOf('LinkChanged').map((n) => n.link)).toEqual(['no-source', 'connected']);
  });

  it('a link that goes down says disconnected, and the Replica re-sends at once when it comes back', async () => {
    const inner = newAdapter();
    const link = new BehaviorSubject<SyncLinkState>('connected');
    const channel = new SyncTestChannel(
      wrapAdapter(inner, {
        sendInputToSource: (input) =>
          link.value === 'connected' ? inner.sendInputToSource(input) : undefined,
        observeLink: () => link,
      }),
    );
    const source = channel.source();
    const replica = channel.replica(); // the default retransmit waits a whole second
    await channel.settle();
    link.next('disconnected');
    replica.send(add('offline'));
    await channel.settle();
    expect(replica.status).toBe('disconnected');
    expect(replica.ids()).toEqual(['offline']); // applied locally, waiting
    link.next('connected');
    await channel.settle();

    expect(source.ids()).toEqual(['offline']);
    expect(replica.status).toBe('connected');
    expect(replica.syncOf('AcknowledgementOverdue')).toEqual([]);
  });
});

describe('subscriber errors are isolated (issue: a throwing subscriber killed the process)', () => {
  it('a throwing observeSyncNotifications() subscriber is reported and sync goes on', async () => {
    const channel = new SyncTestChannel();
    const source = channel.source();
    const replica = channel.replica();
    replica.connection
      .observeSyncNotifications()
      .pipe(filter((n) => n.type === 'InputForwarded'))
      .subscribe(() => {
        throw new Error('logging bug');
      });
    await channel.settle();
    replica.send(add('a'));
    await channel.settle();

    expect(source.ids()).toEqual(['a']);
    expect(replica.ids()).toEqual(['a']);
    expect(replica.unhandledErrors()).toEqual([
      'ballast-sync: a subscriber of the sync connection of channel "list" threw; the connection goes on.',
    ]);
  });
});
