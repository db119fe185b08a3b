import { Injectable } from '@angular/core';
import { SyncViewModel, type InputHandler } from 'ballast-sync';

/** What a counter can be asked to do. */
export type CounterInput = { readonly type: 'Increment' } | { readonly type: 'Decrement' };

/** The State every counter of the page shares. */
export interface CounterState {
  readonly count: number;
}

/** The one InputHandler: the Source, the Replicas and the Spectators all run it. */
export const counterInputHandler: InputHandler<CounterInput, never, CounterState> = (
  input,
  scope,
) => {
  switch (input.type) {
    case 'Increment':
      return scope.updateState((state) => ({ count: state.count + 1 }));
    case 'Decrement':
      return scope.updateState((state) => ({ count: state.count - 1 }));
  }
};

/**
 * The counter of the sync counters page. Every instance shares channel `'counter'`; each component
 * that provides one chooses its role with `provideSyncViewModel(CounterViewModel, { role })`.
 */
@Injectable()
export class CounterViewModel extends SyncViewModel<CounterInput, never, CounterState> {
  constructor() {
    super({ name: 'counter', initialState: { count: 0 }, inputHandler: counterInputHandler });
  }
}
