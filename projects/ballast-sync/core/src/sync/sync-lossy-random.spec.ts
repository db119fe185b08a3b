/*
 * The sync guarantees over a lossy wire, for random scripts: Replicas and Spectators join, leave and
 * restart with the same clientId, the Source restarts or is taken over (each new Source continuing
 * from the previous one's snapshot: one lineage), and Inputs come from every role, while 5 % of
 * every message kind is lost, 5 % is duplicated and everything is delayed by 0–2 ms
 * (createFaultyAdapter from ballast-sync/testing).
 */
import fc from 'fast-check';
import { InMemorySyncAdapter, InMemorySyncTransport } from 'ballast-sync/core';
import { createFaultyAdapter, type FaultyAdapter } from 'ballast-sync/testing';
import {
  add,
  clearChannels,
  neverGoesBack,
  SyncTestChannel,
  waitUntil,
  type ListInput,
  type ListState,
  type Participant,
} from './sync-test-kit.spec-helper';

type Command =
  | { readonly kind: 'replica' }
  | { readonly kind: 'spectator' }
  /** The active Source goes away; a new one continues from its snapshot (same id: a restart). */
  | { readonly kind: 'takeover'; readonly sameId: boolean }
  | { readonly kind: 'restart'; readonly pick: number }
  | { readonly kind: 'leave'; readonly pick: number }
  /** `burst` Inputs in a row from one participant. */
  | {
      readonly kind: 'send';
      readonly from: 'source' | 'replica' | 'spectator';
      readonly pick: number;
      readonly burst: number;
    }
  | { readonly kind: 'wait'; readonly ms: number };

const pick = fc.nat(20);
const command: fc.Arbitrary<Command> = fc.oneof(
  { arbitrary: fc.constant({ kind: 'replica' } as const), weight: 3 },
  { arbitrary: fc.constant({ kind: 'spectator' } as const), weight: 1 },
  {
    arbitrary: fc.record({ kind: fc.constant('takeover' as const), sameId: fc.boolean() }),
    weight: 1,
  },
  { arbitrary: fc.record({ kind: fc.constant('restart' as const), pick }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('leave' as const), pick }), weight: 1 },
  {
    arbitrary: fc.record({
      kind: fc.constant('send' as const),
      from: fc.constantFrom(
        'source' as const,
        'replica' as const,
        'replica' as const,
        'spectator' as const,
      ),
      pick,
      burst: fc.integer({ min: 1, max: 5 }),
    }),
    weight: 8,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('wait' as const),
      ms: fc.integer({ min: 0, max: 4 }),
    }),
    weight: 3,
  },
);
const script = fc.array(command, { minLength: 1, maxLength: 30 });

