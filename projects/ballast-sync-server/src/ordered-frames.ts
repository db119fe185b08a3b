import { WebSocket, type RawData } from 'ws';

/** What handling one frame gives: nothing, or a Promise while an asynchronous step runs. */
export type FrameOutcome = void | Promise<void>;

/**
 * Runs a socket's frames one at a time, in the order they arrived. While an asynchronous step runs
 * (`authorize`, an async validator) the socket is paused (TCP pushes back on the client) and the
 * few frames already read wait here.
 */
export class OrderedFrames {
  private busy = false;
  private stopped = false;
  private readonly backlog: [RawData, boolean][] = [];

  constructor(
    private readonly socket: WebSocket,
    private readonly handle: (data: RawData, isBinary: boolean) => FrameOutcome,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Whether frames are still handled (false once stopped). */
  get reading(): boolean {
    return !this.stopped;
  }

  push(data: RawData, isBinary: boolean): void {
    if (this.stopped) return;
    if (this.busy || this.backlog.length > 0) this.backlog.push([data, isBinary]);
    else this.run(this.handle(data, isBinary));
  }

  /** Frames that arrive from now on, and those waiting, are ignored. */
  stop(): void {
    this.stopped = true;
    this.backlog.length = 0;
  }

  private run(outcome: FrameOutcome): void {
    if (!outcome) return;
    this.busy = true;
    this.socket.pause();
    const next = () => {
      this.busy = false;
      while (!this.stopped && this.backlog.length > 0) {
        const [data, isBinary] = this.backlog.shift() as [RawData, boolean];
        const pending = this.handle(data, isBinary);
        if (pending) return this.run(pending);
      }
      if (this.socket.readyState === WebSocket.OPEN) this.socket.resume();
    };
    outcome.then(next, (error: unknown) => {
      this.onError(error);
      next();
    });
  }
}
