/*
 * The todo list's model, free of Angular: the browser's TodoViewModel and the demo sync server
 * (projects/demo-app/sync-server) run the same InputHandler.
 */
import type { InputHandler } from 'ballast-sync/core';

export interface Todo {
  /** Made by the sender (see {@link newTodoId}), so every ViewModel that handles the Input agrees. */
  readonly id: string;
  readonly title: string;
  readonly done: boolean;
}

export interface TodoState {
  readonly todos: readonly Todo[];
}

export type TodoInput =
  | { readonly type: 'Add'; readonly id: string; readonly title: string }
  | { readonly type: 'Toggle'; readonly id: string }
  | { readonly type: 'Remove'; readonly id: string };

export type TodoEvent = { readonly type: 'TodoAdded'; readonly title: string };

export const INITIAL_TODOS: readonly Todo[] = [
  { id: 'todo-counters', title: 'Play with the sync counters', done: true },
  { id: 'todo-replica', title: 'Add a todo from the Replica', done: false },
];

/**
 * Runs on the Source and on the ViewModel where the Input was sent, so it must be deterministic:
 * ids travel inside the Input instead of being generated here.
 */
export const todoInputHandler: InputHandler<TodoInput, TodoEvent, TodoState> = (input, scope) => {
  const { todos } = scope.getCurrentState();
  switch (input.type) {
    case 'Add': {
      const title = input.title.trim();
      if (title === '' || todos.some((todo) => todo.id === input.id)) return scope.noOp();
      scope.updateState((state) => ({
        todos: [...state.todos, { id: input.id, title, done: false }],
      }));
      return scope.postEvent({ type: 'TodoAdded', title });
    }
    case 'Toggle':
      if (!todos.some((todo) => todo.id === input.id)) return scope.noOp();
      return scope.updateState((state) => ({
        todos: state.todos.map((todo) =>
          todo.id === input.id ? { ...todo, done: !todo.done } : todo,
        ),
      }));
    case 'Remove':
      if (!todos.some((todo) => todo.id === input.id)) return scope.noOp();
      return scope.updateState((state) => ({
        todos: state.todos.filter((todo) => todo.id !== input.id),
      }));
  }
};

let sequence = 0;

/** A new todo id, unique across ViewModels and tabs. */
export function newTodoId(): string {
  const random = Math.random().toString(36).slice(2, 8);
  return `todo-${Date.now().toString(36)}-${random}-${(sequence++).toString(36)}`;
}
