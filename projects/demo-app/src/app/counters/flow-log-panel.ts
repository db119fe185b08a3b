import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { FlowLog, type FlowEntryKind } from './flow-log';

const KIND_LABEL: Record<FlowEntryKind, string> = {
  forwarded: 'Input',
  received: 'Input',
  published: 'State',
  acknowledged: 'Ack',
  rebased: 'Rebase',
  warning: 'Warning',
};

/** Shows the {@link FlowLog}: what travelled between the counters, newest first. */
@Component({
  selector: 'app-flow-log-panel',
  templateUrl: './flow-log-panel.html',
  styleUrl: './flow-log-panel.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class FlowLogPanel {
  protected readonly entries = inject(FlowLog).entries;
  protected readonly size = FlowLog.SIZE;
  protected readonly kindLabel = KIND_LABEL;
}
