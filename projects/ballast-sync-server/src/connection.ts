import { WebSocket, type RawData } from 'ws';
import { syncedInputProblem, type SyncedInput } from 'ballast-sync/core';
import type { ChannelHost, ChannelMember } from './channel-host.js';
import {
  CloseCode,
  errorFrame,
  parseClientFrame,
  PONG_FRAME,
  readClientFrame,
  rebuildEnvelope,
  welcomeFrame,
  WIRE_PROTOCOL_VERSION,
  type ErrorCode,
  type ErrorDetails,
  type HelloFrame,
  type InputFrame,
  type JoinFrame,
  type LeaveFrame,
  type ParticipantRole,
  type ResyncFrame,
  type WelcomeLimits,
} from './frames.js';
import type { Publication, StatePoint } from './publication.js';
import { wireCodec, type WireCodec, type WireCodecName } from './wire-codecs.js';
import type { InputCheck } from './input-validation.js';
import { OrderedFrames, type FrameOutcome } from './ordered-frames.js';
import { TokenBucket, type SyncServerLimits } from './limits.js';
import type { RefusalKind, Refusals, RefusalSubject } from './refusals.js';

/** What a connection needs from its server. */
export interface ConnectionContext<P> {
  readonly serverId: string;
  readonly limits: SyncServerLimits;
  readonly welcomeLimits: WelcomeLimits;
  readonly channels: ReadonlyMap<string, ChannelHost<unknown, unknown, unknown>>;
  readonly refusals: Refusals;
  /** The codecs clients may choose, in the server's order of preference. */
  readonly codecs: readonly WireCodecName[];
  authorize(principal: P, channel: string, role: ParticipantRole): boolean | Promise<boolean>;
  reportError(message: string, error: unknown): void;
  /** Counts a State frame (a snapshot or a delta) handed to a socket. */
  stateSent(kind: 'state' | 'delta'): void;
  /** Counts a `pong` handed to a socket. */
  pongSent(): void;
}

/** The feature a client asks for in `hello` to be sent deltas. */
const DELTA_FEATURE = 'delta';
/** The feature of a client that pings (this server answers every `ping`; the welcome says so). */
const PING_FEATURE = 'ping';
/** The features this server turns on for a client that asks for them, in `welcome` order. */
const FEATURES = [DELTA_FEATURE, PING_FEATURE];

/** Error codes that are refusals of the same name in `stats().refused`. */
const REFUSAL_OF: Partial<Record<ErrorCode, RefusalKind>> = {
  'unknown-channel': 'unknown-channel',
  forbidden: 'forbidden',
  'not-a-replica': 'not-a-replica',
  'not-joined': 'not-joined',
  'too-many-participants': 'too-many-participants',
  'invalid-input': 'invalid-input',
  'rate-limited': 'rate-limited',
};

/**
 * One client socket: the `hello` handshake, then the participants it joins to channels and the
 * Inputs they send. Frames are handled one at a time, in order; while an asynchronous step runs
 * (`authorize`, an async validator) the socket is paused. Every malformed frame takes one path
 * (`bad-frame`, then a 1008 close when repeated); nothing a client sends can throw out of here.
 */
export class Connection<P> implements ChannelMember, RefusalSubject {
  readonly description: string;
  readonly loggedRefusals = new Set<RefusalKind>();
  private helloReceived = false;
  private badFrames = 0;
  private alive = true;
  private readonly frames: OrderedFrames;
  /** By channel: its participants on this socket (clientId → role). */
  private readonly joins = new Map<string, Map<string, ParticipantRole>>();
  private participants = 0;
  /** The codec chosen in `hello` (JSON until then). */
  private codec: WireCodec = wireCodec('json');
  /** Whether the client asked for deltas in `hello`. */
  private deltas = false;
  /** By channel: the last State sent on this socket, which a delta must start from. */
  private readonly sent = new Map<string, StatePoint>();
  /** Inputs' rate limit. */
  private readonly bucket: TokenBucket;
  /** Pings' rate limit (their own: a ping never takes an Input's token). */
  private readonly pingBucket: TokenBucket;
  private readonly helloTimer: ReturnType<typeof setTimeout>;
  readonly closed: Promise<void>;

