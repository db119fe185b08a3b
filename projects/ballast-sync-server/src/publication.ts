import { diffStates, type DeltaOperation, type SyncedState } from 'ballast-sync/core';
import { wireCodec, type WireCodecName } from './wire-codecs.js';

/** Where a delta starts: the State a socket must have received last. */
export interface StatePoint {
  readonly incarnation: string;
  readonly version: number;
}

/**
 * One State published by a channel's Source, with its frames: the `state` frame (a snapshot) and,
 * when the previous publication was of the same Source, the `delta` frame from it. Each frame is
 * computed at most once per publication and codec, whatever the number of sockets, and only when
 * some socket needs it.
 */
export class Publication {
  private readonly frames = new Map<string, Buffer | null>();
  private ops: DeltaOperation[] | undefined;
  private stateBytes: number | undefined;

  constructor(
    readonly channel: string,
    readonly state: SyncedState<unknown>,
    /** The previous publication of the channel, when it is of the same Source incarnation. */
    readonly from: SyncedState<unknown> | undefined,
    /** The size of a recent snapshot's JSON: decides "is the delta smaller" without encoding one. */
    private readonly sizeHint: { bytes: number },
  ) {}

  /** The `state` frame (a full snapshot of the State). */
  snapshot(codec: WireCodecName): Buffer {
    const key = `state ${codec}`;
    let frame = this.frames.get(key);
    if (!frame) {
      frame = wireCodec(codec).encode({ type: 'state', channel: this.channel, state: this.state });
      this.frames.set(key, frame);
      if (codec === 'json') this.sizeHint.bytes = this.stateBytes = frame.length;
    }
    return frame;
  }

  /**
   * The `delta` frame from {@link from}, or undefined when there is none (no previous State of
   * this Source) or it would not be smaller than the snapshot.
   */
  delta(codec: WireCodecName): Buffer | undefined {
    if (!this.from) return undefined;
    const key = `delta ${codec}`;
    const cached = this.frames.get(key);
    if (cached !== undefined) return cached ?? undefined;
    this.ops ??= diffStates(this.from.state, this.state.state);
    const { state: _state, ...to } = this.state;
    const frame = wireCodec(codec).encode({
      type: 'delta',
      channel: this.channel,
      from: { incarnation: this.from.incarnation, version: this.from.version },
      to,
      ops: this.ops,
    });
    const smaller = frame.length < this.snapshotBytes(frame.length);
    this.frames.set(key, smaller ? frame : null);
    return smaller ? frame : undefined;
  }

  /**
   * The snapshot's size, from the last snapshot encoded when the delta is clearly smaller (under
   * half of it); otherwise exactly (encoding the snapshot, which then serves the comparison).
   */
  private snapshotBytes(deltaBytes: number): number {
    if (this.stateBytes !== undefined) return this.stateBytes;
    if (this.sizeHint.bytes > 0 && deltaBytes < this.sizeHint.bytes / 2) return this.sizeHint.bytes;
    this.snapshot('json');
    return this.sizeHint.bytes; // set by snapshot('json')
  }
}
