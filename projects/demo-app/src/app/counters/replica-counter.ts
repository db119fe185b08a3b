import { ChangeDetectionStrategy, Component, inject, input } from '@angular/core';
import { provideSyncViewModel } from 'ballast-sync';
import { CounterCard } from './counter-card';
import { CounterViewModel } from './counter-view-model';
import { PropagationDelay } from './propagation-delay';

/** A Replica counter: it applies its Inputs at once and forwards them to the Source (after the delay). */
@Component({
  selector: 'app-replica-counter',
  imports: [CounterCard],
  template: `<app-counter-card [title]="'Replica ' + index()" />`,
  changeDetection: ChangeDetectionStrategy.OnPush,
  providers: [
    provideSyncViewModel(CounterViewModel, () => ({
      role: 'replica',
      bufferInputs: inject(PropagationDelay).operator(),
      // The artificial delay (both ways) is not a loss: wait longer than it before re-sending.
      retransmit: { intervalMs: 2 * PropagationDelay.MAX_MS + 1000 },
    })),
  ],
  host: { '[attr.data-testid]': '"counter-replica-" + index()' },
})
export class ReplicaCounter {
  /** 1, 2, 3…: names the counter and its test id. */
  readonly index = input.required<number>();
}
