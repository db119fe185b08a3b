import { fifo } from 'ballast-sync/core';
import { defineSyncChannel, type SyncChannel } from '../../src/public-api.js';

export type CounterInput = { readonly type: 'Add'; readonly id: string; readonly by: number };
export interface CounterState {
  readonly count: number;
  /** How many times each Input id was applied (must end at 1 each: exactly once). */
  readonly applied: Readonly<Record<string, number>>;
}

export const initialCounterState: CounterState = { count: 0, applied: {} };

/** The handler clients and server share. */
export function applyCounterInput(state: CounterState, input: CounterInput): CounterState {
  return {
    count: state.count + input.by,
    applied: { ...state.applied, [input.id]: (state.applied[input.id] ?? 0) + 1 },
  };
}

/** A counter channel that records every Input its handler received (to count handler calls). */
export function counterChannel(
  extra: Partial<SyncChannel<CounterInput, never, CounterState>> = {},
): SyncChannel<CounterInput, never, CounterState> & { readonly handled: CounterInput[] } {
  const handled: CounterInput[] = [];
  const channel = defineSyncChannel<CounterInput, never, CounterState>({
    initialState: initialCounterState,
    inputStrategy: fifo(),
    inputHandler: (input, scope) => {
      handled.push(input);
      scope.updateState((state) => applyCounterInput(state, input));
    },
    ...extra,
  });
  return Object.assign(channel, { handled });
}

/** Whether an Input is a well-formed CounterInput (the channels' validateInput in tests). */
export function isCounterInput(value: unknown): true | string {
  const v = value as Partial<CounterInput> | null;
  if (typeof v !== 'object' || v === null) return 'not an object';
  if (v.type !== 'Add') return 'type must be "Add"';
  if (typeof v.id !== 'string') return 'id must be a string';
  if (typeof v.by !== 'number' || !Number.isFinite(v.by) || Math.abs(v.by) > 100)
    return 'by must be a number from -100 to 100';
  return true;
}