const retransmit = { intervalMs: 2, maxIntervalMs: 16 };
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function check(commands: readonly Command[], seed: number): Promise<void> {
  const network: FaultyAdapter<ListInput, never, ListState> = createFaultyAdapter(
    new InMemorySyncAdapter<ListInput, never, ListState>(),
    {
      seed,
      inputs: { loss: 0.05, duplicate: 0.05, delayMs: [0, 2] },
      states: { loss: 0.05, duplicate: 0.05, delayMs: [0, 2] },
    },
  );
  const channel = new SyncTestChannel(network);
  const sent = new Map<Participant, string[]>();
  const owner = new Map<string, Participant>();
  let lineage = [channel.source({ retransmit, name: 'source-1' })];
  let count = 0;
  const live = (role: Participant['role']) => channel.live().filter((p) => p.role === role);
  const nth = <T>(list: readonly T[], n: number) => list[n % list.length];

  for (const c of commands) {
    switch (c.kind) {
      case 'replica':
        channel.replica({ retransmit });
        break;
      case 'spectator':
        channel.spectator({ retransmit });
        break;
      case 'takeover': {
        const previous = lineage[lineage.length - 1] as Participant;
        const snapshot = previous.connection.snapshot();
        previous.vm.clear();
        const clientId = c.sameId ? previous.clientId : `source-${lineage.length + 1}`;
        lineage = [...lineage, channel.source({ retransmit, clientId, resumeFrom: snapshot })];
        break;
      }
      case 'restart':
      case 'leave': {
        const replica = nth(live('replica'), c.pick);
        if (!replica) break;
        replica.vm.clear();
        if (c.kind === 'restart') channel.replica({ retransmit, clientId: replica.clientId });
        break;
      }
      case 'send': {
        const from = nth(c.from === 'source' ? live('source') : live(c.from), c.pick);
        if (!from) break;
        for (let i = 0; i < c.burst; i++) {
          const id = `${from.name}#${++count}`;
          owner.set(id, from);
          sent.set(from, [...(sent.get(from) ?? []), id]);
          from.send(add(id));
        }
        break;
      }
      case 'wait':
        await sleep(c.ms);
        break;
    }
  }

  const source = lineage[lineage.length - 1] as Participant;
  const sentBy = (p: Participant) => sent.get(p) ?? [];
  const acknowledged = (p: Participant) =>
    Math.max(0, ...p.syncOf('InputsAcknowledged').map((n) => n.upToSeq));
  const following = (p: Participant) => {
    const last = p.syncOf('StateApplied').at(-1)?.state;
    return last?.incarnation === source.incarnation && sameIds(last.state.applied, source.ids());
  };
  const converged = () =>
    live('replica').every(
      (r) => following(r) && acknowledged(r) === sentBy(r).length && sameIds(r.ids(), source.ids()),
    ) && live('spectator').every(following);
  await waitUntil(converged, 10_000, `convergence (seed ${seed})`);

  const ids = source.ids();
  const idsOf = (p: Participant) => ids.filter((id) => owner.get(id) === p);
  // Applied at most once, and only Inputs of the lineage's Sources and of Replicas.
  expect(new Set(ids).size).toBe(ids.length);
  expect(ids.filter((id) => owner.get(id)?.role === 'spectator')).toEqual([]);
  // Exactly once along the lineage: every Source's own Inputs, every Input of a live Replica,
  // and every Input a Replica that left had seen acknowledged.
  for (const s of lineage) expect(idsOf(s)).toEqual(sentBy(s));
  for (const replica of channel.participants.filter((p) => p.role === 'replica')) {
    if (replica.alive) expect(idsOf(replica)).toEqual(sentBy(replica));
    else {
      const mustHave = sentBy(replica).slice(0, acknowledged(replica));
      expect(idsOf(replica).slice(0, mustHave.length)).toEqual(mustHave);
      // Whatever else of it arrived is in its order (a suffix it sent while leaving may be lost).
      expect(sentBy(replica).slice(0, idsOf(replica).length)).toEqual(idsOf(replica));
    }
    if (replica.alive) expect(replica.status).toBe('connected');
    // It rebased its unacknowledged Inputs on every Source State: nothing it showed went back.
    expect(neverGoesBack(replica.stateHistory())).toBe(true);
  }
  for (const spectator of live('spectator')) expect(spectator.status).toBe('connected');
  losses += network.stats().inputs.lost + network.stats().states.lost;
}

/** Messages lost over all runs: the property is only meaningful if the wire really lost some. */
let losses = 0;

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

afterEach(clearChannels);

describe('over a lossy wire (5 % loss and 5 % duplicates of every message kind)', () => {
  it('5 Replicas × 200 Inputs: all 1 000 are applied exactly once, and everybody converges', async () => {
    const network = createFaultyAdapter(new InMemorySyncAdapter<ListInput, never, ListState>(), {
      seed: 2026,
      inputs: { loss: 0.05, duplicate: 0.05, delayMs: [0, 2] },
      states: { loss: 0.05, duplicate: 0.05, delayMs: [0, 2] },
    });
    const channel = new SyncTestChannel(network);
    const source = channel.source({ retransmit });
    const replicas = Array.from({ length: 5 }, () => channel.replica({ retransmit }));
    const spectator = channel.spectator({ retransmit });
    for (let i = 0; i < 200; i++) {
      replicas.forEach((replica, r) => replica.send(add(`r${r}-${i}`)));
      if (i % 20 === 0) await sleep(1);
    }
    const done = () =>
      replicas.every(
        (r) =>
          r.syncOf('InputsAcknowledged').at(-1)?.upToSeq === 200 && sameIds(r.ids(), source.ids()),
      ) && sameIds(spectator.ids(), source.ids());
    await waitUntil(done, 20_000, 'every Input acknowledged and every participant equal');

    const ids = source.ids();
    expect(ids).toHaveLength(1000);
    for (const replica of replicas) expect(neverGoesBack(replica.stateHistory())).toBe(true);
    expect(new Set(ids).size).toBe(1000);
    replicas.forEach((_, r) => {
      const own = ids.filter((id) => id.startsWith(`r${r}-`));
      expect(own).toEqual(Array.from({ length: 200 }, (_, i) => `r${r}-${i}`));
    });
    const stats = network.stats();
    expect(stats.inputs.lost).toBeGreaterThan(10); // the wire really was lossy
    expect(stats.states.lost).toBeGreaterThan(0); // States are fewer: changes coalesce
    expect(stats.inputs.duplicated).toBeGreaterThan(10);
    expect(replicas.some((r) => r.syncOf('AcknowledgementOverdue').length > 0)).toBe(true);
  }, 30_000);
});

