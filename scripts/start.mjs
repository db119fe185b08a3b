// `npm start`: `ng serve demo-app` and the demo sync server (projects/demo-app/sync-server), to
// which the dev server's proxy forwards /ballast-sync. Extra arguments go to `ng serve`. Ctrl+C
// stops both; if the sync server cannot run (its port is taken, say), the demo still serves and
// only its "On the server" page says disconnected.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name) => fileURLToPath(new URL(`../node_modules/.bin/${name}`, import.meta.url));

const server = spawn(bin('tsx'), ['projects/demo-app/sync-server/main.ts'], {
  cwd: root,
  stdio: 'inherit',
});
const ngServe = spawn(bin('ng'), ['serve', 'demo-app', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});

server.on('exit', (code, signal) => {
  if (!stopping) {
    console.warn(
      `The demo sync server stopped (${signal ?? `exit code ${code}`}); the demo goes on, and its ` +
        '"On the server" page says disconnected until `npm run server` runs.',
    );
  }
});
ngServe.on('exit', (code) => stop(code ?? 0));

let stopping = false;
function stop(code) {
  if (stopping) return;
  stopping = true;
  for (const child of [server, ngServe]) if (child.exitCode === null) child.kill('SIGTERM');
  process.exitCode = code;
}
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => stop(0));
