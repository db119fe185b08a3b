import { InjectionToken, type Provider } from '@angular/core';
import { INITIAL_TODOS, type Todo } from './todo-view-model';

/**
 * The todos the server knows (provided by the server config only). In the browser it is absent:
 * the Source starts from the State the server rendered, handed over by withTransferState().
 */
export const SERVER_TODOS = new InjectionToken<readonly Todo[]>('demo: the server’s todos');

/** A todo only the server has: the browser can show it only through the hand-off. */
export const SERVER_RENDERED_TODO: Todo = {
  id: 'todo-server',
  title: 'Rendered on the server',
  done: false,
};

/** The server's todos (for the server config): the seed, plus one only the server has. */
export function provideServerTodos(): Provider {
  return { provide: SERVER_TODOS, useValue: [...INITIAL_TODOS, SERVER_RENDERED_TODO] };
}
