/*
 * A Web Locks API for unit tests (Node has no navigator.locks): exclusive locks granted in request
 * order, in a later task as in a browser, with `signal`, `ifAvailable`, `query()`, and `crash()` to
 * drop a tab's locks the way a browser does when the tab dies. Not a spec: no Jest dependency.
 */
import type { WebLocksLike } from './web-locks';

interface Request {
  readonly client: string;
  readonly callback: (lock: unknown) => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  readonly signal: AbortSignal | undefined;
  onAbort?: () => void;
}

interface Held {
  readonly client: string;
  readonly token: object;
}

/** The lock manager of one origin; `client(tab)` is what one tab sees as `navigator.locks`. */
export class FakeLockManager {
  private readonly held = new Map<string, Held>();
  private readonly queues = new Map<string, Request[]>();

  client(client: string): WebLocksLike & { crash(): void } {
    return {
      request: (name, options, callback) => this.request(client, name, options, callback),
      query: async () => ({
        held: [...this.held].map(([name, h]) => ({ name, clientId: h.client })),
      }),
      crash: () => this.crash(client),
    };
  }

  /** Names of held locks (for assertions). */
  heldNames(): string[] {
    return [...this.held.keys()];
  }

  private request(
    client: string,
    name: string,
    options: { ifAvailable?: boolean; signal?: AbortSignal },
    callback: (lock: unknown) => unknown,
  ): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (options.signal?.aborted) return reject(abortError());
      if (options.ifAvailable && (this.held.has(name) || this.queues.get(name)?.length)) {
        return setTimeout(() => settle(callback(null), resolve, reject), 0);
      }
      const request: Request = { client, callback, resolve, reject, signal: options.signal };
      if (options.signal) {
        request.onAbort = () => {
          const queue = this.queues.get(name) ?? [];
          const index = queue.indexOf(request);
          if (index === -1) return;
          queue.splice(index, 1);
          reject(abortError());
        };
        options.signal.addEventListener('abort', request.onAbort, { once: true });
      }
      const queue = this.queues.get(name) ?? [];
      queue.push(request);
      this.queues.set(name, queue);
      this.grantLater(name);
    });
  }

  private grantLater(name: string): void {
    setTimeout(() => this.grant(name), 0);
  }

  private grant(name: string): void {
    if (this.held.has(name)) return;
    const queue = this.queues.get(name);
    const request = queue?.shift();
    if (!request) return;
    if (queue?.length === 0) this.queues.delete(name);
    if (request.onAbort) request.signal?.removeEventListener('abort', request.onAbort);
    const held: Held = { client: request.client, token: {} };
    this.held.set(name, held);
    let result: unknown;
    try {
      result = request.callback({ name, mode: 'exclusive' });
    } catch (error) {
      this.release(name, held);
      return request.reject(error);
    }
    Promise.resolve(result).then(
      (value) => {
        if (this.release(name, held)) request.resolve(value);
      },
      (error: unknown) => {
        if (this.release(name, held)) request.reject(error);
      },
    );
  }

  /** Releases `held` if it still holds `name` (a crashed tab's late release is ignored). */
  private release(name: string, held: Held): boolean {
    if (this.held.get(name) !== held) return false;
    this.held.delete(name);
    this.grantLater(name);
    return true;
  }

  private crash(client: string): void {
    for (const [name, queue] of this.queues) {
      const kept = queue.filter((r) => r.client !== client);
      if (kept.length > 0) this.queues.set(name, kept);
      else this.queues.delete(name);
    }
    for (const [name, held] of [...this.held]) {
      if (held.client !== client) continue;
      this.held.delete(name);
      this.grantLater(name);
    }
  }
}

function settle(value: unknown, resolve: (v: unknown) => void, reject: (e: unknown) => void): void {
  Promise.resolve(value).then(resolve, reject);
}

function abortError(): Error {
  const error = new Error('The request was aborted.');
  error.name = 'AbortError';
  return error;
}
