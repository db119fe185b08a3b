import { pointerSegment, type DeltaOperation } from './delta-operation';

/*
 * Why this is written by hand: JSON Patch libraries (fast-json-patch's `compare`, jsondiffpatch)
 * compare two documents deeply, so their cost grows with the State's size even when one field
 * changed. A Ballast State is updated immutably: an unchanged subtree is the *same reference* in
 * the previous and the next State. No library uses that, so this walk does: it descends only where
 * references differ, and its cost is proportional to what changed (plus one reference comparison
 * per element of the arrays on the changed path). The output is standard RFC 6902, applied by a
 * library (see apply-delta.ts).
 */

type Obj = Record<string, unknown>;

const isObject = (value: unknown): value is Obj =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The RFC 6902 JSON Patch operations that turn `previous` into `next`, for plain-data States
 * updated immutably (unchanged subtrees are the same reference, and are not visited). Arrays of
 * records with unique `id`s (`{ id: 'a', … }`) are matched by id, so inserting, removing or moving
 * one record is one operation (plus the changes inside records), not a rewrite of every later index.
 * Object properties whose value is `undefined` count as absent (as in JSON).
 *
 * @example
 * const ops = diffStates(state, { ...state, todos: state.todos.filter((t) => t.id !== 'b') });
 * // [{ op: 'remove', path: '/todos/1' }]
 * applyDelta(state, ops); // deep-equal to the new State
 */
export function diffStates(previous: unknown, next: unknown): DeltaOperation[] {
  const ops: DeltaOperation[] = [];
  diffValue(previous, next, '', ops);
  return ops;
}

function diffValue(previous: unknown, next: unknown, path: string, ops: DeltaOperation[]): void {
  if (previous === next) return;
  if (Array.isArray(previous) && Array.isArray(next)) {
    diffArray(previous, next, path, ops);
  } else if (isObject(previous) && isObject(next)) {
    diffObject(previous, next, path, ops);
  } else if (!Object.is(previous, next)) {
    ops.push({ op: 'replace', path, value: next });
  }
}

function diffObject(previous: Obj, next: Obj, path: string, ops: DeltaOperation[]): void {
  for (const key in previous) {
    if (!Object.hasOwn(previous, key) || previous[key] === undefined) continue;
    if (!Object.hasOwn(next, key) || next[key] === undefined)
      ops.push({ op: 'remove', path: `${path}/${pointerSegment(key)}` });
  }
  for (const key in next) {
    if (!Object.hasOwn(next, key)) continue;
    const value = next[key];
    if (value === undefined) continue;
    const child = `${path}/${pointerSegment(key)}`;
    if (!Object.hasOwn(previous, key) || previous[key] === undefined)
      ops.push({ op: 'add', path: child, value });
    else diffValue(previous[key], value, child, ops);
  }
}

/** Lengths of the common prefix and suffix (by `same`), not overlapping. */
function commonEnds<T>(a: readonly T[], b: readonly T[], same: (x: T, y: T) => boolean) {
  const max = Math.min(a.length, b.length);
  let start = 0;
  while (start < max && same(a[start] as T, b[start] as T)) start++;
  let end = 0;
  while (end < max - start && same(a[a.length - 1 - end] as T, b[b.length - 1 - end] as T)) end++;
  return { start, end };
}

/**
 * Arrays: the common ends that are the same references are skipped (one comparison per element:
 * an immutable update of one element leaves all the others as they were), then the parts that
 * differ are matched by id when they are records with unique ids, else index by index.
 */
function diffArray(
  previous: readonly unknown[],
  next: readonly unknown[],
  path: string,
  ops: DeltaOperation[],
): void {
  const { start, end } = commonEnds(previous, next, (x, y) => x === y);
  const oldMid = previous.slice(start, previous.length - end);
  const newMid = next.slice(start, next.length - end);
  if (isKeyedList(oldMid) && isKeyedList(newMid)) diffKeyed(oldMid, newMid, path, start, ops);
  else diffIndexed(oldMid, newMid, path, start, ops);
}

