import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { provideSyncViewModel } from 'ballast-sync';
import { newTabName, TabCounterViewModel } from './tab-counter-view-model';

/**
 * A counter shared by every tab that shows this page. Its instances are `'elected'`: one tab's is
 * the Source, the others are Replicas, and when the Source tab closes another tab takes over.
 * The route provides `withCrossTabTransport()` (see app.routes.ts).
 */
@Component({
  selector: 'app-across-tabs-page',
  templateUrl: './across-tabs-page.html',
  styleUrl: './across-tabs-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
  providers: [provideSyncViewModel(TabCounterViewModel, { role: 'elected' })],
})
export class AcrossTabsPage {
  protected readonly vm = inject(TabCounterViewModel);
  /** This tab's name, sent with its clicks. */
  protected readonly tab = newTabName();
  protected readonly count = this.vm.select((state) => state.count);
  protected readonly byTab = this.vm.select((state) =>
    Object.entries(state.byTab).map(([tab, clicks]) => ({ tab, clicks })),
  );
  protected readonly isSource = computed(() => this.vm.activeRole() === 'source');

  protected increment(): void {
    this.vm.trySend({ type: 'Increment', tab: this.tab });
  }

  protected reset(): void {
    this.vm.trySend({ type: 'Reset' });
  }
}