describe('randomized, over a lossy wire (5 % loss and 5 % duplicates of every message kind)', () => {
  it('every accepted Input is applied exactly once along the Source lineage, and every participant converges', async () => {
    await fc.assert(
      fc.asyncProperty(script, fc.integer({ min: 1, max: 2 ** 31 - 1 }), async (commands, seed) => {
        try {
          await check(commands, seed);
        } finally {
          clearChannels();
        }
      }),
      { numRuns: 200 },
    );
    expect(losses).toBeGreaterThan(50);
  }, 120_000);
});

type ElectedCommand =
  | { readonly kind: 'join' }
  | { readonly kind: 'leave'; readonly pick: number }
  | { readonly kind: 'send'; readonly pick: number; readonly burst: number }
  | { readonly kind: 'wait'; readonly ms: number };

const electedScript = fc.array(
  fc.oneof(
    { arbitrary: fc.constant({ kind: 'join' } as const), weight: 2 },
    { arbitrary: fc.record({ kind: fc.constant('leave' as const), pick }), weight: 2 },
    {
      arbitrary: fc.record({
        kind: fc.constant('send' as const),
        pick,
        burst: fc.integer({ min: 1, max: 4 }),
      }),
      weight: 6,
    },
    {
      arbitrary: fc.record({
        kind: fc.constant('wait' as const),
        ms: fc.integer({ min: 0, max: 4 }),
      }),
      weight: 3,
    },
  ),
  { minLength: 1, maxLength: 25 },
);

async function checkElected(commands: readonly ElectedCommand[], seed: number): Promise<void> {
  const transport = new InMemorySyncTransport();
  const faults = { loss: 0.05, duplicate: 0.05, delayMs: [0, 2] as const };
  const network = createFaultyAdapter(transport.adapterFor<ListInput, never, ListState>('list'), {
    seed,
    inputs: faults,
    states: faults,
  });
  const channel = new SyncTestChannel(network);
  let count = 0;
  const join = () =>
    channel.add('elected', {
      name: `e${++count}`,
      retransmit,
      election: transport.electionFor('list'),
      snapshots: transport.snapshotStoreFor<ListState>('list'),
    });
  const sent = new Map<Participant, string[]>();
  join();
  join();
  for (const c of commands) {
    const live = channel.live();
    switch (c.kind) {
      case 'join':
        join();
        break;
      case 'leave':
        // Keep one standing, so that the channel has a Source at the end.
        if (live.length > 1) live[c.pick % live.length]?.vm.clear();
        break;
      case 'send': {
        const from = live[c.pick % live.length] as Participant;
        for (let i = 0; i < c.burst; i++) {
          const id = `${from.name}#${i}-${++count}`;
          sent.set(from, [...(sent.get(from) ?? []), id]);
          from.send(add(id));
        }
        break;
      }
      case 'wait':
        await sleep(c.ms);
        break;
    }
  }
  const leader = () => channel.live().find((p) => p.activeRole === 'source');
  const converged = () => {
    const source = leader();
    if (!source || source.status !== 'connected') return false;
    const ids = source.ids();
    return channel
      .live()
      .every((p) => sameIds(p.ids(), ids) && (sent.get(p) ?? []).every((id) => ids.includes(id)));
  };
  await waitUntil(converged, 10_000, `convergence of the elected channel (seed ${seed})`);

  const source = leader() as Participant;
  const ids = source.ids();
  expect(new Set(ids).size).toBe(ids.length); // nothing applied twice
  expect(channel.live().filter((p) => p.activeRole === 'source')).toHaveLength(1);
  for (const p of channel.participants) {
    const own = ids.filter((id) => id.startsWith(`${p.name}#`));
    // In the order sent (a participant that left may have lost what no Source acknowledged).
    expect(own).toEqual((sent.get(p) ?? []).filter((id) => own.includes(id)));
    if (p.alive) expect(own).toEqual(sent.get(p) ?? []);
    if (p.alive) expect(neverGoesBack(p.stateHistory())).toBe(true);
  }
}

describe('randomized elected failover over a lossy wire', () => {
  it('whoever is elected continues from the latest State: every Input of a participant still there is applied exactly once', async () => {
    await fc.assert(
      fc.asyncProperty(
        electedScript,
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        async (commands, seed) => {
          try {
            await checkElected(commands, seed);
          } finally {
            clearChannels();
          }
        },
      ),
      { numRuns: 100 },
    );
  }, 120_000);
});
