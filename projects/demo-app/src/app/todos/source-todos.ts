import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { provideSyncViewModel } from 'ballast-sync';
import { SERVER_TODOS } from './server-todos';
import { TodoPanel } from './todo-panel';
import { TodoViewModel } from './todo-view-model';

/** The Source todo list (in a real app it would live on a server): every change reaches both panels. */
@Component({
  selector: 'app-source-todos',
  imports: [TodoPanel],
  template: `<app-todo-panel title="Source" />`,
  changeDetection: ChangeDetectionStrategy.OnPush,
  providers: [
    provideSyncViewModel(TodoViewModel, () => {
      // On the server: its own todos. In the browser: the State the server rendered.
      const serverTodos = inject(SERVER_TODOS, { optional: true });
      return serverTodos
        ? { role: 'source', initialState: { todos: serverTodos } }
        : { role: 'source' };
    }),
  ],
  host: { 'data-testid': 'todos-source' },
})
export class SourceTodos {}
