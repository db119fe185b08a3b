import { runScenario } from 'ballast-sync/testing';
import {
  INITIAL_TODOS,
  newTodoId,
  todoInputHandler,
  type TodoEvent,
  type TodoInput,
  type TodoState,
} from './todo-view-model';

function scenario(running: (send: (input: TodoInput) => Promise<unknown>) => Promise<void>) {
  return runScenario<TodoInput, TodoEvent, TodoState>({
    initialState: { todos: INITIAL_TODOS },
    inputHandler: todoInputHandler,
    running: (vm) => running((input) => vm.sendAndAwaitCompletion(input)),
  });
}

describe('todoInputHandler', () => {
  it('adds a todo with the id the Input carries, and posts TodoAdded', async () => {
    const results = await scenario(async (send) => {
      await send({ type: 'Add', id: 'a', title: '  Buy milk ' });
    });
    expect(results.latestState.todos.at(-1)).toEqual({ id: 'a', title: 'Buy milk', done: false });
    expect(results.events).toEqual([{ type: 'TodoAdded', title: 'Buy milk' }]);
  });

  it('ignores a blank title or an id it already has, without an error', async () => {
    const results = await scenario(async (send) => {
      await send({ type: 'Add', id: 'a', title: '   ' });
      await send({ type: 'Add', id: INITIAL_TODOS[0]?.id as string, title: 'again' });
    });
    expect(results.latestState.todos).toEqual(INITIAL_TODOS);
    expect(results.events).toEqual([]);
    expect(results.inputHandlerErrors).toEqual([]);
  });

  it('toggles and removes by id, and ignores unknown ids', async () => {
    const [first, second] = INITIAL_TODOS as [TodoState['todos'][0], TodoState['todos'][0]];
    const results = await scenario(async (send) => {
      await send({ type: 'Toggle', id: second.id });
      await send({ type: 'Remove', id: first.id });
      await send({ type: 'Toggle', id: 'missing' });
      await send({ type: 'Remove', id: 'missing' });
    });
    expect(results.latestState.todos).toEqual([{ ...second, done: true }]);
    expect(results.inputHandlerErrors).toEqual([]);
  });
});

describe('newTodoId', () => {
  it('makes a different id each time', () => {
    const ids = new Set(Array.from({ length: 1000 }, newTodoId));
    expect(ids.size).toBe(1000);
  });
});
