/**
 * What keeps `value` from being plain data that survives the network (JSON or MessagePack)
 * unchanged, or `undefined` when it is plain data: objects (plain, or with a `null` prototype),
 * arrays, strings, finite numbers, booleans and `null`. Properties whose value is `undefined` are
 * allowed (they are left out, as in JSON). The message names the first problem's path, e.g.
 * `state.todos[2].due: a Date (send an ISO string or a timestamp instead)`.
 *
 * `unchangedFrom` is an earlier State already found plain: the subtrees that are the same reference
 * there (an immutable update leaves them alone) are not walked again, so checking each new State
 * costs what changed.
 *
 * @example
 * plainDataProblem({ todos: [{ due: new Date() }] }); // 'state.todos[0].due: a Date (…)'
 */
export function plainDataProblem(
  value: unknown,
  unchangedFrom?: unknown,
  name = 'state',
): string | undefined {
  return problemOf(value, unchangedFrom, name, new Set());
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function problemOf(
  value: unknown,
  previous: unknown,
  path: string,
  ancestors: Set<unknown>,
): string | undefined {
  if (value === previous && previous !== undefined) return undefined;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value)
        ? undefined
        : `${path}: ${String(value)} (JSON has no such number; it would arrive as null)`;
    case 'undefined':
      return `${path}: undefined (JSON has no undefined; leave the property out, or use null)`;
    case 'bigint':
      return `${path}: a BigInt (send it as a string)`;
    case 'function':
      return `${path}: a function (a State holds data only; keep behaviour in the input handlers)`;
    case 'symbol':
      return `${path}: a symbol`;
  }
  if (value === null) return undefined;
  if (ancestors.has(value)) return `${path}: a cycle (it contains itself)`;
  const object = value as object;
  if (Array.isArray(object)) {
    ancestors.add(object);
    const before = Array.isArray(previous) ? previous : undefined;
    for (let i = 0; i < object.length; i++) {
      const itemPath = `${path}[${i}]`;
      if (!(i in object)) return `${itemPath}: a hole in the array (it would arrive as null)`;
      const problem = problemOf(object[i], before?.[i], itemPath, ancestors);
      if (problem) return problem;
    }
    ancestors.delete(object);
    return undefined;
  }
  const prototype = Object.getPrototypeOf(object);
  if (prototype !== Object.prototype && prototype !== null) return `${path}: ${describe(object)}`;
  ancestors.add(object);
  const before =
    typeof previous === 'object' && previous !== null && !Array.isArray(previous)
      ? (previous as Record<string, unknown>)
      : undefined;
  for (const key of Object.keys(object)) {
    const child = (object as Record<string, unknown>)[key];
    if (child === undefined) continue;
    const childPath = IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
    const problem = problemOf(child, before?.[key], childPath, ancestors);
    if (problem) return problem;
  }
  ancestors.delete(object);
  return undefined;
}

function describe(object: object): string {
  if (object instanceof Date) return 'a Date (send an ISO string or a timestamp instead)';
  if (object instanceof Map) return 'a Map (send an object or an array of entries instead)';
  if (object instanceof Set) return 'a Set (send an array instead)';
  if (object instanceof RegExp) return 'a RegExp (send its source as a string)';
  if (ArrayBuffer.isView(object) || object instanceof ArrayBuffer)
    return 'binary data (send an array of numbers or a base64 string)';
  if (object instanceof Promise) return 'a Promise (a State holds resolved data only)';
  const name = (object.constructor as { name?: string } | undefined)?.name;
  return `an instance of ${name || 'a class'} (a State holds plain objects only: copy its fields into one)`;
}
