import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import type { SyncStatus } from 'ballast-sync';
import { CounterViewModel } from './counter-view-model';
import { FlowLog } from './flow-log';

const STATUS_TEXT: Record<SyncStatus, string> = {
  'waiting-for-source': 'waiting for a Source',
  connected: 'connected',
  superseded: 'superseded by another Source',
  disconnected: 'disconnected',
};

/**
 * One counter: its role, its count and −/+ buttons. It uses the CounterViewModel its host component
 * provides (the host chooses the role), and logs that ViewModel's sync notifications in the
 * {@link FlowLog}.
 */
@Component({
  selector: 'app-counter-card',
  templateUrl: './counter-card.html',
  styleUrl: './counter-card.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '[class]': '"role-" + vm.role' },
})
export class CounterCard {
  /** The name shown on the card and in the flow log, e.g. "Replica 2". */
  readonly title = input.required<string>();

  protected readonly vm = inject(CounterViewModel);
  protected readonly count = this.vm.select((state) => state.count);
  protected readonly status = computed(() => STATUS_TEXT[this.vm.status()]);

  constructor() {
    inject(FlowLog).track(this.vm, this.title);
  }

  protected increment(): void {
    this.vm.trySend({ type: 'Increment' });
  }

  protected decrement(): void {
    this.vm.trySend({ type: 'Decrement' });
  }
}
