import { diffStates, SYNC_PROTOCOL_VERSION, type SyncedState } from 'ballast-sync/core';
import fc from 'fast-check';
import { Subscriber } from 'rxjs';
import { ChannelFollowers } from './channel-followers';
import type { DeltaFrame } from './web-socket-frames';

interface Todo {
  readonly id: string;
  readonly title: string;
  readonly done: boolean;
}
interface State {
  readonly todos: readonly Todo[];
  readonly filter: string;
}

const spliced = <T>(list: readonly T[], at: number, remove: number, ...add: T[]): T[] => {
  const copy = list.slice();
  copy.splice(at, remove, ...add);
  return copy;
};

/** One immutable edit of the Source's State, steered by a number. */
function edit(state: State, seed: number, version: number): State {
  const todos = state.todos;
  const i = todos.length ? seed % todos.length : 0;
  switch (seed % 6) {
    case 0:
      return {
        ...state,
        todos: spliced(todos, i, 0, { id: `n${version}`, title: 'New', done: false }),
      };
    case 1:
      return { ...state, todos: spliced(todos, i, 1) };
    case 2: {
      if (todos.length < 2) return state;
      const moved = spliced(todos, i, 1);
      return { ...state, todos: spliced(moved, seed % moved.length, 0, todos[i] as Todo) };
    }
    case 3:
      return todos.length
        ? {
            ...state,
            todos: spliced(todos, i, 1, { ...(todos[i] as Todo), done: !todos[i]?.done }),
          }
        : state;
    case 4:
      return { ...state, filter: `f${seed % 3}` };
    default:
      return todos.length
        ? { ...state, todos: spliced(todos, i, 1, { ...(todos[i] as Todo), title: `T${seed}` }) }
        : state;
  }
}

type Message =
  | { readonly kind: 'delta'; readonly frame: DeltaFrame }
  | { readonly kind: 'state'; readonly state: SyncedState<State> };

const envelope = (incarnation: string, version: number, state: State): SyncedState<State> => ({
  protocol: SYNC_PROTOCOL_VERSION,
  sourceId: 'source',
  incarnation,
  version,
  state,
  acks: {},
});

/** What the Source publishes: every version, with a snapshot and a delta from the version before. */
function publish(seeds: readonly number[], restartAt: number) {
  let state: State = {
    todos: Array.from({ length: 8 }, (_, i) => ({ id: `t${i}`, title: `Todo ${i}`, done: false })),
    filter: 'all',
  };
  const versions: SyncedState<State>[] = [];
  const messages: Message[][] = [];
  let incarnation = 'i1';
  let version = 0;
  seeds.forEach((seed, n) => {
    const previous = versions[versions.length - 1];
    if (n === restartAt) {
      incarnation = 'i2'; // a new Source incarnation continues from the State: versions restart
      version = 0;
    }
    state = edit(state, seed, n);
    const published = envelope(incarnation, ++version, state);
    versions.push(published);
    const sent: Message[] = [{ kind: 'state', state: published }];
    if (previous && previous.incarnation === incarnation) {
      const { state: _state, ...to } = published;
      sent.push({
        kind: 'delta',
        frame: {
          type: 'delta',
          channel: 'todos',
          from: { incarnation, version: previous.version },
          to,
          ops: JSON.parse(JSON.stringify(diffStates(previous.state, state))),
        },
      });
    }
    messages.push(sent);
  });
  return { versions, messages };
}

/** A delta whose operations do not fit (a wrong index, an unknown op, a missing field). */
function corrupt(frame: DeltaFrame, how: number): DeltaFrame {
  const ops = [...frame.ops];
  if (how % 3 === 0) ops.push({ op: 'replace', path: '/todos/9999/done', value: true });
  else if (how % 3 === 1) ops.unshift({ op: 'remove', path: '/nothing' });
  else ops.push({ op: 'explode', path: '/filter' } as never);
  return { ...frame, ops };
}

