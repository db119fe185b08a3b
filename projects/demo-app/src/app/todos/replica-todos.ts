import { ChangeDetectionStrategy, Component } from '@angular/core';
import { provideSyncViewModel } from 'ballast-sync';
import { TodoPanel } from './todo-panel';
import { TodoViewModel } from './todo-view-model';

/** The Replica todo list: its edits apply at once and are forwarded to the Source. */
@Component({
  selector: 'app-replica-todos',
  imports: [TodoPanel],
  template: `<app-todo-panel title="Replica" />`,
  changeDetection: ChangeDetectionStrategy.OnPush,
  providers: [provideSyncViewModel(TodoViewModel, { role: 'replica' })],
  host: { 'data-testid': 'todos-replica' },
})
export class ReplicaTodos {}
