import {
  ɵballastError as ballastError,
  createConsoleLogger,
  isSyncedInput,
  type SyncConnectionAdapter,
  type SyncedInput,
  type SyncedState,
  type SyncLinkState,
  type SyncReaderRole,
  type SyncTransport,
} from 'ballast-sync/core';
import { Observable, throwError } from 'rxjs';
import {
  ChannelFollowers,
  type Participant,
  type WebSocketSyncChannelStats,
} from './channel-followers';
import type { ServerFrame } from './web-socket-frames';
import { SocketLink, type WebSocketSyncSocketState } from './web-socket-link';
import {
  resolveWebSocketOptions,
  type WebSocketSyncTransportOptions,
} from './web-socket-sync-transport-options';

/** What {@link WebSocketSyncTransport.stats} returns. */
export interface WebSocketSyncTransportStats {
  readonly socket: WebSocketSyncSocketState;
  /** Every channel with a local participant or link observer, by name. */
  readonly channels: Readonly<Record<string, WebSocketSyncChannelStats>>;
}

/** Server error codes that refuse a participant (its State stream errors; the core asks again). */
const JOIN_REFUSALS = new Set(['forbidden', 'unknown-channel', 'too-many-participants']);

const HINTS: Readonly<Record<string, string>> = {
  'invalid-input':
    ' The Input was not applied; the Source acknowledges it anyway, so the Replica converges to the Source.',
  'rate-limited':
    ' Refused Inputs are acknowledged without being applied: send fewer (e.g. bufferInputs with debounceTime).',
  'not-a-replica': " Only a ViewModel with the role 'replica' may send Inputs.",
  'bad-frame': ' Run the same ballast-sync version on the client and ballast-sync-server.',
};

/**
 * Syncs an app's ViewModels with a `ballast-sync-server`, which hosts the Source of every
 * channel: the app's ViewModels are Replicas and Spectators. One WebSocket carries every channel;
 * it opens on first use, says `hello`, joins each local participant, and after a loss reconnects
 * with backoff and jitter (re-reading the token) and joins them all again. A State arrives once
 * per channel and socket, and reaches every local participant of that channel.
 *
 * A connection that died without a close (a proxy or NAT dropped it) is found out: after
 * `liveness.pingAfterMs` without a frame the transport pings, and without an answer it reconnects.
 * When the browser goes `online`, or the page becomes visible again, a transport waiting to
 * reconnect tries within `reconnect.initialDelayMs` (at a random point) rather than finishing its
 * wait, unless the server asked clients to slow down (close 1008, 1009, 1013, 4001, HTTP 503).
 *
 * Offline, a Replica keeps applying its Inputs locally (up to its `maxPendingInputs`) and its
 * status says `'disconnected'`; once it is joined again the core re-sends what the Source has not
 * acknowledged, and each Input is applied exactly once.
 *
 * No global is read at import: `WebSocket` (and `location`, for a `url` that is a path) when the
 * first socket opens, and the `online` / `visibilitychange` listeners (where there are such
 * events: not in Node) are added on first use and removed by `close()`.
 *
 * @example
 * // Browser
 * const transport = new WebSocketSyncTransport({ url: 'wss://example.com/ballast-sync', token: () => auth.token() });
 * // Node 20: the WebSocket class of the ws package
 * const transport = new WebSocketSyncTransport({ url: 'ws://127.0.0.1:8080/ballast-sync', WebSocket });
 * const replica = new DefaultSyncConnection({ clientType: 'replica', adapter: transport.adapterFor('todos') });
 */
export class WebSocketSyncTransport implements SyncTransport {
  /** The sync server's URL, as given (without the token). */
  readonly url: string;
  private readonly link: SocketLink;
  private readonly channels = new Map<string, ChannelFollowers>();
  private closed = false;

  constructor(options: WebSocketSyncTransportOptions) {
    const resolved = resolveWebSocketOptions(options);
    this.url = resolved.url;
    const onError =
      resolved.onError ?? ((error: Error) => createConsoleLogger().error(error.message, error));
    this.link = new SocketLink(
      resolved,
      {
        welcomed: () => this.joinAll(),
        frame: (frame) => this.receive(frame),
        down: () => this.linkDown(),
      },
      onError,
    );
  }

