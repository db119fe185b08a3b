/**
 * Where a value stops being structured-cloneable, for error messages: e.g. `state.todos[2].format
 * (a function)`. Only called after a clone failed, so its cost does not matter.
 */
export function describeUncloneable(value: unknown, path: string): string {
  return find(value, path, new Set()) ?? `${path} (${kindOf(value)})`;
}

function find(value: unknown, path: string, seen: Set<object>): string | undefined {
  if (typeof value === 'function' || typeof value === 'symbol') return `${path} (${kindOf(value)})`;
  if (value === null || typeof value !== 'object' || seen.has(value)) return undefined;
  seen.add(value);
  if (clones(value)) return undefined;
  const children: [string, unknown][] =
    value instanceof Map
      ? [...value].map(([key, child]) => [
          `${path}.get(${JSON.stringify(key) ?? String(key)})`,
          child,
        ])
      : value instanceof Set
        ? [...value].map((child, i) => [`${path} (Set item ${i})`, child])
        : Array.isArray(value)
          ? value.map((child, i) => [`${path}[${i}]`, child])
          : Object.keys(value).map((key) => [
              `${path}.${key}`,
              (value as Record<string, unknown>)[key],
            ]);
  for (const [childPath, child] of children) {
    const found = find(child, childPath, seen);
    if (found) return found;
  }
  return `${path} (${kindOf(value)})`;
}

/** Whether structuredClone accepts it (true when it cannot be told: no structuredClone here). */
function clones(value: unknown): boolean {
  if (typeof structuredClone !== 'function') return true;
  try {
    structuredClone(value);
    return true;
  } catch {
    return false;
  }
}

function kindOf(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return 'a Symbol';
  if (value !== null && typeof value === 'object') {
    const name = (value as object).constructor?.name;
    return name && name !== 'Object' ? `a ${name}` : 'an object';
  }
  return typeof value;
}

/** A short description of an Input or State for a message: its `type` when it has one. */
export function describeValue(value: unknown): string {
  const type = (value as { type?: unknown } | null)?.type;
  if (typeof type === 'string') return `"${type}"`;
  return kindOf(value);
}
