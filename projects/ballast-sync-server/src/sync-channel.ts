import type {
  BallastViewModelConfiguration,
  DefaultSyncConnectionOptions,
  EventHandler,
} from 'ballast-sync/core';
import type { ParticipantRole } from './frames.js';
import type { InputValidator } from './input-validation.js';

/**
 * A channel the server hosts: the configuration of its Source ViewModel (the same `initialState`,
 * `inputHandler` and strategy the browser uses; `name` defaults to the channel's key), the roles
 * clients may join it with, and how their Inputs are checked before they reach the Source.
 */
export interface SyncChannel<I, E, S> extends BallastViewModelConfiguration<I, E, S> {
  /** The Source's Event handler (Events of a server Source go nowhere else). */
  eventHandler?: EventHandler<I, E>;
  /** The roles clients may join with (default both); `authorize` decides per principal. */
  roles?: readonly ParticipantRole[];
  /**
   * Checks each Input a Replica sends, before the Source: a function returning `true`, or `false`
   * / a string saying what is wrong (it may be async; a throw refuses), or a Standard Schema
   * validator (zod, valibot…), whose output is what the Source receives. A refused Input is never
   * applied; it is acknowledged (the Replica converges) and answered with an `invalid-input` error.
   */
  validateInput?: InputValidator<I>;
  /** Decides when States are published (see DefaultSyncConnectionOptions.bufferStates). */
  bufferStates?: DefaultSyncConnectionOptions<I, E, S>['bufferStates'];
  /** How the Source re-publishes its latest State while idle (DefaultSyncConnectionOptions.retransmit). */
  retransmit?: DefaultSyncConnectionOptions<I, E, S>['retransmit'];
  /** Inputs held per Replica that arrived ahead of a missing one (default 1000). */
  maxPendingInputs?: number;
}

/**
 * Types a channel definition (an identity function: its Inputs, Events and State are inferred
 * from `initialState` and `inputHandler`).
 *
 * @example
 * const counter = defineSyncChannel({
 *   initialState: { count: 0 },
 *   inputHandler: (input: CounterInput, scope) => scope.updateState((s) => ({ count: s.count + input.by })),
 *   validateInput: (input) => typeof (input as CounterInput).by === 'number' || 'by must be a number',
 * });
 * await createSyncServer({ port: 8080, channels: { counter } });
 */
export function defineSyncChannel<I, E, S>(channel: SyncChannel<I, E, S>): SyncChannel<I, E, S> {
  return channel;
}

/**
 * A channel of any types, as `createSyncServer({ channels })` takes them (a channel without Events
 * has `E = never`, hence the second member).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each channel has its own types
export type AnySyncChannel = SyncChannel<any, any, any> | SyncChannel<any, never, any>;
