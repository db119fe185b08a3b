import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { provideSyncViewModel } from 'ballast-sync';
import { CounterCard } from './counter-card';
import { CounterViewModel } from './counter-view-model';

/** A Spectator counter: its Inputs stay local until the next State of the Source overwrites them. */
@Component({
  selector: 'app-spectator-counter',
  imports: [CounterCard],
  template: `<app-counter-card [title]="'Spectator ' + index()" />`,
  changeDetection: ChangeDetectionStrategy.OnPush,
  providers: [provideSyncViewModel(CounterViewModel, { role: 'spectator' })],
  host: { '[attr.data-testid]': '"counter-spectator-" + index()' },
})
export class SpectatorCounter {
  /** 1, 2, 3…: names the counter and its test id. */
  readonly index = input.required<number>();
}
