import { fifo, InMemorySyncAdapter, lifo, parallel } from 'ballast-sync/core';
import * as fc from 'fast-check';
import {
  add,
  addLater,
  clearChannels,
  macrotask,
  SyncTestChannel,
  withLatentStates,
  type ListInput,
  type ListState,
  type Participant,
} from './sync-test-kit.spec-helper';

/*
 * Random sequences of participants joining, leaving, taking over and sending Inputs; after the
 * channel settles, the guarantees of ARCHITECTURE §4 must hold. What is (and is not) guaranteed:
 * - the active Source's State holds no id twice, and every one of its own Inputs once, in order;
 * - a live Replica ends equal to the active Source, which holds every one of the Replica's Inputs
 *   that no earlier Source acknowledged, once, in the Replica's order: in particular every Input
 *   sent after the active Source was created, or before any Source existed when it is the first.
 *   Inputs an earlier Source acknowledged stay with that Source: they are not re-sent. (With
 *   latency one of them can still reach the new Source: re-sent on meeting the earlier Source
 *   while the new one was already active, before the acknowledgement came back.)
 * - a Replica cleared before the end: its Inputs appear at most once, in order;
 * - a Spectator's and a superseded Source's own Inputs never reach the active Source;
 * - a live Spectator ends with the active Source's State followed only by those of its own Inputs
 *   that completed after it (a local change lasts until the next Source State), so it equals the
 *   Source when it sent nothing.
 * The Source runs fifo(): under lifo() it would cancel, and so legitimately lose, Replicas' Inputs.
 */

const STRATEGIES = { fifo, lifo, parallel } as const;
type Strategy = keyof typeof STRATEGIES;

type Role = 'source' | 'replica' | 'spectator';
type Command =
  | { readonly kind: 'replica' | 'spectator'; readonly strategy: Strategy }
  | { readonly kind: 'source' }
  | { readonly kind: 'clear'; readonly pick: number }
  /** Sends from the `pick`-th live participant of role `from`. */
  | { readonly kind: 'send'; readonly from: Role; readonly pick: number; readonly later: boolean }
  | { readonly kind: 'tick' };

const strategy = fc.constantFrom<Strategy>('fifo', 'lifo', 'parallel');
const pick = fc.nat({ max: 20 });
const from = fc.constantFrom<Role>('replica', 'replica', 'replica', 'source', 'spectator');
const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constantFrom('replica' as const), strategy }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('spectator' as const), strategy }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'source' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('clear' as const), pick }) },
  {
    weight: 10,
    arbitrary: fc.record({
      kind: fc.constantFrom('send' as const),
      from,
      pick,
      later: fc.boolean(),
    }),
  },
  { weight: 5, arbitrary: fc.constant({ kind: 'tick' as const }) },
);
const commands = fc.array(command, { minLength: 1, maxLength: 60, size: 'medium' });

