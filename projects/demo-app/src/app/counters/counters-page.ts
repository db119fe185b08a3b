import { ChangeDetectionStrategy, Component } from '@angular/core';
import { DelayControl } from './delay-control';
import { FlowLog } from './flow-log';
import { FlowLogPanel } from './flow-log-panel';
import { ReplicaCounter } from './replica-counter';
import { SourceCounter } from './source-counter';
import { SpectatorCounter } from './spectator-counter';

/**
 * The default page: Ballast's sync example. One Source, three Replicas and three Spectators share
 * the State of channel `'counter'` through the in-memory transport.
 */
@Component({
  selector: 'app-counters-page',
  imports: [DelayControl, FlowLogPanel, ReplicaCounter, SourceCounter, SpectatorCounter],
  templateUrl: './counters-page.html',
  styleUrl: './counters-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
  providers: [FlowLog],
})
export class CountersPage {
  protected readonly replicas = [1, 2, 3];
  protected readonly spectators = [1, 2, 3];
}