  /**
   * The adapter of channel `channel`, for Replicas and Spectators (the Source lives on the
   * server).
   *
   * @example
   * new DefaultSyncConnection({ clientType: 'spectator', adapter: transport.adapterFor('todos') });
   */
  adapterFor<I, E, S>(channel: string): SyncConnectionAdapter<I, E, S> {
    if (typeof channel !== 'string' || channel.trim() === '') {
      throw ballastError(
        `adapterFor(channel) needs a non-empty channel name; got ${JSON.stringify(channel)}.`,
      );
    }
    if (this.closed) throw closedError();
    const noSource = () =>
      ballastError(
        `channel "${channel}": the WebSocket transport cannot host a Source, since the Source of every channel ` +
          "lives on the sync server (ballast-sync-server). Give this ViewModel the role 'replica' or 'spectator'.",
      );
    return {
      sendSynchronizedStateToReplicas: () => {
        throw noSource();
      },
      readInputsFromReplicas: () => throwError(noSource),
      sendInputToSource: (input: SyncedInput<I>) => this.sendInput(channel, input),
      readStateFromSource: (clientId: string, role: SyncReaderRole) =>
        this.readStates(channel, clientId, role) as Observable<SyncedState<S>>,
      observeLink: (clientId: string) => this.observeLink(channel, clientId),
    };
  }

  /**
   * What the socket and each channel hold right now.
   *
   * @example
   * expect(transport.stats().channels['todos']?.joined).toBe(2);
   */
  stats(): WebSocketSyncTransportStats {
    const channels: Record<string, WebSocketSyncChannelStats> = {};
    for (const [name, followers] of this.channels) channels[name] = followers.stats();
    return { socket: this.link.state, channels };
  }

  /**
   * Closes the socket and stops reconnecting; link observers hear `'disconnected'`. Clear the
   * ViewModels first: the transport cannot be used afterwards.
   *
   * @example
   * inject(DestroyRef).onDestroy(() => transport.close());
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.link.close();
    const channels = [...this.channels.values()];
    this.channels.clear();
    for (const followers of channels) followers.disconnectAll();
  }

  private readStates(
    channel: string,
    clientId: string,
    role: SyncReaderRole,
  ): Observable<SyncedState<unknown>> {
    checkId('readStateFromSource', clientId);
    if (role !== 'replica' && role !== 'spectator') {
      throw ballastError(
        `readStateFromSource(clientId, role) needs the role 'replica' or 'spectator'; got ${JSON.stringify(role)}.`,
      );
    }
    return new Observable<SyncedState<unknown>>((subscriber) => {
      if (this.closed) return subscriber.error(closedError());
      const followers = this.followers(channel);
      let participant = followers.participants.get(clientId);
      if (!participant) {
        participant = { role, readers: new Map(), joined: 'no' };
        followers.participants.set(clientId, participant);
      } else if (participant.role !== role) {
        participant.role = role;
        if (participant.joined !== 'no') this.join(channel, clientId, participant);
      }
      const joined = participant;
      followers.addReader(joined, subscriber);
      if (joined.joined === 'no') {
        if (this.link.isReady) this.join(channel, clientId, joined);
        else this.link.ensureOpen();
      }
      return () => {
        joined.readers.delete(subscriber);
        if (joined.readers.size > 0 || followers.participants.get(clientId) !== joined) return;
        followers.participants.delete(clientId);
        if (joined.joined !== 'no') this.link.send({ type: 'leave', channel, clientId });
        this.linkChanged(channel);
        this.forgetIfUnused(channel);
      };
    });
  }

  private observeLink(channel: string, clientId: string): Observable<SyncLinkState> {
    checkId('observeLink', clientId);
    return new Observable<SyncLinkState>((subscriber) => {
      if (this.closed) return subscriber.next('disconnected');
      const followers = this.followers(channel);
      const remove = followers.addLinkObserver(
        clientId,
        subscriber,
        this.linkOf(followers, clientId),
      );
      return () => {
        remove();
        this.forgetIfUnused(channel);
      };
    });
  }

  private sendInput(channel: string, input: SyncedInput<unknown>): void {
    if (!isSyncedInput(input)) throw ballastError('sendInputToSource() needs a SyncedInput.');
    // Dropped unless this Replica is joined on a welcomed socket: the core re-sends every
    // unacknowledged Input when its link says 'connected' again.
    const participant = this.channels.get(channel)?.participants.get(input.clientId);
    if (this.closed || !this.link.isReady || participant?.joined !== 'yes') return;
    try {
      this.link.send({ type: 'input', channel, input });
    } catch (error) {
      throw ballastError(
        `channel "${channel}": an Input could not be sent to the sync server (${(error as Error)?.message}). ` +
          'Inputs must be plain JSON data (no cycles, BigInt, class instances or functions).',
        { cause: error },
      );
    }
  }

  private join(channel: string, clientId: string, participant: Participant): void {
    if (this.link.send({ type: 'join', channel, clientId, role: participant.role }))
      participant.joined = 'asked';
  }

  /** A new socket was welcomed: every local participant joins again. */
  private joinAll(): void {
    for (const [channel, followers] of this.channels) {
      for (const [clientId, participant] of followers.participants)
        this.join(channel, clientId, participant);
    }
  }

