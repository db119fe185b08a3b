import { ChangeDetectionStrategy, Component } from '@angular/core';
import { provideSyncViewModel } from 'ballast-sync';
import { TodoPanel } from './todo-panel';
import { TodoViewModel } from './todo-view-model';

/** The Spectator todo list: its edits stay local until the Source changes. */
@Component({
  selector: 'app-spectator-todos',
  imports: [TodoPanel],
  template: `<app-todo-panel title="Spectator" />`,
  changeDetection: ChangeDetectionStrategy.OnPush,
  providers: [provideSyncViewModel(TodoViewModel, { role: 'spectator' })],
  host: { 'data-testid': 'todos-spectator' },
})
export class SpectatorTodos {}
