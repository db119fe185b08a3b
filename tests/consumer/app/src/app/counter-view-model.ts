import { Injectable } from '@angular/core';
import { SyncViewModel } from 'ballast-sync';
import type { InputHandler } from 'ballast-sync/core';

export type CounterInput = { type: 'Increment'; by: number };
export interface CounterState {
  count: number;
}

const counterHandler: InputHandler<CounterInput, never, CounterState> = (input, scope) =>
  scope.updateState((s) => ({ count: s.count + input.by }));

@Injectable()
export class CounterViewModel extends SyncViewModel<CounterInput, never, CounterState> {
  constructor() {
    super({ name: 'consumer-counter', initialState: { count: 0 }, inputHandler: counterHandler });
  }
}
