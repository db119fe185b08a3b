import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { burst, expectConverged } from './helpers/burst.js';
import { within } from './helpers/wait.js';

const script = fileURLToPath(new URL('./helpers/server-process.ts', import.meta.url));
const root = fileURLToPath(new URL('../../..', import.meta.url));

/** Starts the server process; resolves with it and its port once it listens. */
async function startServer(
  port: number,
  directory: string,
): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, String(port), directory], {
    cwd: root, // the root tsconfig maps ballast-sync/* to the library sources for tsx
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const listening = new Promise<number>((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening (\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) =>
      reject(new Error(`the server process exited (${code}) before listening`)),
    );
  });
  return { child, port: await within(listening, 20_000, 'the server process to listen') };
}

function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  return within(exited, 10_000, `the server process to exit on ${signal}`);
}

test(
  'the server process killed (SIGKILL) mid-burst and restarted on the same port: 5 × 200 Inputs applied exactly once',
  { timeout: 90_000 },
  async () => {
    const directory = await mkdtemp(join(tmpdir(), 'ballast-sync-server-'));
    let server = await startServer(0, directory);
    const url = `ws://127.0.0.1:${server.port}/ballast-sync`;
    let killed = false;
    const run = await burst(url, 5, 200, async (sent) => {
      if (killed || sent < 500) return;
      killed = true;
      await kill(server.child, 'SIGKILL');
      server = await startServer(server.port, directory);
    });
    try {
      assert.ok(killed);
      await expectConverged(url, run.replicas, 1000);
      assert.deepEqual(await readdir(directory), ['counter.snapshot.json']); // no temporary file left
    } finally {
      run.stop();
      await kill(server.child, 'SIGTERM');
      await rm(directory, { recursive: true, force: true });
    }
  },
);
