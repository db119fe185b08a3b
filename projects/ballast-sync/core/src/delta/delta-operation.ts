/**
 * One RFC 6902 JSON Patch operation, as {@link diffStates} produces them and {@link applyDelta}
 * applies them. `path` and `from` are JSON Pointers (RFC 6901) into the State: `/todos/3/done`.
 */
export type DeltaOperation =
  | { readonly op: 'add'; readonly path: string; readonly value: unknown }
  | { readonly op: 'remove'; readonly path: string }
  | { readonly op: 'replace'; readonly path: string; readonly value: unknown }
  | { readonly op: 'move'; readonly from: string; readonly path: string }
  | { readonly op: 'copy'; readonly from: string; readonly path: string }
  | { readonly op: 'test'; readonly path: string; readonly value: unknown };

/** A key or index as one JSON Pointer segment (`~` → `~0`, `/` → `~1`). */
export function pointerSegment(key: string | number): string {
  return typeof key === 'number' ? String(key) : key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** The key of a JSON Pointer segment (the reverse of {@link pointerSegment}). */
export function segmentKey(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}
