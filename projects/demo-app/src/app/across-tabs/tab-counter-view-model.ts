import { Injectable } from '@angular/core';
import { SyncViewModel, type InputHandler } from 'ballast-sync';

export interface TabCounterState {
  readonly count: number;
  /** How many of the clicks came from each tab, by tab name. */
  readonly byTab: Readonly<Record<string, number>>;
}

export type TabCounterInput =
  { readonly type: 'Increment'; readonly tab: string } | { readonly type: 'Reset' };

/** Deterministic (it runs in the tab that clicked and in the Source tab): the tab travels in the Input. */
export const tabCounterHandler: InputHandler<TabCounterInput, never, TabCounterState> = (
  input,
  scope,
) => {
  switch (input.type) {
    case 'Increment':
      return scope.updateState((state) => ({
        count: state.count + 1,
        byTab: { ...state.byTab, [input.tab]: (state.byTab[input.tab] ?? 0) + 1 },
      }));
    case 'Reset':
      return scope.updateState(() => ({ count: 0, byTab: {} }));
  }
};

/** A counter shared by every tab of the demo, on channel `'across-tabs-counter'`. */
@Injectable()
export class TabCounterViewModel extends SyncViewModel<TabCounterInput, never, TabCounterState> {
  constructor() {
    super({
      name: 'across-tabs-counter',
      initialState: { count: 0, byTab: {} },
      inputHandler: tabCounterHandler,
    });
  }
}

/** A short name for this tab, e.g. "tab-k3f9" (new on every page load). */
export function newTabName(): string {
  return `tab-${Math.random().toString(36).slice(2, 6)}`;
}
