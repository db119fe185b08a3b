// `npm start`: the demo sync server (projects/demo-app/sync-server) and `ng serve demo-app`, whose
// proxy forwards /ballast-sync to it. Extra arguments go to `ng serve`. Ctrl+C stops both.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name) => fileURLToPath(new URL(`../node_modules/.bin/${name}`, import.meta.url));
const children = [
  spawn(bin('tsx'), ['projects/demo-app/sync-server/main.ts'], { cwd: root, stdio: 'inherit' }),
  spawn(bin('ng'), ['serve', 'demo-app', ...process.argv.slice(2)], {
    cwd: root,
    stdio: 'inherit',
  }),
];

let stopping = false;
function stop(code) {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  process.exitCode = code;
}
for (const child of children) child.on('exit', (code) => stop(code ?? 0));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => stop(0));
