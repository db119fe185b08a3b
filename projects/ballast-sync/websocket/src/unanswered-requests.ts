import type { ClientFrame, ServerFrame } from './web-socket-frames';

/**
 * Requests kept per socket, at most: one beyond is not recorded, so no answer proves it (a
 * `pong` still does). The core keeps far fewer Inputs pending.
 */
const MAX_RECORDED = 1_024;

/**
 * The requests sent on one socket whose answer has not come yet (internal; docs/PROTOCOL.md,
 * Liveness), each with its number from the {@link LivenessCheck}, and which frame answers each: an
 * `input` a `state` or `delta` whose `acks` reach its `seq` for its incarnation, a `join` the
 * `joined` (or `error`) naming its channel and clientId, a `resync` the channel's next `state`.
 * `answeredBy(frame)` says the number of the last request a frame shows the server got (it
 * handles frames in order: then it got every one before too).
 */
export class UnansweredRequests {
  /** By incarnation: the number of each Input sent, by `seq` (a re-send keeps its first number). */
  private readonly inputs = new Map<string, Map<number, number>>();
  /** By `join` / `resync` key: the number of the first one sent and not answered yet. */
  private readonly others = new Map<string, number>();
  private size = 0;

  /** Whether the server answers `frame` (a `ping` is the {@link LivenessCheck}'s own business). */
  static asksForAnswer(frame: ClientFrame): boolean {
    return frame.type === 'input' || frame.type === 'join' || frame.type === 'resync';
  }

  /** `frame` (one that {@link asksForAnswer}) went out as request number `n`. */
  sent(frame: ClientFrame, n: number): void {
    if (this.size >= MAX_RECORDED) return;
    if (frame.type === 'input') {
      const { incarnation, seq } = frame.input;
      let seqs = this.inputs.get(incarnation);
      if (!seqs) this.inputs.set(incarnation, (seqs = new Map()));
      if (seqs.has(seq)) return;
      seqs.set(seq, n);
      this.size++;
    } else if (frame.type === 'join' || frame.type === 'resync') {
      const key =
        frame.type === 'join' ? joinKey(frame.channel, frame.clientId) : resyncKey(frame.channel);
      if (this.others.has(key)) return;
      this.others.set(key, n);
      this.size++;
    }
  }

  /** The number of the last request `frame` answers (0: none), forgotten from now on. */
  answeredBy(frame: ServerFrame): number {
    switch (frame.type) {
      case 'joined':
        return this.take(frame.channel, frame.clientId);
      case 'error':
        return frame.channel !== undefined && frame.clientId !== undefined
          ? this.take(frame.channel, frame.clientId)
          : 0;
      case 'state':
        return Math.max(this.take(frame.channel), this.acked(frame.state.acks));
      case 'delta':
        return this.acked(frame.to.acks);
      default:
        return 0;
    }
  }

  /** The `join` of `clientId` to `channel`, or (without `clientId`) the `resync` of `channel`. */
  private take(channel: string, clientId?: string): number {
    if (this.others.size === 0) return 0; // the usual case: no key is built per State frame
    const key = clientId === undefined ? resyncKey(channel) : joinKey(channel, clientId);
    const n = this.others.get(key);
    if (n === undefined) return 0;
    this.others.delete(key);
    this.size--;
    return n;
  }

  /** The last Input of this socket that `acks` (unchecked: from the wire) acknowledge. */
  private acked(acks: unknown): number {
    if (this.inputs.size === 0 || typeof acks !== 'object' || acks === null) return 0;
    let last = 0;
    for (const [incarnation, seqs] of this.inputs) {
      const ack = (acks as Record<string, unknown>)[incarnation];
      if (typeof ack !== 'number') continue;
      for (const [seq, n] of seqs) {
        if (seq > ack) continue;
        last = Math.max(last, n);
        seqs.delete(seq);
        this.size--;
      }
      if (seqs.size === 0) this.inputs.delete(incarnation);
    }
    return last;
  }
}

const joinKey = (channel: string, clientId: string) => JSON.stringify(['join', channel, clientId]);
const resyncKey = (channel: string) => JSON.stringify(['resync', channel]);