/** Index by index; extra old elements are removed, missing ones added, in order. */
function diffIndexed(
  previous: readonly unknown[],
  next: readonly unknown[],
  path: string,
  offset: number,
  ops: DeltaOperation[],
): void {
  const shared = Math.min(previous.length, next.length);
  for (let i = 0; i < shared; i++) diffValue(previous[i], next[i], `${path}/${offset + i}`, ops);
  for (let i = shared; i < previous.length; i++)
    ops.push({ op: 'remove', path: `${path}/${offset + shared}` });
  for (let i = shared; i < next.length; i++)
    ops.push({ op: 'add', path: `${path}/${offset + i}`, value: next[i] });
}

type Keyed = Obj & { readonly id: string | number };

/** Whether every element is a record with an `id` (string or number), all different. */
function isKeyedList(list: readonly unknown[]): list is Keyed[] {
  if (list.length === 0) return false;
  const ids = new Set<unknown>();
  for (const item of list) {
    if (!isObject(item)) return false;
    const id = item['id'];
    if ((typeof id !== 'string' && typeof id !== 'number') || ids.has(id)) return false;
    ids.add(id);
  }
  return true;
}

/**
 * Lists of records matched by id. Records present in both lists that keep their relative order
 * (a longest increasing subsequence of their old positions) stay; the others are `move`d, each
 * right after its new predecessor; new ones are `add`ed there; gone ones `remove`d. Then each kept
 * record is diffed at its final index.
 */
function diffKeyed(
  previous: Keyed[],
  next: Keyed[],
  path: string,
  offset: number,
  ops: DeltaOperation[],
): void {
  const { start, end } = commonEnds(previous, next, (x, y) => x.id === y.id);
  const oldMid = previous.slice(start, previous.length - end);
  const newMid = next.slice(start, next.length - end);
  const at = (index: number) => `${path}/${offset + start + index}`;

  const newIds = new Set(newMid.map((item) => item.id));
  const current: (string | number)[] = oldMid.map((item) => item.id);
  for (let i = current.length - 1; i >= 0; i--) {
    if (!newIds.has(current[i] as string | number)) {
      ops.push({ op: 'remove', path: at(i) });
      current.splice(i, 1);
    }
  }
  const oldIndex = new Map(current.map((id, index) => [id, index]));
  const stay = stableIds(
    newMid.map((item) => oldIndex.get(item.id)),
    newMid,
  );
  newMid.forEach((item, j) => {
    if (stay.has(item.id)) return;
    const target = j === 0 ? 0 : current.indexOf((newMid[j - 1] as Keyed).id) + 1;
    const from = oldIndex.has(item.id) ? current.indexOf(item.id) : -1;
    if (from < 0) {
      ops.push({ op: 'add', path: at(target), value: item });
      current.splice(target, 0, item.id);
      return;
    }
    current.splice(from, 1);
    const to = from < target ? target - 1 : target;
    if (to !== from) ops.push({ op: 'move', from: at(from), path: at(to) });
    current.splice(to, 0, item.id);
  });

  const oldById = new Map(oldMid.map((item) => [item.id, item]));
  for (let i = 0; i < start; i++) diffValue(previous[i], next[i], `${path}/${offset + i}`, ops);
  newMid.forEach((item, j) => {
    const old = oldById.get(item.id);
    if (old !== undefined) diffValue(old, item, at(j), ops);
  });
  for (let k = 0; k < end; k++) {
    const i = next.length - end + k;
    diffValue(previous[previous.length - end + k], next[i], `${path}/${offset + i}`, ops);
  }
}

/** Ids of the records whose old positions form a longest increasing subsequence (they stay). */
function stableIds(oldPositions: (number | undefined)[], items: Keyed[]): Set<string | number> {
  const tails: number[] = []; // index into oldPositions of the smallest tail of each length
  const before: number[] = new Array(oldPositions.length).fill(-1);
  oldPositions.forEach((position, i) => {
    if (position === undefined) return;
    let low = 0;
    let high = tails.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((oldPositions[tails[mid] as number] as number) < position) low = mid + 1;
      else high = mid;
    }
    if (low > 0) before[i] = tails[low - 1] as number;
    tails[low] = i;
  });
  const stay = new Set<string | number>();
  for (
    let i = tails.length ? (tails[tails.length - 1] as number) : -1;
    i >= 0;
    i = before[i] as number
  )
    stay.add((items[i] as Keyed).id);
  return stay;
}
