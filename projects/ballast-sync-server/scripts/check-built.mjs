// Checks the built server (dist/ballast-sync-server) against the built library (dist/ballast-sync)
// the way an app installs them: both copied into a temp node_modules (rxjs, ws, tslib and msgpackr linked),
// then a server is started there and one raw client joins, sends an Input and sees it applied.
//   node projects/ballast-sync-server/scripts/check-built.mjs   (after build.mjs)
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The program run in the temp folder, as an app would use the packages. */
const CHECK = `
import { createSyncServer } from 'ballast-sync-server';
import { SYNC_PROTOCOL_VERSION } from 'ballast-sync/core';
import { WebSocket } from 'ws';

const fail = (why) => { console.error('✗', why); process.exit(1); };
setTimeout(() => fail('timed out'), 20_000).unref();
const server = await createSyncServer({
  port: 0,
  host: '127.0.0.1',
  channels: {
    counter: {
      initialState: { count: 0 },
      inputHandler: (input, scope) => scope.updateState((s) => ({ count: s.count + input.by })),
      validateInput: (input) => typeof input?.by === 'number' || 'by must be a number',
    },
  },
});
const socket = new WebSocket('ws://127.0.0.1:' + server.port + '/ballast-sync');
const frames = [];
let sent = false;
const done = new Promise((resolve) => {
  socket.on('message', (data) => {
    const frame = JSON.parse(data.toString());
    frames.push(frame.type);
    if (frame.type === 'welcome') socket.send(JSON.stringify({ type: 'join', channel: 'counter', clientId: 'c1', role: 'replica' }));
    if (frame.type !== 'state') return;
    const { state, incarnation, version } = frame.state;
    if (!sent) {
      sent = true;
      const input = { protocol: SYNC_PROTOCOL_VERSION, id: 'i:1', clientId: 'c1', incarnation: 'i', seq: 1, firstUnacknowledged: 1, to: incarnation, seen: version, input: { by: 2 } };
      socket.send(JSON.stringify({ type: 'input', channel: 'counter', input }));
    } else if (state.count === 2 && frame.state.acks.i === 1) resolve();
  });
});
socket.on('open', () => socket.send(JSON.stringify({ type: 'hello', protocol: 1 })));
await done;
const closed = new Promise((resolve) => socket.on('close', (code) => resolve(code)));
await server.close();
const code = await closed;
if (code !== 1001) fail('closed with ' + code);
if (server.stats().channels.counter.inputsForwarded !== 1) fail('stats');
console.log('frames:', frames.join(' '));
`;

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const dist = join(root, 'dist');
for (const built of ['ballast-sync/package.json', 'ballast-sync-server/package.json']) {
  if (!existsSync(join(dist, built))) {
    console.error(
      `✗ dist/${built} is missing: run npx ng build ballast-sync, then node projects/ballast-sync-server/scripts/build.mjs`,
    );
    process.exit(1);
  }
}
const temp = mkdtempSync(join(tmpdir(), 'ballast-sync-server-check-'));
let status = 1;
try {
  const modules = join(temp, 'node_modules');
  mkdirSync(modules);
  cpSync(join(dist, 'ballast-sync'), join(modules, 'ballast-sync'), { recursive: true });
  cpSync(join(dist, 'ballast-sync-server'), join(modules, 'ballast-sync-server'), {
    recursive: true,
  });
  for (const name of ['rxjs', 'ws', 'tslib', 'msgpackr'])
    symlinkSync(join(root, 'node_modules', name), join(modules, name), 'dir');
  writeFileSync(join(temp, 'package.json'), '{ "type": "module", "private": true }\n');
  writeFileSync(join(temp, 'check.mjs'), CHECK);
  const run = spawnSync(process.execPath, ['check.mjs'], {
    cwd: temp,
    stdio: 'inherit',
    timeout: 30_000,
  });
  status = run.status ?? 1;
  console.log(
    status === 0 ? '✓ the built server serves a client' : '✗ the built server check failed',
  );
} finally {
  rmSync(temp, { recursive: true, force: true });
}
process.exit(status);
