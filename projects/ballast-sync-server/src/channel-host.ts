import { ballastError } from './errors.js';
import { Observable, type Subscriber } from 'rxjs';
import {
  BallastSyncInterceptor,
  BasicViewModel,
  DefaultSyncConnection,
  plainDataProblem,
  type BallastLogger,
  type SyncConnectionAdapter,
  type SyncedInput,
  type SyncedState,
} from 'ballast-sync/core';
import type { ParticipantRole } from './frames.js';
import { Publication } from './publication.js';
import { toInputChecker, type InputChecker } from './input-validation.js';
import type { SyncChannel } from './sync-channel.js';
import type { TrackedSnapshotStore } from './snapshot-stores.js';

/** A socket that follows a channel: it is sent every State of the channel once. */
export interface ChannelMember {
  /** A State of the channel: as a delta when the socket has the one before, else a snapshot. */
  sendState(publication: Publication, snapshot?: 'snapshot'): void;
}

/** What `stats().channels[name]` says of one channel. */
export interface ChannelStats {
  /** Sockets following the channel. */
  readonly sockets: number;
  /** The version of the latest State published by the channel's current Source (0 before any). */
  readonly version: number;
  /** Inputs handed to the Source (refused ones included: they are acknowledged). */
  readonly inputsForwarded: number;
  /** Inputs refused before the Source (invalid, rate-limited): acknowledged, never applied. */
  readonly inputsRefused: number;
  /** States published (each serialized once, whatever the number of sockets). */
  readonly statesPublished: number;
  /** States the Source published that were not plain data: not sent (an error is logged). */
  readonly statesRefused: number;
}

/**
 * Hosts one channel's Source: a BasicViewModel with a `'source'` DefaultSyncConnection whose
 * adapter is this host. Each State it publishes is serialized once and the same bytes go to every
 * member socket; a socket that joins gets the latest State at once.
 */
export class ChannelHost<I, E, S> {
  readonly roles: readonly ParticipantRole[];
  readonly check: InputChecker;
  private readonly members = new Set<ChannelMember>();
  private readonly viewModel: BasicViewModel<I, E, S>;
  private readonly connection: DefaultSyncConnection<I, E, S>;
  private inputs: Subscriber<SyncedInput<I>> | undefined;
  private latest: Publication | undefined;
  private readonly sizeHint = { bytes: 0 };
  private readonly logger: BallastLogger;
  private statesRefused = 0;
  private version = 0;
  private accepting = true;
  private forwarded = 0;
  private refused = 0;
  private published = 0;

  constructor(
    readonly name: string,
    definition: SyncChannel<I, E, S>,
    private readonly snapshots: TrackedSnapshotStore<S>,
    logger: BallastLogger,
  ) {
    this.logger = logger;
    this.roles = definition.roles ?? ['replica', 'spectator'];
    this.check = toInputChecker(definition.validateInput);
    const {
      roles: _roles,
      validateInput: _validateInput,
      eventHandler,
      bufferStates,
      retransmit,
      maxPendingInputs,
      interceptors = [],
      ...config
    } = definition;
    this.connection = new DefaultSyncConnection<I, E, S>({
      clientType: 'source',
      adapter: this.adapter(),
      snapshots,
      bufferStates,
      retransmit,
      maxPendingInputs,
    });
    this.viewModel = new BasicViewModel<I, E, S>(
      {
        name,
        logger,
        ...config,
        interceptors: [...interceptors, new BallastSyncInterceptor(this.connection)],
      },
      eventHandler,
    );
  }

  /** Adds a socket: it receives every State published from now on. */
  add(member: ChannelMember): void {
    this.members.add(member);
  }

  /** Sends the latest State (if any) to one socket: after each `joined`. */
  sendLatest(member: ChannelMember): void {
    if (this.latest) member.sendState(this.latest, 'snapshot');
  }

  remove(member: ChannelMember): void {
    this.members.delete(member);
  }

  /** Hands an Input envelope (built by the server, never a client's object) to the Source. */
  forward(envelope: SyncedInput<I>): void {
    if (!this.accepting) return; // closing: the Replica re-sends it to the next server
    this.forwarded++;
    if (envelope.refused !== undefined) this.refused++;
    this.inputs?.next(envelope);
  }

  stats(): ChannelStats {
    return {
      sockets: this.members.size,
      version: this.version,
      inputsForwarded: this.forwarded,
      inputsRefused: this.refused,
      statesPublished: this.published,
      statesRefused: this.statesRefused,
    };
  }

  /**
   * Graceful close: takes no more Inputs, lets the queued ones finish and their State (with the
   * acknowledgements) go out, then shuts the ViewModel down, which saves the final snapshot.
   */
  async close(graceMs: number): Promise<void> {
    this.accepting = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
    const settled = (async () => {
      await this.viewModel.whenIdle();
      await this.connection.whenSynced();
    })();
    await Promise.race([settled, timeout]);
    clearTimeout(timer);
    await this.viewModel.shutDownGracefully(graceMs);
    await this.snapshots.whenSaved();
    this.members.clear();
  }

  /**
   * One State of the Source for every member socket. A State that is not plain data is refused
   * (logged, not sent): JSON would silently turn a Date into a string and a Map into `{}`. Only
   * what changed since the previous publication is checked (unchanged subtrees are the same
   * references); the delta from it is computed once, when a socket needs it.
   */
  private publish(state: SyncedState<S>): void {
    const previous = this.latest?.state;
    const sameSource = previous?.incarnation === state.incarnation;
    const problem = plainDataProblem(state.state, sameSource ? previous.state : undefined);
    if (problem !== undefined) {
      this.statesRefused++;
      this.logger.error(
        `ballast-sync: channel "${this.name}" did not publish version ${state.version} of its State, which is not plain data: ${problem}. ` +
          'States travel as JSON or MessagePack: keep them to objects, arrays, strings, finite numbers, booleans and null.',
      );
      return;
    }
    const publication = new Publication(
      this.name,
      state as SyncedState<unknown>,
      sameSource ? previous : undefined,
      this.sizeHint,
    );
    this.latest = publication;
    this.version = state.version;
    this.published++;
    for (const member of this.members) member.sendState(publication);
  }

  /** The host as the Source's adapter: it only publishes States and receives Inputs. */
  private adapter(): SyncConnectionAdapter<I, E, S> {
    const serverSide = (method: string) =>
      ballastError(
        `${method}() is not available on the server: the server hosts the channel's Source; Replicas and Spectators connect with WebSocketSyncTransport.`,
      );
    return {
      sendSynchronizedStateToReplicas: (state: SyncedState<S>) => this.publish(state),
      sendInputToSource: () => {
        throw serverSide('sendInputToSource');
      },
      readStateFromSource: () => {
        throw serverSide('readStateFromSource');
      },
      readInputsFromReplicas: () =>
        new Observable<SyncedInput<I>>((subscriber) => {
          // One Source per channel on a server: a new subscription replaces the previous one.
          this.inputs?.complete();
          this.inputs = subscriber;
          return () => {
            if (this.inputs === subscriber) this.inputs = undefined;
          };
        }),
    };
  }
}
