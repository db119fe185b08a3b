/**
 * The part of the Web Locks API (`navigator.locks`) this entry point uses; inject your own (a fake in
 * unit tests) through the transport's `locks` option.
 */
export interface WebLocksLike {
  request(
    name: string,
    options: { mode?: 'exclusive' | 'shared'; ifAvailable?: boolean; signal?: AbortSignal },
    callback: (lock: unknown) => unknown,
  ): Promise<unknown>;
  query(): Promise<{ readonly held?: readonly { readonly name?: string }[] }>;
}

/** The part of `BroadcastChannel` this entry point uses. */
export interface BroadcastChannelLike {
  postMessage(message: unknown): void;
  close(): void;
  onmessage: ((event: MessageEvent) => void) | null;
}

/** `navigator.locks` when the browser offers it (only in secure contexts), else undefined. */
export function browserLocks(): WebLocksLike | undefined {
  const nav = (globalThis as { navigator?: { locks?: WebLocksLike } }).navigator;
  return nav?.locks ?? undefined;
}

/** Whether an error is the AbortError of a lock request that was given up. */
export function isAbortError(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'AbortError';
}
