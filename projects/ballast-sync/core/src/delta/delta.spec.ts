import fc from 'fast-check';
import { applyDelta } from './apply-delta';
import { diffStates } from './diff-states';
import { plainDataProblem } from './plain-data-problem';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
interface Todo {
  readonly id: string;
  readonly title: string;
  readonly done: boolean;
}

const json: fc.Arbitrary<Json> = fc.letrec<{ value: Json }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom<Json>(null, true, false, 0, 1, '', 'x'),
    fc.integer(),
    fc.string({ maxLength: 6 }),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd/e', 'f~g', 'id'), tie('value'), {
      maxKeys: 5,
    }),
  ),
})).value;

/**
 * One random immutable edit, steered by `seeds`: walks down (copying only the path), then
 * replaces, adds, removes or moves something there. Returns the new value; `value` is untouched.
 */
function edit(value: Json, seeds: readonly number[], fresh: Json, depth = 0): Json {
  const seed = seeds[depth % seeds.length] ?? 0;
  const descend = depth < seeds.length - 1 && seed % 3 !== 0;
  if (Array.isArray(value)) {
    const copy = value.slice();
    if (descend && copy.length > 0) {
      const i = seed % copy.length;
      copy[i] = edit(copy[i] as Json, seeds, fresh, depth + 1);
      return copy;
    }
    switch (seed % 4) {
      case 0:
        copy.splice(seed % (copy.length + 1), 0, fresh);
        return copy;
      case 1:
        if (copy.length) copy.splice(seed % copy.length, 1);
        return copy;
      case 2:
        if (copy.length > 1) copy.splice(seed % copy.length, 0, ...copy.splice(0, 1));
        return copy;
      default:
        return fresh;
    }
  }
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    if (descend && keys.length > 0) {
      const key = keys[seed % keys.length] as string;
      return { ...value, [key]: edit(value[key] as Json, seeds, fresh, depth + 1) };
    }
    switch (seed % 3) {
      case 0:
        return { ...value, [`k${seed % 5}`]: fresh };
      case 1: {
        if (!keys.length) return value;
        const { [keys[seed % keys.length] as string]: _gone, ...rest } = value;
        return rest;
      }
      default:
        return fresh;
    }
  }
  return fresh;
}

/** Every subtree of `next` that is the same reference at the same path in `previous` must also be it in `result`. */
function expectSharedWhereUnchanged(result: unknown, previous: unknown, next: unknown): void {
  if (next === previous) {
    expect(result).toBe(previous);
    return;
  }
  if (
    typeof next !== 'object' ||
    next === null ||
    typeof previous !== 'object' ||
    previous === null
  )
    return;
  if (Array.isArray(next) !== Array.isArray(previous)) return;
  for (const key of Object.keys(next)) {
    if (Object.hasOwn(previous, key))
      expectSharedWhereUnchanged(
        (result as Record<string, unknown>)[key],
        (previous as Record<string, unknown>)[key],
        (next as Record<string, unknown>)[key],
      );
  }
}

const todos = (n: number): Todo[] =>
  Array.from({ length: n }, (_, i) => ({ id: `t${i}`, title: `Todo ${i}`, done: false }));

