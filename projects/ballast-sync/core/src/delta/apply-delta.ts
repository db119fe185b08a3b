import { ballastError } from '../engine/errors';
import { segmentKey, type DeltaOperation } from './delta-operation';

type Container = Record<string, unknown> | unknown[];

const isContainer = (value: unknown): value is Container =>
  typeof value === 'object' && value !== null;

/**
 * Applies RFC 6902 operations (from {@link diffStates}) to `state` and returns the new State;
 * `state` is never modified. Only the objects and arrays on the operations' paths are copied:
 * every other subtree is shared with `state` (so unchanged parts keep their references, as after
 * an immutable update). Throws a `ballast-sync: ` error, and changes nothing, when an operation
 * does not fit the State (a delta computed from another State): the caller should then ask for a
 * full State.
 *
 * Written by hand rather than with a JSON Patch library: the libraries either mutate the document
 * or deep-copy all of it (this copies only the paths), and the well-known one is CommonJS without
 * side-effect annotations, so it would cost every app importing `ballast-sync/core` about 11 KB
 * and a CommonJS warning, deltas or not.
 *
 * @example
 * const next = applyDelta(state, [{ op: 'replace', path: '/todos/3/done', value: true }]);
 * next.todos[2] === state.todos[2]; // true: untouched records are shared
 */
export function applyDelta<S>(state: S, ops: readonly DeltaOperation[]): S {
  if (!Array.isArray(ops))
    throw ballastError('applyDelta(state, ops) needs an array of operations.');
  const draft = new Draft(state);
  ops.forEach((op, index) => {
    if (op === null || typeof op !== 'object' || typeof op.path !== 'string')
      throw misfit(index, `a malformed operation ${JSON.stringify(op)}`);
    draft.apply(op, index);
  });
  return draft.root as S;
}

function misfit(index: number, why: string): Error {
  return ballastError(
    `applyDelta: the operations do not fit this State (operation ${index}: ${why}); ask for a full State.`,
  );
}

/** A State being patched: containers are copied the first time an operation writes into them. */
class Draft {
  private readonly copied = new Set<Container>();

  constructor(public root: unknown) {}

  apply(op: DeltaOperation, index: number): void {
    switch (op.op) {
      case 'add':
        return this.write(op.path, index, (parent, key) => insert(parent, key, op.value, index));
      case 'replace':
        return this.write(op.path, index, (parent, key) => {
          own(parent, key, index);
          set(parent, key, op.value);
        });
      case 'remove':
        return this.write(op.path, index, (parent, key) => void take(parent, key, index));
      case 'move': {
        if (typeof op.from !== 'string') throw misfit(index, 'move needs a from');
        if (op.path.startsWith(`${op.from}/`)) throw misfit(index, 'a move into itself');
        let moved: unknown;
        this.write(op.from, index, (parent, key) => (moved = take(parent, key, index)));
        return this.write(op.path, index, (parent, key) => insert(parent, key, moved, index));
      }
      case 'copy': {
        if (typeof op.from !== 'string') throw misfit(index, 'copy needs a from');
        const value = this.read(op.from, index); // shared: States are immutable
        return this.write(op.path, index, (parent, key) => insert(parent, key, value, index));
      }
      case 'test':
        if (!deepEqual(this.read(op.path, index), op.value))
          throw misfit(index, `the value at ${op.path} differs`);
        return;
      default:
        throw misfit(index, `unknown op ${JSON.stringify((op as { op: unknown }).op)}`);
    }
  }

  private read(pointer: string, index: number): unknown {
    let node = this.root;
    for (const segment of segments(pointer, index)) {
      if (!isContainer(node)) throw misfit(index, `${pointer} goes through a value`);
      const key = keyIn(node, segment, index, false);
      own(node, key, index);
      node = (node as Record<string, unknown>)[key];
    }
    return node;
  }

  /**
   * Copies (once) every container from the root down to the parent of `pointer`, then lets
   * `change` modify that parent's copy at the last key. The whole document is replaced for `''`.
   */
  private write(
    pointer: string,
    index: number,
    change: (parent: Container, key: string) => void,
  ): void {
    const path = segments(pointer, index);
    if (path.length === 0) {
      const holder = { value: this.root };
      change(holder, 'value');
      this.root = holder.value;
      return;
    }
    if (!isContainer(this.root)) throw misfit(index, `${pointer} goes through a value`);
    this.root = this.ownCopy(this.root);
    let node = this.root as Container;
    for (const segment of path.slice(0, -1)) {
      const key = keyIn(node, segment, index, false);
      own(node, key, index);
      const child = (node as Record<string, unknown>)[key];
      if (!isContainer(child)) throw misfit(index, `${pointer} goes through a value`);
      const copy = this.ownCopy(child);
      (node as Record<string, unknown>)[key] = copy;
      node = copy;
    }
    change(node, keyIn(node, path[path.length - 1] as string, index, true));
  }

  private ownCopy(container: Container): Container {
    if (this.copied.has(container)) return container;
    const copy = Array.isArray(container) ? container.slice() : { ...container };
    this.copied.add(copy);
    return copy;
  }
}

function segments(pointer: string, index: number): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw misfit(index, `${pointer} is not a JSON Pointer`);
  return pointer.slice(1).split('/').map(segmentKey);
}

/**
 * The key `segment` names in `node`: an index for an array (`-`, the end, only where something is
 * added), refused for keys that would reach an object's prototype.
 */
function keyIn(node: Container, segment: string, index: number, last: boolean): string {
  if (Array.isArray(node)) {
    if (segment === '-' && last) return String(node.length);
    if (!/^(0|[1-9][0-9]*)$/.test(segment)) throw misfit(index, `"${segment}" is not an index`);
    return segment;
  }
  if (segment === '__proto__' || segment === 'constructor' || segment === 'prototype')
    throw misfit(index, `the key "${segment}" is refused`);
  return segment;
}

/** Throws unless `key` is in `parent` (an existing array index or own property). */
function own(parent: Container, key: string, index: number): void {
  const present = Array.isArray(parent) ? Number(key) < parent.length : Object.hasOwn(parent, key);
  if (!present) throw misfit(index, `nothing at "${key}"`);
}

function set(parent: Container, key: string, value: unknown): void {
  (parent as Record<string, unknown>)[key] = value;
}

function insert(parent: Container, key: string, value: unknown, index: number): void {
  if (!Array.isArray(parent)) return set(parent, key, value);
  const at = Number(key);
  if (at > parent.length) throw misfit(index, `index ${at} is past the end`);
  parent.splice(at, 0, value);
}

function take(parent: Container, key: string, index: number): unknown {
  own(parent, key, index);
  const value = (parent as Record<string, unknown>)[key];
  if (Array.isArray(parent)) parent.splice(Number(key), 1);
  else delete (parent as Record<string, unknown>)[key];
  return value;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (!isContainer(a) || !isContainer(b) || Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  return keysA.every(
    (key) =>
      Object.hasOwn(b, key) &&
      deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
  );
}
