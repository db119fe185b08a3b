import {
  InMemorySyncAdapter,
  SYNC_PROTOCOL_VERSION,
  type SyncConnectionAdapter,
  type SyncedInput,
  type SyncedState,
  type SyncLinkState,
} from 'ballast-sync/core';
import { Subject } from 'rxjs';
import { createFaultyAdapter, type FaultyAdapterOptions } from 'ballast-sync/testing';

const input = (
  clientId: string,
  seq: number,
  incarnation = `${clientId}-1`,
): SyncedInput<string> => ({
  protocol: SYNC_PROTOCOL_VERSION,
  id: `${incarnation}:${seq}`,
  clientId,
  incarnation,
  seq,
  firstUnacknowledged: 1,
  to: 'source-1',
  seen: 0,
  input: `${clientId}#${seq}`,
});

const state = (version: number, sourceId = 'source'): SyncedState<string> => ({
  protocol: SYNC_PROTOCOL_VERSION,
  sourceId,
  incarnation: `${sourceId}-1`,
  version,
  state: `v${version}`,
  acks: {},
});

/** An inner adapter that hands everything over synchronously and records what reached the Source. */
function fakeInner() {
  const received: SyncedInput<string>[] = [];
  const states = new Subject<SyncedState<string>>();
  const inputs = new Subject<SyncedInput<string>>();
  const adapter: SyncConnectionAdapter<string, never, string> = {
    sendInputToSource: (i) => void received.push(i),
    sendSynchronizedStateToReplicas: (s) => states.next(s),
    readStateFromSource: () => states.asObservable(),
    readInputsFromReplicas: () => inputs.asObservable(),
  };
  return { adapter, received, inputs };
}

/** `seq`s of what reached the Source, by sender. */
const seqsBySender = (received: readonly SyncedInput<string>[]) => {
  const bySender: Record<string, number[]> = {};
  for (const i of received) (bySender[i.incarnation] ??= []).push(i.seq);
  return bySender;
};

const isSorted = (values: readonly number[]) =>
  values.every((v, i) => i === 0 || (values[i - 1] as number) <= v);

const microtasks = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

afterEach(() => jest.useRealTimers());

