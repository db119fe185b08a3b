import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { provideSyncViewModel } from 'ballast-sync';
import { CounterCard } from './counter-card';
import { CounterViewModel } from './counter-view-model';
import { PropagationDelay } from './propagation-delay';

/** The Source counter: it handles every Input and publishes its State (after the delay). */
@Component({
  selector: 'app-source-counter',
  imports: [CounterCard],
  template: `<app-counter-card title="Source" />`,
  changeDetection: ChangeDetectionStrategy.OnPush,
  providers: [
    provideSyncViewModel(CounterViewModel, () => ({
      role: 'source',
      bufferStates: inject(PropagationDelay).operator(),
    })),
  ],
  host: { 'data-testid': 'counter-source' },
})
export class SourceCounter {}
