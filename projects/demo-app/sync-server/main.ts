/*
 * The demo's sync server: hosts the Source of the "On the server" page's todo list, with the same
 * InputHandler as the browser. `npm run server` runs it alone; `npm start` runs it with `ng serve`,
 * whose proxy (projects/demo-app/proxy.conf.mjs) forwards /ballast-sync to it.
 *
 *   BALLAST_SYNC_PORT   port to listen on (default 4201)
 *   BALLAST_SYNC_DATA   directory of the channels' snapshots (default tmp/demo-sync-server)
 */
import { resolve } from 'node:path';
import { createSyncServer, defineSyncChannel, FileSnapshotStore } from 'ballast-sync-server';
import { INITIAL_TODOS, todoInputHandler, type TodoInput } from '../src/app/todos/todo-model';

const port = Number(process.env['BALLAST_SYNC_PORT'] ?? 4201);
const data = resolve(process.env['BALLAST_SYNC_DATA'] ?? 'tmp/demo-sync-server');

/** What a todo Input must look like before the server's Source handles it. */
function todoInputProblem(input: unknown): true | string {
  const value = input as Partial<Record<string, unknown>> | null;
  if (typeof value !== 'object' || value === null) return 'an Input is an object';
  const isId = typeof value['id'] === 'string' && value['id'].length <= 100;
  switch (value['type']) {
    case 'Add':
      return (
        (isId && typeof value['title'] === 'string' && value['title'].length <= 200) ||
        'Add needs an id and a title of at most 200 characters'
      );
    case 'Toggle':
    case 'Remove':
      return isId || `${String(value['type'])} needs an id`;
    default:
      return 'type must be Add, Toggle or Remove';
  }
}

const todos = defineSyncChannel({
  initialState: { todos: INITIAL_TODOS },
  inputHandler: todoInputHandler,
  validateInput: (input: TodoInput) => todoInputProblem(input),
});

async function main(): Promise<void> {
  const server = await createSyncServer({
    port,
    host: '127.0.0.1',
    channels: { todos },
    snapshots: new FileSnapshotStore(data),
  });
  console.log(
    `ballast-sync demo sync server on ws://127.0.0.1:${server.port}/ballast-sync (snapshots in ${data})`,
  );
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    // Graceful: queued Inputs finish, snapshots are written, clients are told to reconnect.
    process.once(signal, () => void server.close().then(() => process.exit(0)));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