describe('diffStates / applyDelta', () => {
  it('applying the delta of random immutable edits gives the new State, sharing what did not change', () => {
    fc.assert(
      fc.property(
        json,
        fc.array(fc.tuple(fc.array(fc.nat(), { minLength: 1, maxLength: 5 }), json), {
          minLength: 1,
          maxLength: 4,
        }),
        (start, edits) => {
          const next = edits.reduce((state, [seeds, fresh]) => edit(state, seeds, fresh), start);
          const frozen = JSON.stringify(start);
          const ops = diffStates(start, next);
          const result = applyDelta(start, ops);
          expect(result).toEqual(next);
          expect(JSON.stringify(start)).toBe(frozen); // the old State is never modified
          expectSharedWhereUnchanged(result, start, next);
          // And through the wire: the operations survive JSON.
          expect(applyDelta(start, JSON.parse(JSON.stringify(ops)))).toEqual(next);
        },
      ),
      { numRuns: 300 },
    );
  }, 30_000);

  it('keyed lists: random inserts, removals, moves and edits of records stay small and correct', () => {
    const list = fc
      .uniqueArray(fc.integer({ min: 0, max: 60 }), { maxLength: 30 })
      .map((ids) => ids.map((id) => ({ id: `t${id}`, title: `Todo ${id}`, done: false })));
    fc.assert(
      fc.property(list, list, fc.array(fc.nat(), { maxLength: 10 }), (before, after, touched) => {
        // Records of `after` that exist in `before` are the same object unless touched.
        const byId = new Map(before.map((t) => [t.id, t]));
        const next = after.map((t, i) => {
          const old = byId.get(t.id);
          if (!old) return t;
          return touched.includes(i) ? { ...old, done: !old.done } : old;
        });
        const state = { todos: before };
        const result = applyDelta(state, diffStates(state, { todos: next }));
        expect(result.todos).toEqual(next);
        result.todos.forEach((todo, i) => {
          if (byId.get(todo.id) === next[i]) expect(todo).toBe(next[i]);
        });
      }),
      { numRuns: 300 },
    );
  }, 30_000);

  it('one operation for an insert, a removal and a move in a list of 1000 records', () => {
    const list = todos(1000);
    const state = { todos: list, filter: 'all' };
    const inserted = { id: 'new', title: 'New', done: false };
    expect(
      diffStates(state, { ...state, todos: [...list.slice(0, 500), inserted, ...list.slice(500)] }),
    ).toEqual([{ op: 'add', path: '/todos/500', value: inserted }]);
    expect(diffStates(state, { ...state, todos: list.filter((_, i) => i !== 400) })).toEqual([
      { op: 'remove', path: '/todos/400' },
    ]);
    const moved = list.slice();
    moved.splice(900, 0, ...moved.splice(10, 1));
    expect(diffStates(state, { ...state, todos: moved })).toEqual([
      { op: 'move', from: '/todos/10', path: '/todos/900' },
    ]);
    const toggled = list.slice();
    toggled[3] = { ...(list[3] as Todo), done: true };
    expect(diffStates(state, { ...state, todos: toggled })).toEqual([
      { op: 'replace', path: '/todos/3/done', value: true },
    ]);
    expect(diffStates(state, state)).toEqual([]);
  });

  it('escapes keys as JSON Pointers and treats undefined properties as absent', () => {
    const ops = diffStates(
      { 'a/b': 1, 'c~d': 2, gone: 3 },
      { 'a/b': 2, 'c~d': 2, gone: undefined },
    );
    expect(ops).toEqual([
      { op: 'remove', path: '/gone' },
      { op: 'replace', path: '/a~1b', value: 2 },
    ]);
  });

  it('refuses operations that do not fit, leaving the State as it was', () => {
    const state = { todos: todos(3) };
    const copy = JSON.parse(JSON.stringify(state));
    expect(() =>
      applyDelta(state, [{ op: 'replace', path: '/todos/9/done', value: true }]),
    ).toThrow(/^ballast-sync: applyDelta: the operations do not fit this State/);
    expect(() =>
      applyDelta(state, [
        { op: 'replace', path: '/todos/0/done', value: true },
        { op: 'remove', path: '/nothing/here' },
      ]),
    ).toThrow(/ask for a full State/);
    expect(state).toEqual(copy);
    expect(() => applyDelta(state, [{ op: 'add', path: '/__proto__/x', value: 1 }])).toThrow();
  });
});

describe('plainDataProblem', () => {
  class Point {
    constructor(readonly x: number) {}
  }
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic['self'] = cyclic;
  it.each([
    [{ todos: [{}, {}, { due: new Date() }] }, 'state.todos[2].due: a Date'],
    [{ f: () => 1 }, 'state.f: a function'],
    [{ p: new Point(1) }, 'state.p: an instance of Point'],
    [{ m: new Map() }, 'state.m: a Map'],
    [{ s: new Set() }, 'state.s: a Set'],
    [{ n: 1n }, 'state.n: a BigInt'],
    [{ list: [1, undefined] }, 'state.list[1]: undefined'],
    [{ list: [1, , 3] }, 'state.list[1]: a hole'],
    [{ x: NaN }, 'state.x: NaN'],
    [{ 'odd key': { y: Infinity } }, 'state["odd key"].y: Infinity'],
    [cyclic, 'state.self: a cycle'],
  ])('names the path of %p', (value, message) => {
    expect(plainDataProblem(value)).toMatch(new RegExp(`^${escape(message)}`));
  });

  it('accepts plain data, null prototypes, shared subtrees and undefined properties', () => {
    const shared = { a: [1, 'x', null, true] };
    expect(plainDataProblem({ one: shared, two: shared, maybe: undefined })).toBeUndefined();
    expect(plainDataProblem(Object.assign(Object.create(null), { a: 1 }))).toBeUndefined();
  });

  it('walks only what changed since an earlier State', () => {
    const previous = { big: todos(5), other: { x: 1 } };
    const sneaky = { ...previous, other: { x: 2 } };
    (previous.big as unknown[]).push(new Date()); // not walked again: same reference
    expect(plainDataProblem(sneaky, previous)).toBeUndefined();
    expect(plainDataProblem({ ...sneaky, other: { x: new Set() } }, previous)).toBe(
      'state.other.x: a Set (send an array instead)',
    );
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
