/** The part of `window` (or a worker's `self`, or `document`) read here. */
interface EventTargetLike {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

const isEventTarget = (value: unknown): value is EventTargetLike =>
  typeof (value as Partial<EventTargetLike> | null)?.addEventListener === 'function' &&
  typeof (value as Partial<EventTargetLike>).removeEventListener === 'function';

/**
 * Calls `wake` when the browser says the network is back (`online` on `globalThis`) and when the
 * page becomes visible again after it was hidden (`visibilitychange` on `document`), where those
 * exist (never in Node, so nothing happens during a server render). Returns what removes the
 * listeners. Reads the globals only when called, never at import (internal).
 */
export function listenForWakeSignals(wake: () => void): () => void {
  const removers: (() => void)[] = [];
  const scope: unknown = globalThis;
  if (isEventTarget(scope)) {
    scope.addEventListener('online', wake);
    removers.push(() => scope.removeEventListener('online', wake));
  }
  const page = (globalThis as { document?: unknown }).document;
  if (
    isEventTarget(page) &&
    typeof (page as { visibilityState?: unknown }).visibilityState === 'string'
  ) {
    const visible = () => {
      if ((page as { visibilityState?: unknown }).visibilityState === 'visible') wake();
    };
    page.addEventListener('visibilitychange', visible);
    removers.push(() => page.removeEventListener('visibilitychange', visible));
  }
  return () => removers.splice(0).forEach((remove) => remove());
}