/** Runs the commands on a fresh channel, lets it settle, and checks every guarantee. */
async function check(script: readonly Command[], statesWithLatency: boolean): Promise<void> {
  const inner = new InMemorySyncAdapter<ListInput, never, ListState>();
  // Latency on States only (3 ms, order kept), as over a network: acknowledgements arrive late.
  const adapter = statesWithLatency ? withLatentStates(inner, 3) : inner;
  const channel = new SyncTestChannel(adapter);
  const sent = new Map<Participant, string[]>();
  const owner = new Map<string, Participant>();
  let count = 0;
  for (const c of script) {
    const live = channel.live();
    switch (c.kind) {
      case 'replica':
      case 'spectator':
        channel.add(c.kind, { inputStrategy: STRATEGIES[c.strategy]() });
        break;
      case 'source':
        channel.source({ inputStrategy: fifo() });
        break;
      case 'clear':
        live[c.pick % live.length]?.vm.clear();
        break;
      case 'send': {
        const candidates = live.filter((p) => p.role === c.from);
        const to = candidates[c.pick % candidates.length];
        if (!to) break;
        const id = `${to.name}#${++count}`;
        sent.set(to, [...(sent.get(to) ?? []), id]);
        owner.set(id, to);
        to.send(c.later ? addLater(id) : add(id));
        break;
      }
      case 'tick':
        await macrotask();
    }
  }
  await channel.settle();

  const sentBy = (p: Participant) => sent.get(p) ?? [];
  const sources = channel.live().filter((p) => p.role === 'source');
  const source = channel.activeSource();
  for (const other of sources.filter((p) => p !== source)) {
    expect(other.status).toBe('superseded');
    expect(other.logs.filter((l) => l.level === 'warn')).toHaveLength(1);
  }
  if (!source) return; // nothing to converge on
  const ids = source.ids();
  const idsOf = (p: Participant) => ids.filter((id) => owner.get(id) === p);

  expect(new Set(ids).size).toBe(ids.length);
  expect(idsOf(source)).toEqual(sentBy(source));
  const strangers = ids.filter(
    (id) => owner.get(id) !== source && owner.get(id)?.role !== 'replica',
  );
  expect(strangers).toEqual([]); // no Spectator's, no other Source's

  for (const replica of channel.participants.filter((p) => p.role === 'replica')) {
    if (!replica.alive) {
      expect(sentBy(replica).filter((id) => idsOf(replica).includes(id))).toEqual(idsOf(replica));
      continue;
    }
    // The Source holds a suffix of the Replica's Inputs, which includes every one that no
    // earlier Source acknowledged. (One an earlier Source acknowledged can be there too: re-sent
    // on meeting that Source while the new one was already active, its acknowledgement late.)
    const held = idsOf(replica);
    const skipped = sentBy(replica).length - held.length;
    expect(held).toEqual(sentBy(replica).slice(skipped));
    const acknowledgedElsewhere = acknowledgedByEarlierSources(replica, source.clientId);
    if (statesWithLatency) expect(skipped).toBeLessThanOrEqual(acknowledgedElsewhere);
    else expect(skipped).toBe(acknowledgedElsewhere);
    expect(replica.ids()).toEqual(ids);
    expect(replica.status).toBe('connected');
  }
  for (const spectator of channel.live().filter((p) => p.role === 'spectator')) {
    expect(spectator.syncOf('StateApplied').at(-1)?.state.state.applied).toEqual(ids);
    const own = spectator.ids().slice(ids.length);
    expect(spectator.ids().slice(0, ids.length)).toEqual(ids);
    expect(own.every((id) => owner.get(id) === spectator)).toBe(true);
    expect(new Set(own).size).toBe(own.length);
    if (sentBy(spectator).length === 0) expect(spectator.ids()).toEqual(ids);
    expect(spectator.status).toBe('connected');
  }
}

/** How many of the Replica's first Inputs a Source other than `sourceId` acknowledged. */
function acknowledgedByEarlierSources(replica: Participant, sourceId: string): number {
  let following: string | undefined;
  let acknowledged = 0;
  for (const n of replica.sync) {
    if (n.type === 'SourceChanged') following = n.sourceId;
    if (n.type === 'InputsAcknowledged' && following !== sourceId)
      acknowledged = Math.max(acknowledged, n.upToSeq);
  }
  return acknowledged;
}

/**
 * Found by this test (shrunk): the second Source received r#2 saying "r#1 is unacknowledged",
 * then the first Source's acknowledgement of r#1 reached the Replica; the second Source waited
 * for r#1 forever and r#2 was never processed. Fixed in SourceSession (skipSettled).
 */
const STALE_FIRST_UNACKNOWLEDGED: Command[] = [
  { kind: 'source' },
  { kind: 'replica', strategy: 'fifo' },
  { kind: 'send', from: 'replica', pick: 0, later: false },
  { kind: 'tick' },
  { kind: 'source' },
  { kind: 'send', from: 'replica', pick: 0, later: false },
];

afterEach(clearChannels);

describe('randomized: the sync guarantees hold for any sequence of joins, leaves, take-overs and Inputs', () => {
  it('with the in-memory adapter', async () => {
    await fc.assert(
      fc.asyncProperty(commands, async (script) => {
        try {
          await check(script, false);
        } finally {
          clearChannels();
        }
      }),
      { numRuns: 100 },
    );
  }, 30_000);

  it('with States arriving 3 ms late (acknowledgements in flight during take-overs)', async () => {
    await fc.assert(
      fc.asyncProperty(commands, async (script) => {
        try {
          await check(script, true);
        } finally {
          clearChannels();
        }
      }),
      { numRuns: 100, examples: [[STALE_FIRST_UNACKNOWLEDGED]] },
    );
  }, 30_000);
});
