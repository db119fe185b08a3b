import { debounceTime, delay, throttleTime } from 'rxjs';
import {
  add,
  clearChannels,
  macrotask,
  SyncTestChannel,
  waitUntil,
  type ListInput,
} from './sync-test-kit.spec-helper';

afterEach(clearChannels);

describe('bufferStates (Source)', () => {
  it('delay(30) delays what Replicas see, never the Source ViewModel itself', async () => {
    const channel = new SyncTestChannel();
    const source = channel.source({ bufferStates: delay(30) });
    const replica = channel.replica();
    await waitUntil(() => replica.status === 'connected', 1000, 'the first State');

    const sentAt = Date.now();
    for (let i = 0; i < 50; i++) source.send(add(`s${i}`));
    expect(source.ids()).toHaveLength(50); // the Source updates synchronously
    await source.vm.whenIdle();
    await macrotask();
    expect(replica.ids()).toEqual([]); // not there shortly after...

    await waitUntil(() => replica.ids().length === 50, 1000, 'the delayed State');
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(25); // ...but later
    expect(replica.ids()).toEqual(source.ids());
  });

  it('throttleTime(20, leading and trailing) spaces the States out and ends converged', async () => {
    const channel = new SyncTestChannel();
    const source = channel.source({
      bufferStates: throttleTime(20, undefined, { leading: true, trailing: true }),
    });
    const replica = channel.replica();
    const spectator = channel.spectator();
    const publishedAt: number[] = [];
    source.connection
      .observeSyncNotifications()
      .subscribe((n) => n.type === 'StatePublished' && publishedAt.push(Date.now()));

    for (let burst = 0; burst < 10; burst++) {
      source.send(add(`s${burst}`));
      replica.send(add(`r${burst}`));
      expect(source.ids()).toContain(`s${burst}`); // never slowed down
      await macrotask();
      await macrotask();
    }
    await waitUntil(
      () => replica.ids().length === 20 && spectator.ids().length === 20,
      2000,
      'convergence',
    );
    await channel.settle();

    expect(source.ids()).toHaveLength(20);
    expect(replica.ids()).toEqual(source.ids());
    expect(spectator.ids()).toEqual(source.ids());
    const gaps = publishedAt.slice(1).map((t, i) => t - (publishedAt[i] as number));
    expect(gaps.every((gap) => gap >= 15)).toBe(true);
  });
});

describe('bufferInputs (Replica)', () => {
  it('delay(30) delays forwarding, never the Replica ViewModel itself', async () => {
    const channel = new SyncTestChannel();
    const source = channel.source();
    const replica = channel.replica({ bufferInputs: delay(30) });
    await channel.settle();

    const sentAt = Date.now();
    replica.send(add('a'));
    replica.send(add('b'));
    expect(replica.ids()).toEqual(['a', 'b']); // the Replica updates synchronously
    await replica.vm.whenIdle();
    await macrotask();
    expect(replica.syncOf('InputForwarded')).toEqual([]);
    expect(source.ids()).toEqual([]); // not there shortly after...

    await waitUntil(() => source.ids().length === 2, 1000, 'the delayed Inputs');
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(25); // ...but later
    expect(source.ids()).toEqual(['a', 'b']);
    await channel.settle();
    expect(replica.ids()).toEqual(['a', 'b']);
  });

  it('debounceTime(20) forwards every Input, in order, once the burst is over', async () => {
    const channel = new SyncTestChannel();
    const source = channel.source();
    const replica = channel.replica({ bufferInputs: debounceTime(20) });
    await channel.settle();

    const ids = ['a', 'b', 'c', 'd', 'e'];
    for (const id of ids) {
      replica.send(add(id));
      await macrotask();
    }
    expect(replica.ids()).toEqual(ids);
    expect(replica.syncOf('InputForwarded')).toEqual([]); // the burst is still going on

    await waitUntil(() => source.ids().length === ids.length, 1000, 'the debounced Inputs');
    expect(replica.syncOf('InputForwarded').map((n) => n.input.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(source.ids()).toEqual(ids);
    await channel.settle();
    expect(replica.ids()).toEqual(ids);
  });

  it('debounceTime(20) loses nothing across several bursts and a new Source', async () => {
    const channel = new SyncTestChannel();
    channel.source();
    const replica = channel.replica({ bufferInputs: debounceTime(20) });
    await channel.settle();
    replica.send(add('a'));
    replica.send(add('b'));
    await waitUntil(() => replica.syncOf('InputsAcknowledged').length > 0, 1000, 'the first burst');
    replica.send(add('c'));
    const next = channel.source({ initialState: { applied: ['next'] } });
    replica.send(add('d'));
    await waitUntil(() => next.ids().length === 3, 1000, 'the second burst');
    await channel.settle();

    expect(next.ids()).toEqual(['next', 'c', 'd']);
    expect(replica.ids()).toEqual(next.ids());
  });

  // Regression test: the released Input was matched to its *first* unsent occurrence, so with a
  // constant Input object queued twice a debounce released only the first one; the rest stayed
  // pending until a new Source appeared, and the Replica converged on a State without them.
  it.each([
    ['debounceTime(20)', debounceTime<ListInput>(20)],
    [
      'throttleTime(20, leading and trailing)',
      throttleTime<ListInput>(20, undefined, { leading: true, trailing: true }),
    ],
    ['delay(10)', delay<ListInput>(10)],
  ])('%s forwards a constant Input object each time it is queued', async (_name, operator) => {
    const channel = new SyncTestChannel();
    const source = channel.source();
    const replica = channel.replica({ bufferInputs: operator });
    await channel.settle();
    const x = add('x');
    const y = add('y');

    for (const input of [x, y, x, x]) replica.send(input);
    await waitUntil(() => source.ids().length === 4, 1000, 'all four Inputs at the Source');
    await channel.settle();

    expect(source.ids()).toEqual(['x', 'y', 'x', 'x']);
    expect(replica.ids()).toEqual(source.ids());
    expect(replica.syncOf('InputForwarded').map((n) => n.input.seq)).toEqual([1, 2, 3, 4]);
  });
});
