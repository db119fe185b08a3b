import {
  fifo,
  InMemorySyncAdapter,
  lifo,
  parallel,
  type InputHandler,
  type InputStrategy,
} from 'ballast-sync/core';
import { delay } from 'rxjs';
import {
  add,
  clearChannels,
  listHandler,
  neverGoesBack,
  SyncTestChannel,
  withLatentStates,
  type ListInput,
  type ListState,
  type Participant,
} from './sync-test-kit.spec-helper';

afterEach(clearChannels);

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A channel whose States reach Replicas `ms` late, as over a slow network. */
function slowChannel(ms: number) {
  return new SyncTestChannel(
    withLatentStates(new InMemorySyncAdapter<ListInput, never, ListState>(), ms),
  );
}

describe('a Replica rebases its unacknowledged Inputs on each Source State (it never goes back in time)', () => {
  const strategies: [string, () => InputStrategy<ListInput, ListState>][] = [
    ['fifo', fifo],
    ['lifo', lifo],
    ['parallel', parallel],
  ];

  it.each(strategies)(
    'under %s: four clicks while States travel slowly never show a lower State, and end equal to the Source',
    async (_name, strategy) => {
      const channel = slowChannel(25);
      const source = channel.source();
      const replica = channel.replica({ inputStrategy: strategy() });
      await channel.settle();
      for (const id of ['c1', 'c2', 'c3', 'c4']) {
        replica.send(add(id));
        await sleep(10); // the next click comes before the State that answers this one
      }
      await channel.settle();

      const history = replica.stateHistory();
      expect(neverGoesBack(history)).toBe(true);
      expect(history.map((s) => s.length)).toEqual([...history.map((s) => s.length)].sort());
      expect(replica.ids()).toEqual(['c1', 'c2', 'c3', 'c4']);
      expect(source.ids()).toEqual(replica.ids());
      // The Source's States reflected only some clicks when they arrived: those were rebased.
      expect(replica.syncOf('StateRebased').length).toBeGreaterThan(0);
      expect(replica.syncOf('StateRebased').every((n) => n.replayed > 0)).toBe(true);
    },
  );

  it('Inputs of others arriving meanwhile are placed before its own unacknowledged ones', async () => {
    const channel = slowChannel(20);
    const source = channel.source();
    const replica = channel.replica({ bufferInputs: delay(15) }); // its Inputs travel slowly too
    await channel.settle();
    replica.send(add('mine'));
    source.send(add('theirs'));
    await sleep(30); // the State with 'theirs' (but not yet 'mine') arrives
    const rebased = replica.syncOf('StateRebased')[0];
    expect(rebased?.state.state.applied).toEqual(['theirs']);
    expect(replica.stateHistory()).toContainEqual(['theirs', 'mine']);
    await channel.settle();

    expect(replica.ids()).toEqual(source.ids());
    expect(neverGoesBack(replica.stateHistory())).toBe(true);
  });

  it('replays have no outside effects: no second Event, no second side job, and scope.isReplay says so', async () => {
    const calls: { id: string; isReplay: boolean }[] = [];
    const handler: InputHandler<ListInput, string, ListState> = (input, scope) => {
      if (input.type !== 'Add') return scope.noOp();
      calls.push({ id: input.id, isReplay: scope.isReplay });
      scope.updateState((s) => ({ applied: [...s.applied, input.id] }));
      scope.postEvent(`event ${input.id}`);
      scope.sideJob(`job ${input.id}`, () => undefined);
    };
    const channel = slowChannel(20);
    channel.source();
    const replica = channel.replica({ inputHandler: handler as never, bufferInputs: delay(15) });
    await channel.settle();
    replica.send(add('a'));
    channel.activeSource()?.send(add('s')); // its State arrives before the acknowledgements
    replica.send(add('b'));
    await channel.settle();

    expect(replica.syncOf('StateRebased').length).toBeGreaterThan(0);
    const live = calls.filter((c) => !c.isReplay);
    expect(live.map((c) => c.id)).toEqual(['a', 'b']); // each handled once for real
    expect(calls.filter((c) => c.isReplay).length).toBeGreaterThan(0);
    expect(replica.vmOf('EventQueued').map((n) => n.event)).toEqual(['event a', 'event b']);
    expect(replica.vmOf('SideJobQueued').map((n) => n.key)).toEqual(['job a', 'job b']);
    expect(replica.ids()).toEqual(['s', 'a', 'b']);
  });

  it('a replay that throws just ends that Input’s optimistic effect until the Source acknowledges it', async () => {
    const inner = listHandler();
    const handler: InputHandler<ListInput, never, ListState> = (input, scope) => {
      if (scope.isReplay && input.type === 'Add' && input.id === 'fragile')
        throw new Error('no replay');
      return inner(input, scope);
    };
    const channel = slowChannel(20);
    const source = channel.source();
    const replica = channel.replica({ inputHandler: handler, bufferInputs: delay(15) });
    await channel.settle();
    replica.send(add('fragile'));
    source.send(add('theirs'));
    await sleep(30);
    expect(replica.stateHistory()).toContainEqual(['theirs']); // fragile's effect ended for now
    await channel.settle();

    expect(replica.ids()).toEqual(source.ids()); // and it came back with the acknowledgement
    expect(source.ids()).toContain('fragile');
    expect(replica.unhandledErrors()).toEqual([]);
  });

  it('an async handler replays only its synchronous part; its Promise is ignored', async () => {
    let replays = 0;
    const handler: InputHandler<ListInput, never, ListState> = async (input, scope) => {
      if (input.type !== 'Add') return scope.noOp();
      if (scope.isReplay) replays++;
      scope.updateState((s) => ({ applied: [...s.applied, input.id] }));
      await sleep(1);
      if (scope.isReplay) scope.updateState((s) => ({ applied: [...s.applied, 'late'] })); // throws
    };
    const channel = slowChannel(20);
    channel.source({ inputHandler: handler });
    const replica = channel.replica({ inputHandler: handler, inputStrategy: parallel() });
    await channel.settle();
    replica.send(add('a'));
    await channel.settle();

    expect(replays).toBeGreaterThan(0);
    expect(replica.ids()).toEqual(['a']);
    expect(replica.stateHistory().flat()).not.toContain('late');
  });

  it('no replay happens when nothing is pending (the common case on a fast link)', async () => {
    let replays = 0;
    const inner = listHandler();
    const handler: InputHandler<ListInput, never, ListState> = (input, scope) => {
      if (scope.isReplay) replays++;
      return inner(input, scope);
    };
    const channel = new SyncTestChannel();
    const source = channel.source({ inputHandler: handler });
    const replica = channel.replica({ inputHandler: handler });
    await channel.settle();
    for (const id of ['a', 'b', 'c']) {
      replica.send(add(id));
      await channel.settle();
    }
    source.send(add('s'));
    await channel.settle();

    expect(replays).toBe(0);
    expect(replica.syncOf('StateRebased')).toEqual([]);
    expect(replica.ids()).toEqual(['a', 'b', 'c', 's']);
  });

  it('a Spectator does not rebase: its local Input is overwritten by the next Source State, as documented', async () => {
    const channel = slowChannel(5);
    const source = channel.source();
    const spectator: Participant = channel.spectator();
    await channel.settle();
    spectator.send(add('local'));
    source.send(add('s1'));
    await channel.settle();

    expect(spectator.ids()).toEqual(['s1']);
    expect(spectator.syncOf('StateRebased')).toEqual([]);
  });
});
