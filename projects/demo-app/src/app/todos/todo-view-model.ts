import { Injectable } from '@angular/core';
import { SyncViewModel } from 'ballast-sync';
import {
  INITIAL_TODOS,
  todoInputHandler,
  type TodoEvent,
  type TodoInput,
  type TodoState,
} from './todo-model';

export * from './todo-model';

/** A shared todo list on channel `'todos'`. */
@Injectable()
export class TodoViewModel extends SyncViewModel<TodoInput, TodoEvent, TodoState> {
  constructor() {
    super({
      name: 'todos',
      initialState: { todos: INITIAL_TODOS },
      inputHandler: todoInputHandler,
    });
  }
}