describe('createFaultyAdapter', () => {
  it('without faults, delivers everything at once and counts it', () => {
    const inner = fakeInner();
    const network = createFaultyAdapter(inner.adapter);
    const states: number[] = [];
    network.readStateFromSource('replica').subscribe((s) => states.push(s.version));
    network.sendInputToSource(input('r', 1));
    network.sendSynchronizedStateToReplicas(state(1));

    expect(inner.received.map((i) => i.seq)).toEqual([1]);
    expect(states).toEqual([1]);
    const counted = { sent: 1, delivered: 1, lost: 0, duplicated: 0, inFlight: 0 };
    expect(network.stats()).toEqual({
      inputs: counted,
      states: counted,
      inFlight: 0,
      linkUp: true,
    });
  });

  it('loses about the configured share of messages, the same ones for the same seed', () => {
    const run = (seed: number) => {
      const inner = fakeInner();
      const network = createFaultyAdapter(inner.adapter, { seed, inputs: { loss: 0.3 } });
      for (let seq = 1; seq <= 1000; seq++) network.sendInputToSource(input('r', seq));
      return { seqs: inner.received.map((i) => i.seq), stats: network.stats().inputs };
    };
    const first = run(7);
    expect(first.stats.sent).toBe(1000);
    expect(first.stats.lost).toBeGreaterThan(250);
    expect(first.stats.lost).toBeLessThan(350);
    expect(first.stats.delivered).toBe(1000 - first.stats.lost);
    expect(first.seqs).toHaveLength(first.stats.delivered);
    expect(run(7)).toEqual(first); // same seed, same faults
    expect(run(8).seqs).not.toEqual(first.seqs);
  });

  it('reports the random seed it picked, so that a run can be replayed', () => {
    const options: FaultyAdapterOptions = { states: { loss: 0.5 } };
    const deliveredStates = (seed?: number) => {
      const inner = fakeInner();
      const network = createFaultyAdapter(inner.adapter, { ...options, seed });
      const versions: number[] = [];
      network.readStateFromSource('replica').subscribe((s) => versions.push(s.version));
      for (let v = 1; v <= 100; v++) network.sendSynchronizedStateToReplicas(state(v));
      return { seed: network.seed, versions };
    };
    const unseeded = deliveredStates();
    expect(Number.isInteger(unseeded.seed)).toBe(true);
    expect(deliveredStates(unseeded.seed).versions).toEqual(unseeded.versions);
  });

  it('duplicates about the configured share of messages, each copy right behind the first', () => {
    const inner = fakeInner();
    const network = createFaultyAdapter(inner.adapter, { seed: 1, inputs: { duplicate: 0.5 } });
    for (let seq = 1; seq <= 1000; seq++) network.sendInputToSource(input('r', seq));

    const { duplicated, delivered, lost } = network.stats().inputs;
    expect(duplicated).toBeGreaterThan(430);
    expect(duplicated).toBeLessThan(570);
    expect([delivered, lost]).toEqual([1000 + duplicated, 0]);
    const seqs = inner.received.map((i) => i.seq);
    expect(isSorted(seqs)).toBe(true);
    expect(new Set(seqs).size).toBe(1000);
  });

  it("keeps each Replica's Inputs in order under random delays, losses and duplicates", () => {
    jest.useFakeTimers();
    const inner = fakeInner();
    const network = createFaultyAdapter(inner.adapter, {
      seed: 3,
      inputs: { loss: 0.2, duplicate: 0.2, delayMs: [0, 50] },
    });
    for (let seq = 1; seq <= 100; seq++) {
      network.sendInputToSource(input('r1', seq));
      network.sendInputToSource(input('r2', seq));
      network.sendInputToSource(input('r1', seq, 'r1-2')); // r1 restarted: another sender
    }
    expect(network.stats().inFlight).toBeGreaterThan(0);
    jest.advanceTimersByTime(50);

    expect(network.stats().inFlight).toBe(0);
    const bySender = seqsBySender(inner.received);
    expect(Object.keys(bySender).sort()).toEqual(['r1-1', 'r1-2', 'r2-1']);
    for (const seqs of Object.values(bySender)) expect(isSorted(seqs)).toBe(true);
    // The delays did mix the senders up: the Source did not receive in the order of sending.
    const sendOrder = (i: SyncedInput<string>) =>
      i.seq * 3 + ['r1-1', 'r2-1', 'r1-2'].indexOf(i.incarnation);
    expect(isSorted(inner.received.map(sendOrder))).toBe(false);
    const { sent, delivered, lost, duplicated } = network.stats().inputs;
    expect(sent + duplicated).toBe(delivered + lost);
  });

  it('keeps the States to each reader in order, unless states.ordered is false', () => {
    jest.useFakeTimers();
    const versionsSeen = (ordered: boolean) => {
      const inner = fakeInner();
      const network = createFaultyAdapter(inner.adapter, {
        seed: 5,
        states: { delayMs: [0, 40], ordered },
      });
      const readers = [[], []].map((versions: number[]) => {
        network.readStateFromSource('replica').subscribe((s) => versions.push(s.version));
        return versions;
      });
      for (let v = 1; v <= 50; v++) network.sendSynchronizedStateToReplicas(state(v));
      jest.advanceTimersByTime(40);
      expect(network.stats().states).toMatchObject({ sent: 100, delivered: 100, inFlight: 0 });
      return readers;
    };
    const ordered = versionsSeen(true);
    for (const versions of ordered)
      expect(versions).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    const unordered = versionsSeen(false);
    for (const versions of unordered) {
      expect(isSorted(versions)).toBe(false);
      expect([...versions].sort((a, b) => a - b)).toEqual(ordered[0]);
    }
  });

  it('flush() delivers everything in flight now, in order', () => {
    jest.useFakeTimers();
    const inner = fakeInner();
    const network = createFaultyAdapter(inner.adapter, {
      seed: 2,
      inputs: { delayMs: [10, 1000] },
    });
    for (let seq = 1; seq <= 20; seq++) network.sendInputToSource(input('r', seq));
    expect(inner.received).toEqual([]);

    network.flush();
    expect(inner.received.map((i) => i.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(network.stats().inFlight).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
  });

  it("drops everything while the link is down, in flight included, and says 'disconnected'", () => {
    jest.useFakeTimers();
    const inner = fakeInner();
    const network = createFaultyAdapter(inner.adapter, {
      inputs: { delayMs: 10 },
      states: { delayMs: 10 },
    });
    const link: SyncLinkState[] = [];
    network.observeLink('replica').subscribe((l) => link.push(l));
    const states: number[] = [];
    network.readStateFromSource('replica').subscribe((s) => states.push(s.version));
    const atSource: number[] = [];
    network.readInputsFromReplicas('source').subscribe((i) => atSource.push(i.seq));
    network.sendInputToSource(input('r', 1));
    network.sendSynchronizedStateToReplicas(state(1));

    network.down();
    network.sendInputToSource(input('r', 2));
    network.sendSynchronizedStateToReplicas(state(2));
    inner.inputs.next(input('r', 3)); // arrives for the Source while its link is down
    jest.advanceTimersByTime(10);
    expect([inner.received, states, atSource]).toEqual([[], [], []]);
    expect(network.stats()).toMatchObject({
      inputs: { sent: 3, delivered: 0, lost: 3 },
      states: { sent: 2, delivered: 0, lost: 2 },
      inFlight: 0,
      linkUp: false,
    });

    network.up();
    network.sendInputToSource(input('r', 4));
    network.sendSynchronizedStateToReplicas(state(3));
    inner.inputs.next(input('r', 5));
    jest.advanceTimersByTime(10);
    expect([inner.received.map((i) => i.seq), states, atSource]).toEqual([[4], [3], [5]]);
    expect(link).toEqual(['connected', 'disconnected', 'connected']);
  });

  it("reports the inner adapter's link while up: 'no-source' until a Source reads", async () => {
    const network = createFaultyAdapter(new InMemorySyncAdapter<string, never, string>());
    const link: SyncLinkState[] = [];
    network.observeLink('replica').subscribe((l) => link.push(l));
    await microtasks();
    network.readInputsFromReplicas('source').subscribe();
    await microtasks();
    network.down();
    network.up();
    await microtasks();
    expect(link).toEqual(['no-source', 'connected', 'disconnected', 'connected']);
  });

  it('converges an InMemorySyncAdapter channel: every Input that is not lost reaches the Source in order', async () => {
    const network = createFaultyAdapter(new InMemorySyncAdapter<string, never, string>(), {
      seed: 11,
      inputs: { loss: 0.1, duplicate: 0.1, delayMs: [0, 5] },
    });
    const atSource: number[] = [];
    network.readInputsFromReplicas('source').subscribe((i) => atSource.push(i.seq));
    for (let seq = 1; seq <= 50; seq++) network.sendInputToSource(input('r', seq));
    while (network.stats().inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await microtasks();

    const { delivered } = network.stats().inputs;
    expect(atSource).toHaveLength(delivered);
    expect(isSorted(atSource)).toBe(true);
  });

  it('holds no timer once every subscription through it ended', () => {
    jest.useFakeTimers();
    const inner = fakeInner();
    const network = createFaultyAdapter(inner.adapter, {
      inputs: { delayMs: [100, 200] },
      states: { delayMs: [100, 200] },
    });
    const reader = network.readStateFromSource('replica').subscribe();
    const otherReader = network.readStateFromSource('spectator').subscribe();
    const link = network.observeLink('replica').subscribe();
    for (let n = 1; n <= 10; n++) {
      network.sendInputToSource(input('r', n));
      network.sendSynchronizedStateToReplicas(state(n));
    }
    expect(jest.getTimerCount()).toBe(30);

    reader.unsubscribe(); // its States in flight go with it
    expect(jest.getTimerCount()).toBe(20);
    otherReader.unsubscribe();
    link.unsubscribe(); // nobody is left: the Inputs in flight are dropped too
    expect(jest.getTimerCount()).toBe(0);
    expect(network.stats()).toMatchObject({
      inputs: { sent: 10, delivered: 0, lost: 10 },
      states: { sent: 20, delivered: 0, lost: 20 },
      inFlight: 0,
    });
  });

  it('counts an Input the inner adapter refuses as lost', async () => {
    const inner = fakeInner();
    const network = createFaultyAdapter({
      ...inner.adapter,
      sendInputToSource: (i) => (i.seq === 1 ? Promise.reject(new Error('offline')) : undefined),
    });
    network.sendInputToSource(input('r', 1));
    network.sendInputToSource(input('r', 2));
    await microtasks();
    expect(network.stats().inputs).toEqual({
      sent: 2,
      delivered: 1,
      lost: 1,
      duplicated: 0,
      inFlight: 0,
    });
  });

  describe('refuses what it cannot use, saying what to do', () => {
    const inner = fakeInner().adapter;
    it.each<[string, unknown, RegExp]>([
      [
        'a loss above 1',
        { inputs: { loss: 5 } },
        /inputs\.loss must be a probability between 0 and 1 .*got 5\.$/,
      ],
      [
        'a negative duplicate probability',
        { states: { duplicate: -0.1 } },
        /states\.duplicate must be a probability/,
      ],
      [
        'a NaN probability',
        { states: { loss: NaN } },
        /states\.loss must be a probability .*got NaN/,
      ],
      [
        'a negative delay',
        { inputs: { delayMs: -1 } },
        /inputs\.delayMs must be a number of milliseconds >= 0, or a \[min, max\] range/,
      ],
      ['a reversed range', { states: { delayMs: [5, 1] } }, /states\.delayMs .*got \[5,1\]/],
      [
        'an unknown option',
        { lossRate: 0.1 },
        /unknown option "lossRate"; the options are seed, inputs, states/,
      ],
      [
        'ordered on Inputs',
        { inputs: { ordered: false } },
        /unknown option "inputs\.ordered" \(Inputs always keep their order per sender/,
      ],
      ['a fractional seed', { seed: 1.5 }, /seed must be a whole number; got 1\.5/],
      [
        'a non-boolean ordered',
        { states: { ordered: 'yes' } },
        /states\.ordered must be true or false/,
      ],
    ])('%s', (_, options, message) => {
      expect(() => createFaultyAdapter(inner, options as FaultyAdapterOptions)).toThrow(
        new RegExp(`^ballast-sync: createFaultyAdapter\\(\\): ${message.source}`),
      );
    });

    it('an inner value that is not an adapter', () => {
      expect(() => createFaultyAdapter({} as SyncConnectionAdapter<never, never, never>)).toThrow(
        /^ballast-sync: createFaultyAdapter\(inner\) needs the SyncConnectionAdapter to wrap .*Pass e\.g\. new InMemorySyncAdapter\(\)\.$/,
      );
    });

    it('malformed envelopes and empty ids', () => {
      const network = createFaultyAdapter(inner);
      expect(() => network.sendInputToSource({ ...input('r', 1), incarnation: '' })).toThrow(
        /^ballast-sync: sendInputToSource\(\) needs a SyncedInput .*isSyncedInput\(\) says this one is malformed\.$/,
      );
      expect(() => network.sendSynchronizedStateToReplicas({ ...state(1), version: 0 })).toThrow(
        /^ballast-sync: sendSynchronizedStateToReplicas\(\) needs a SyncedState /,
      );
      expect(() => network.readStateFromSource('')).toThrow(
        /^ballast-sync: readStateFromSource\(id\) needs a non-empty client id/,
      );
      expect(() => network.observeLink('')).toThrow(/^ballast-sync: observeLink\(id\)/);
    });
  });
});
