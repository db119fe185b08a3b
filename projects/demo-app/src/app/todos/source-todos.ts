import { ChangeDetectionStrategy, Component } from '@angular/core';
import { provideSyncViewModel } from 'ballast-sync';
import { TodoPanel } from './todo-panel';
import { TodoViewModel } from './todo-view-model';

/** The Source todo list (in a real app it would live on a server): every change reaches both panels. */
@Component({
  selector: 'app-source-todos',
  imports: [TodoPanel],
  template: `<app-todo-panel title="Source" />`,
  changeDetection: ChangeDetectionStrategy.OnPush,
  providers: [provideSyncViewModel(TodoViewModel, { role: 'source' })],
  host: { 'data-testid': 'todos-source' },
})
export class SourceTodos {}
