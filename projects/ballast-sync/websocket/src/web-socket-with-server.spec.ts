/**
 * @jest-environment node
 */
// Runs test/server-round-trip.test.ts (real sockets, the real ballast-sync-server) in its own Node
// process: the server's ES-module sources load with tsx, which Jest's CommonJS transform cannot.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../../../..');
const testFile = join(root, 'projects/ballast-sync/websocket/test/server-round-trip.test.ts');
const serverSources = join(root, 'projects/ballast-sync-server/src/public-api.ts');

describe('WebSocketSyncTransport with ballast-sync-server (real sockets)', () => {
  (existsSync(serverSources) ? it : it.skip)(
    'two Replicas and a Spectator converge, and lose nothing when the link is cut and restored',
    () => {
      const run = spawnSync(
        process.execPath,
        ['--import', 'tsx', '--test', '--test-reporter=tap', testFile],
        { cwd: root, encoding: 'utf8', timeout: 60_000 },
      );
      const output = `${run.stdout}\n${run.stderr}`;
      if (run.status !== 0 || !/^# pass 1$/m.test(output)) throw new Error(output);
    },
    70_000,
  );
});