  private receive(frame: Exclude<ServerFrame, { type: 'welcome' | 'pong' }>): void {
    const followers = 'channel' in frame ? this.channels.get(frame.channel ?? '') : undefined;
    switch (frame.type) {
      case 'joined': {
        const participant = followers?.participants.get(frame.clientId);
        if (participant?.joined !== 'asked') return; // it left meanwhile
        participant.joined = 'yes';
        return this.linkChanged(frame.channel);
      }
      case 'state':
        // A channel nobody here follows any more: a late frame.
        if (!followers) return;
        followers.resyncAsked = false;
        return followers.fanOut(frame.state);
      case 'delta':
        if (followers?.receiveDelta(frame) !== 'gap') return;
        // Missed or unusable: the State held is kept, and the server sends the whole State.
        if (!followers.resyncAsked)
          followers.resyncAsked = this.link.send({ type: 'resync', channel: frame.channel });
        return;
      case 'error':
        return this.refused(frame, followers);
    }
  }

  private refused(
    frame: Extract<ServerFrame, { type: 'error' }>,
    followers: ChannelFollowers | undefined,
  ): void {
    const { code, message, channel, clientId } = frame;
    const participant = clientId === undefined ? undefined : followers?.participants.get(clientId);
    if (followers && participant && JOIN_REFUSALS.has(code)) {
      // Its State stream fails: the core reports it, says 'disconnected', and asks again later.
      followers.participants.delete(clientId as string);
      const error = ballastError(
        `the sync server refused ${participant.role} "${clientId}" on channel "${channel}" (${code}: ${message}). ` +
          'Check that the token allows this channel and role; the ViewModel asks again with backoff.',
      );
      for (const reader of [...participant.readers.keys()]) reader.error(error);
      this.linkChanged(channel as string);
      return this.forgetIfUnused(channel as string);
    }
    const where = channel === undefined ? '' : ` on channel "${channel}"`;
    this.link.reportOnce(
      `error ${code} ${channel ?? ''}`,
      ballastError(
        `the sync server refused a frame${where} (${code}: ${message}).${HINTS[code] ?? ''}`,
      ),
    );
  }

  private linkDown(): void {
    for (const followers of this.channels.values()) {
      followers.resyncAsked = false;
      for (const participant of followers.participants.values()) participant.joined = 'no';
    }
    for (const channel of [...this.channels.keys()]) this.linkChanged(channel);
  }

  private linkOf(followers: ChannelFollowers, clientId: string): SyncLinkState {
    const joined = followers.participants.get(clientId)?.joined === 'yes';
    return joined && this.link.isReady ? 'connected' : 'disconnected';
  }

  private linkChanged(channel: string): void {
    const followers = this.channels.get(channel);
    followers?.linkChanged((clientId) => this.linkOf(followers, clientId));
  }

  private followers(channel: string): ChannelFollowers {
    let followers = this.channels.get(channel);
    if (!followers) this.channels.set(channel, (followers = new ChannelFollowers()));
    return followers;
  }

  private forgetIfUnused(channel: string): void {
    if (this.channels.get(channel)?.isEmpty()) this.channels.delete(channel);
  }
}

function checkId(method: string, id: unknown): void {
  if (typeof id !== 'string' || id === '')
    throw ballastError(
      `${method}(clientId) needs a non-empty clientId; got ${JSON.stringify(id)}.`,
    );
}

function closedError(): Error {
  return ballastError(
    'this WebSocketSyncTransport was closed: clear the ViewModels that use it first, or create a new transport.',
  );
}
