/*
 * A child process driven over its IPC channel, for cases whose parts must live in separate
 * processes (case 8: a server and its clients). Every wait has a timeout; every child started here
 * is killed when the case process exits, whatever the reason.
 */
import { spawn, type ChildProcess } from 'node:child_process';

/** A message from a child: an object with a `type`. */
export interface ChildMessage {
  readonly type: string;
  readonly [field: string]: unknown;
}

const living = new Set<ChildProcess>();

function killAll(): void {
  for (const child of living) child.kill('SIGKILL');
  living.clear();
}
process.once('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAll();
    process.exit(130);
  });
}

export class IpcChild {
  private readonly inbox: ChildMessage[] = [];
  private waiter: (() => void) | undefined;
  private exited: string | undefined;
  private readonly child: ChildProcess;

  /** Starts `node <nodeArgs> <script> <args>` with stdout/stderr inherited and an IPC channel. */
  constructor(
    readonly name: string,
    script: string,
    args: readonly string[],
    options: { readonly cwd: string; readonly nodeArgs?: readonly string[] },
  ) {
    this.child = spawn(process.execPath, [...(options.nodeArgs ?? []), script, ...args], {
      cwd: options.cwd,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    living.add(this.child);
    this.child.on('message', (message: ChildMessage) => {
      this.inbox.push(message);
      this.waiter?.();
    });
    this.child.on('exit', (code, signal) => {
      living.delete(this.child);
      this.exited = `${name} exited (${code ?? signal})`;
      this.waiter?.();
    });
  }

  send(message: Record<string, unknown>): void {
    if (this.exited) throw new Error(this.exited);
    this.child.send(message);
  }

  /**
   * The next message of this `type` (earlier messages of other types are dropped); rejects after
   * `timeoutMs`, when the child reports an `error`, or when it exits.
   */
  async next<T extends ChildMessage = ChildMessage>(type: string, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const message = this.inbox.shift();
      if (message?.type === 'error') throw new Error(`${this.name}: ${String(message['message'])}`);
      if (message?.type === type) return message as T;
      if (message) continue;
      if (this.exited) throw new Error(`${this.exited} while waiting for "${type}"`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.name}: no "${type}" within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = undefined;
    }
  }

  /** Sends `message` and waits for the answer of `type`. */
  request<T extends ChildMessage = ChildMessage>(
    message: Record<string, unknown>,
    type: string,
    timeoutMs: number,
  ): Promise<T> {
    this.send(message);
    return this.next<T>(type, timeoutMs);
  }

  /**
   * Asks the child to exit (`{ cmd: 'exit' }`, so that a CPU profile gets written), and kills it
   * if it has not within `graceMs`.
   */
  async stop(graceMs = 5000): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    try {
      this.child.send({ cmd: 'exit' });
    } catch {
      // The channel is already closed: the kill below ends it.
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([gone, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    if (!this.exited) {
      this.child.kill('SIGKILL');
      await gone;
    }
  }
}