  constructor(
    private readonly socket: WebSocket,
    private readonly principal: P,
    private readonly context: ConnectionContext<P>,
    id: number,
    remoteAddress: string,
  ) {
    this.description = `connection #${id} from ${remoteAddress}`;
    const { limits } = context;
    this.bucket = new TokenBucket(limits.inputsPerSecond, limits.inputBurst);
    this.pingBucket = new TokenBucket(limits.pingsPerSecond, limits.pingBurst);
    this.helloTimer = setTimeout(() => {
      this.refuse('hello-timeout', `no hello within ${limits.helloTimeoutMs} ms`);
      this.close(CloseCode.HelloExpected, 'hello expected');
    }, limits.helloTimeoutMs);
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('close', () => this.leaveAll());
    socket.on('error', (error: Error & { code?: string }) => this.onSocketError(error));
    socket.on('pong', () => (this.alive = true));
    this.frames = new OrderedFrames(
      socket,
      (data, isBinary) => this.handle(data, isBinary),
      (error) => context.reportError(`handling a frame of ${this.description} failed`, error),
    );
    socket.on('message', (data, isBinary) => this.frames.push(data, isBinary));
  }

  /**
   * A State of a joined channel: a `delta` frame when the client takes deltas and was sent the
   * State it starts from, else a `state` frame (a snapshot). Skipped while the socket has too much
   * queued: the next State sent is then a snapshot (the client missed the one a delta needs).
   */
  sendState(publication: Publication, snapshot?: 'snapshot'): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    if (this.socket.bufferedAmount > this.context.limits.maxBufferedBytes) {
      this.refuse('state-skipped', 'the client reads too slowly; a later State catches it up');
      return;
    }
    const { channel, state, from } = publication;
    const last = this.sent.get(channel);
    const delta =
      this.deltas &&
      snapshot === undefined &&
      from !== undefined &&
      last?.incarnation === from.incarnation &&
      last.version === from.version
        ? publication.delta(this.codec.name)
        : undefined;
    this.socket.send(delta ?? publication.snapshot(this.codec.name), {
      binary: this.codec.binary,
    });
    this.sent.set(channel, { incarnation: state.incarnation, version: state.version });
    this.context.stateSent(delta ? 'delta' : 'state');
  }

  /** Heartbeat tick: terminates the socket if the previous ping got no pong, else pings. */
  heartbeat(): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    if (!this.alive) {
      this.refuse('heartbeat-timeout', 'no pong to the previous ping');
      this.socket.terminate();
      return;
    }
    this.alive = false;
    this.socket.ping();
  }

  /** The server is closing: frames that arrive from now on are ignored. */
  stopReading(): void {
    this.frames.stop();
  }

  close(code: number, reason: string): void {
    clearTimeout(this.helloTimer);
    this.stopReading();
    if (
      this.socket.readyState === WebSocket.OPEN ||
      this.socket.readyState === WebSocket.CONNECTING
    )
      this.socket.close(code, reason);
  }

  terminate(): void {
    this.socket.terminate();
  }

  private handle(data: RawData, isBinary: boolean): FrameOutcome {
    try {
      const bytes = Array.isArray(data)
        ? Buffer.concat(data)
        : Buffer.isBuffer(data)
          ? data
          : Buffer.from(data);
      const parsed = isBinary ? this.decodeBinary(bytes) : parseClientFrame(bytes.toString());
      if (parsed === undefined)
        return this.badFrame(
          'binary-frame',
          'binary frames need a binary codec (msgpack) chosen in hello',
        );
      if ('problem' in parsed) return this.badFrame('bad-frame', parsed.problem);
      const { frame } = parsed;
      if (!this.helloReceived) {
        if (frame.type === 'hello') return this.hello(frame);
        this.refuse('hello-first', `a "${frame.type}" frame came before hello`);
        this.sendError('hello-first', 'the first frame must be hello');
        return this.close(CloseCode.HelloExpected, 'hello expected first');
      }
      switch (frame.type) {
        case 'hello':
          return this.badFrame('bad-frame', 'hello was already received');
        case 'join':
          return this.join(frame);
        case 'leave':
          return this.leave(frame);
        case 'input':
          return this.input(frame);
        case 'resync':
          return this.resync(frame);
        case 'ping':
          return this.ping();
      }
    } catch (error) {
      // A bug of this server (or of a channel's code) must not take the process down.
      this.context.reportError(`handling a frame of ${this.description} failed`, error);
    }
  }

  /** Binary frames are the socket's binary codec, if it chose one (undefined: it did not). */
  private decodeBinary(bytes: Buffer): ReturnType<typeof readClientFrame> | undefined {
    if (!this.helloReceived || !this.codec.binary) return undefined;
    let value: unknown;
    try {
      value = this.codec.decode(bytes);
    } catch {
      return { problem: `the frame is not ${this.codec.name}` };
    }
    return readClientFrame(value);
  }

  private hello(frame: HelloFrame): void {
    clearTimeout(this.helloTimer);
    const codec = frame.codecs.find((name): name is WireCodecName =>
      this.context.codecs.includes(name as WireCodecName),
    );
    if (frame.protocol !== WIRE_PROTOCOL_VERSION || codec === undefined) {
      const what =
        codec === undefined ? `codec ${frame.codecs.join(', ')}` : `protocol ${frame.protocol}`;
      this.refuse('protocol-mismatch', `the client speaks ${what}`);
      return this.close(
        CloseCode.ProtocolMismatch,
        `server speaks protocol ${WIRE_PROTOCOL_VERSION}, codec ${this.context.codecs.join(', ')}; got ${what}`.slice(
          0,
          120,
        ),
      );
    }
    this.helloReceived = true;
    this.deltas = frame.features.includes(DELTA_FEATURE);
    const features = FEATURES.filter((feature) => frame.features.includes(feature));
    const { serverId, limits, welcomeLimits } = this.context;
    // The welcome is JSON text whatever the codec: a client reads it before it switches.
    if (this.socket.readyState === WebSocket.OPEN)
      this.socket.send(welcomeFrame(serverId, limits.heartbeatMs, welcomeLimits, codec, features));
    this.codec = wireCodec(codec);
  }

  /**
   * A client that heard nothing for a while asks whether the link is alive: it is answered `pong`.
   * Pings have a rate limit of their own (never the Inputs' tokens); over it, or while the client
   * does not read what it was sent, a ping gets no answer (and nothing piles up here).
   */
  private ping(): void {
    const { limits } = this.context;
    if (!this.pingBucket.take())
      return this.refuse(
        'ping-rate-limited',
        `over ${limits.pingsPerSecond} pings per second (burst ${limits.pingBurst}): a ping was not answered`,
      );
    if (this.socket.bufferedAmount > limits.maxBufferedBytes) return;
    this.send(PONG_FRAME);
    this.context.pongSent();
  }

  /** A client that could not apply a delta: it is sent the channel's State in full. */
  private resync(frame: ResyncFrame): void {
    const { channel } = frame;
    const host = this.context.channels.get(channel);
    if (!host)
      return this.sendError('unknown-channel', `no channel "${channel}" here`, { channel });
    if (!this.joins.has(channel))
      return this.sendError('not-joined', `nobody on this socket has joined "${channel}"`, {
        channel,
      });
    host.sendLatest(this);
  }

  private join(frame: JoinFrame): FrameOutcome {
    const { channel, clientId, role } = frame;
    const host = this.context.channels.get(channel);
    const details = { channel, clientId };
    if (!host) return this.sendError('unknown-channel', `no channel "${channel}" here`, details);
    if (!host.roles.includes(role))
      return this.sendError('forbidden', `channel "${channel}" takes no ${role}s`, details);
    const current = this.joins.get(channel)?.get(clientId);
    if (
      current === undefined &&
      this.participants >= this.context.limits.maxParticipantsPerConnection
    )
      return this.sendError(
        'too-many-participants',
        `at most ${this.context.limits.maxParticipantsPerConnection} participants per connection`,
        details,
      );
    const admit = (allowed: boolean) => {
      if (!this.frames.reading) return;
      if (!allowed)
        return this.sendError('forbidden', `not allowed to join "${channel}" as ${role}`, details);
      this.admit(host, channel, clientId, role);
    };
    const denied = (error: unknown) => {
      this.context.reportError(
        `authorize() threw for ${this.description}; the join is refused`,
        error,
      );
      admit(false);
    };
    try {
      const verdict = this.context.authorize(this.principal, channel, role);
      if (typeof (verdict as Promise<boolean>)?.then === 'function')
        return Promise.resolve(verdict).then((allowed) => admit(allowed === true), denied);
      admit(verdict === true);
    } catch (error) {
      denied(error);
    }
  }

  private admit(
    host: ChannelHost<unknown, unknown, unknown>,
    channel: string,
    clientId: string,
    role: ParticipantRole,
  ): void {
    let participants = this.joins.get(channel);
    if (!participants) {
      this.joins.set(channel, (participants = new Map()));
      host.add(this);
    }
    if (!participants.has(clientId)) this.participants++;
    participants.set(clientId, role);
    this.send({ type: 'joined', channel, clientId, role });
    host.sendLatest(this);
  }

  private leave(frame: LeaveFrame): void {
    const { channel, clientId } = frame;
    const participants = this.joins.get(channel);
    if (!participants?.delete(clientId))
      return this.sendError('not-joined', `"${clientId}" has not joined "${channel}"`, {
        channel,
        clientId,
      });
    this.participants--;
    if (participants.size > 0) return;
    this.joins.delete(channel);
    this.sent.delete(channel);
    this.context.channels.get(channel)?.remove(this);
  }

  private input(frame: InputFrame): FrameOutcome {
    const { channel } = frame;
    const host = this.context.channels.get(channel);
    if (!host)
      return this.sendError('unknown-channel', `no channel "${channel}" here`, { channel });
    const problem = syncedInputProblem(frame.input);
    if (problem !== undefined) return this.badFrame('bad-frame', `input.input: ${problem}`);
    const received = frame.input as SyncedInput<unknown>;
    const details = { channel, clientId: received.clientId, seq: received.seq };
    const withinRate = this.bucket.take();
    const role = this.joins.get(channel)?.get(received.clientId);
    if (role === undefined)
      return this.sendError(
        'not-joined',
        `"${received.clientId}" has not joined "${channel}"`,
        details,
      );
    if (role !== 'replica')
      return this.sendError(
        'not-a-replica',
        `"${received.clientId}" joined "${channel}" as ${role}: it cannot send Inputs`,
        details,
      );
    const envelope = rebuildEnvelope(received);
    if (!withinRate) {
      const limit = `over ${this.context.limits.inputsPerSecond} Inputs per second`;
      host.forward({ ...envelope, refused: `rate-limited: ${limit}` });
      return this.sendError('rate-limited', `${limit}: this Input was not applied`, details);
    }
    const settle = (check: InputCheck) => {
      if (check.ok)
        return host.forward(
          check.input === envelope.input ? envelope : { ...envelope, input: check.input },
        );
      host.forward({ ...envelope, refused: `invalid-input: ${check.problem}` });
      this.sendError('invalid-input', check.problem, details);
    };
    const check = host.check(envelope.input);
    if (!(check instanceof Promise)) return settle(check);
    // Asynchronous (a Standard Schema, an async function): later frames wait, in order.
    return check.then((result) => {
      if (this.frames.reading) settle(result);
    });
  }

  private badFrame(kind: RefusalKind, problem: string): void {
    this.refuse(kind, problem);
    this.sendError('bad-frame', problem);
    if (++this.badFrames > this.context.limits.maxBadFrames) {
      this.refuse(
        'too-many-bad-frames',
        `more than ${this.context.limits.maxBadFrames} bad frames`,
      );
      this.close(CloseCode.Policy, 'too many bad frames');
    }
  }

  private sendError(code: ErrorCode, message: string, details?: ErrorDetails): void {
    const kind = REFUSAL_OF[code];
    if (kind) this.refuse(kind, message);
    this.send(errorFrame(code, message, details));
  }

  private refuse(kind: RefusalKind, message: string): void {
    this.context.refusals.record(kind, this, message);
  }

  /** Any frame but a State, in the socket's codec. */
  private send(frame: object): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    const bytes = this.codec.encode(frame);
    this.socket.send(this.codec.binary ? bytes : bytes.toString(), { binary: this.codec.binary });
  }

  private onSocketError(error: Error & { code?: string }): void {
    // ws closes the socket itself (1009 for a frame over maxPayload, 1002/1007 for broken frames).
    if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH')
      this.refuse('frame-too-large', `a frame over ${this.context.limits.maxFrameBytes} bytes`);
    else if (error.code?.startsWith('WS_ERR_')) this.refuse('bad-frame', error.message);
  }

  private leaveAll(): void {
    clearTimeout(this.helloTimer);
    this.frames.stop();
    for (const channel of this.joins.keys()) this.context.channels.get(channel)?.remove(this);
    this.joins.clear();
    this.sent.clear();
    this.participants = 0;
  }
}