describe('ChannelFollowers with deltas', () => {
  it('a lossy, repeated, reordered stream of deltas and snapshots never corrupts the State, and ends equal to the Source', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(1000), { minLength: 1, maxLength: 40 }),
        fc.nat(50),
        fc.array(fc.nat(99), { minLength: 200, maxLength: 200 }),
        (seeds, restartAt, dice) => {
          const { versions, messages } = publish(seeds, restartAt);
          const followers = new ChannelFollowers();
          const received: SyncedState<unknown>[] = [];
          const reader = new Subscriber<SyncedState<unknown>>({
            next: (s) => void received.push(s),
            error: () => undefined,
            complete: () => undefined,
          });
          followers.participants.set('r1', { role: 'replica', readers: new Map(), joined: 'yes' });
          followers.addReader(followers.participants.get('r1')!, reader);
          let roll = 0;
          const die = () => dice[roll++ % dice.length] as number;
          let asked = false;
          const deliver = (message: Message) => {
            if (message.kind === 'state') {
              followers.fanOut(message.state);
              asked = false;
            } else if (followers.receiveDelta(message.frame) === 'gap') asked = true;
            const latest = followers.latest as SyncedState<State>;
            if (!latest) return;
            // Never corrupted: whatever it holds is exactly what the Source published as that version.
            const published = versions.find(
              (v) => v.incarnation === latest.incarnation && v.version === latest.version,
            );
            expect(latest.state).toEqual(published?.state);
          };
          // The server sends the first State on join, then a delta (or a snapshot) per version.
          const inFlight: Message[] = [];
          const lastIndex = messages.length - 1;
          messages.slice(0, lastIndex).forEach((sent, n) => {
            const delta = sent.find(
              (m): m is Extract<Message, { kind: 'delta' }> => m.kind === 'delta',
            );
            const snapshot = sent[0] as Message;
            const roll = die();
            if (n === 0 || !delta || roll < 10) inFlight.push(snapshot);
            else if (roll < 20) inFlight.push({ kind: 'delta', frame: corrupt(delta.frame, roll) });
            else if (roll < 35)
              inFlight.push(delta, delta); // repeated
            else if (roll >= 50) inFlight.push(delta); // else lost
            // Reordering: any message in flight may be delivered now, not only the oldest.
            while (inFlight.length > 0 && die() < 60)
              deliver(inFlight.splice(die() % inFlight.length, 1)[0] as Message);
            // The server answers a resync with the State it has then.
            if (asked && die() < 30)
              deliver({ kind: 'state', state: versions[n] as SyncedState<State> });
          });
          inFlight.forEach(deliver);
          // The last publication arrives intact: a follower that cannot apply it has asked for a
          // snapshot (a gap is never silent), and the snapshot brings it to the Source's State.
          const last = versions[lastIndex] as SyncedState<State>;
          (messages[lastIndex] as Message[]).slice(-1).forEach(deliver);
          const atLast = () =>
            followers.latest?.incarnation === last.incarnation &&
            followers.latest.version === last.version;
          if (!atLast()) {
            expect(asked).toBe(true);
            deliver({ kind: 'state', state: last });
          }
          expect(followers.latest?.state).toEqual(last.state);
          expect(received[received.length - 1]?.state).toEqual(last.state);
        },
      ),
      { numRuns: 300 },
    );
  }, 30_000);

  it('applies a delta only to the exact State it was computed from', () => {
    const followers = new ChannelFollowers();
    const one = envelope('i1', 1, { todos: [], filter: 'all' });
    const two = envelope('i1', 2, { todos: [], filter: 'done' });
    const { state: _state, ...to } = two;
    const frame: DeltaFrame = {
      type: 'delta',
      channel: 'todos',
      from: { incarnation: 'i1', version: 1 },
      to,
      ops: diffStates(one.state, two.state),
    };
    expect(followers.receiveDelta(frame)).toBe('gap'); // nothing held yet
    followers.fanOut(envelope('i0', 1, { todos: [], filter: 'x' }));
    expect(followers.receiveDelta(frame)).toBe('gap'); // another Source incarnation
    followers.fanOut(one);
    expect(followers.receiveDelta({ ...frame, from: { incarnation: 'i1', version: 0 } })).toBe(
      'gap',
    );
    expect(followers.receiveDelta(frame)).toBe('applied');
    expect(followers.latest).toEqual(two);
    expect(followers.receiveDelta(frame)).toBe('stale'); // a repeat
  });
});
