import {
  ApplicationRef,
  ChangeDetectionStrategy,
  Component,
  Injectable,
  inject,
  input,
} from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { InputHandler } from 'ballast-sync/core';
import { SyncViewModel } from '../lib/angular/sync-view-model';
import { provideSyncViewModel } from '../lib/angular/provide-sync-view-model';

/** A small counter contract shared by the Angular layer's specs. */
export type CounterInput =
  | { type: 'Increment'; by: number }
  | { type: 'Rename'; label: string }
  | { type: 'Announce'; message: string };
export type CounterEvent = { type: 'Announced'; message: string };
export interface CounterState {
  count: number;
  label: string;
}

export const counterHandler: InputHandler<CounterInput, CounterEvent, CounterState> = (
  input,
  scope,
) => {
  switch (input.type) {
    case 'Increment':
      return scope.updateState((s) => ({ ...s, count: s.count + input.by }));
    case 'Rename':
      return scope.updateState((s) => ({ ...s, label: input.label }));
    case 'Announce':
      return scope.postEvent({ type: 'Announced', message: input.message });
  }
};

@Injectable()
export class CounterViewModel extends SyncViewModel<CounterInput, CounterEvent, CounterState> {
  constructor() {
    super({
      name: 'counter',
      initialState: { count: 0, label: 'counter' },
      inputHandler: counterHandler,
    });
  }
}

/** A second ViewModel type, on its own channel. */
@Injectable()
export class OtherCounterViewModel extends SyncViewModel<CounterInput, CounterEvent, CounterState> {
  constructor() {
    super({
      name: 'other-counter',
      initialState: { count: 100, label: 'other' },
      inputHandler: counterHandler,
    });
  }
}

const template = `
  <span data-testid="count">{{ vm.state().count }}</span>
  <span data-testid="role">{{ vm.role }}</span>
  <button data-testid="increment" (click)="vm.trySend({ type: 'Increment', by: 1 })">+</button>`;

@Component({
  selector: 'bs-source-counter',
  template,
  changeDetection: ChangeDetectionStrategy.OnPush,
  providers: [provideSyncViewModel(CounterViewModel, { role: 'source' })],
  host: { '[attr.data-testid]': 'testId()' },
})
export class SourceCounterComponent {
  readonly vm = inject(CounterViewModel);
  readonly testId = input('source');
}

@Component({
  selector: 'bs-replica-counter',
  template,
  changeDetection: ChangeDetectionStrategy.OnPush,
  providers: [provideSyncViewModel(CounterViewModel, { role: 'replica' })],
  host: { '[attr.data-testid]': 'testId()' },
})
export class ReplicaCounterComponent {
  readonly vm = inject(CounterViewModel);
  readonly testId = input('replica');
}

@Component({
  selector: 'bs-spectator-counter',
  template,
  changeDetection: ChangeDetectionStrategy.OnPush,
  providers: [provideSyncViewModel(CounterViewModel, { role: 'spectator' })],
  host: { '[attr.data-testid]': 'testId()' },
})
export class SpectatorCounterComponent {
  readonly vm = inject(CounterViewModel);
  readonly testId = input('spectator');
}

/**
 * Waits until the app is stable: every SyncViewModel holds a pending task while its Inputs run or
 * its sync work is on its way, so this is exactly "everything arrived", not a guessed number of turns.
 */
export async function settle(): Promise<void> {
  await TestBed.inject(ApplicationRef).whenStable();
}
