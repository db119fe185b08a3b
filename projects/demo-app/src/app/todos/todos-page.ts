import { ChangeDetectionStrategy, Component } from '@angular/core';
import { ReplicaTodos } from './replica-todos';
import { SourceTodos } from './source-todos';
import { SpectatorTodos } from './spectator-todos';

/** A shared todo list edited from a Replica and a Spectator side by side, with its Source. */
@Component({
  selector: 'app-todos-page',
  imports: [ReplicaTodos, SourceTodos, SpectatorTodos],
  templateUrl: './todos-page.html',
  styleUrl: './todos-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TodosPage {}
