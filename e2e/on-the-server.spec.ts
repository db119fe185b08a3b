import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { SYNC_SERVER_PORT } from './sync-server-port';

/*
 * The "On the server" page in real Chromium against the real demo sync server (a child process
 * with a file snapshot store): two browser contexts are two devices. The server is killed during
 * the test and started again; the pages reconnect and nothing is lost.
 */

const root = resolve(__dirname, '..');
let data: string;
let server: ChildProcess | undefined;

/** Starts the demo sync server on the port the dev server proxies to; resolves once it listens. */
async function startServer(): Promise<void> {
  // One process (node --import tsx, not the tsx CLI, which runs the script in a child): a kill
  // must reach the server itself.
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'projects/demo-app/sync-server/main.ts'],
    {
      cwd: root,
      env: { ...process.env, BALLAST_SYNC_PORT: String(SYNC_SERVER_PORT), BALLAST_SYNC_DATA: data },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  server = child;
  await new Promise<void>((listening, failed) => {
    const timer = setTimeout(
      () => failed(new Error('the sync server did not start in 20 s')),
      20_000,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      if (String(chunk).includes('demo sync server on')) {
        clearTimeout(timer);
        listening();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      failed(new Error(`the sync server exited with ${String(code)} before listening`));
    });
  });
}

/** Kills the server abruptly (no graceful close): what a crash does. */
async function killServer(): Promise<void> {
  const child = server;
  server = undefined;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGKILL');
  await exited;
}

test.beforeEach(async () => {
  data = mkdtempSync(join(tmpdir(), 'ballast-sync-e2e-'));
  await startServer();
});

test.afterEach(async () => {
  await killServer();
  rmSync(data, { recursive: true, force: true });
});

/** What a device's page reported; the outage's own connection errors are expected. */
const problems = new Map<Page, string[]>();
const OUTAGE =
  /WebSocket connection to .* failed|could not connect to the sync server|502|Bad Gateway/;

async function openDevice(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const seen: string[] = [];
  problems.set(page, seen);
  page.on('pageerror', (error) => seen.push(`uncaught: ${error.message}`));
  page.on('console', (message) => {
    if (
      (message.type() === 'error' || message.type() === 'warning') &&
      !OUTAGE.test(message.text())
    )
      seen.push(`console.${message.type()}: ${message.text()}`);
  });
  await page.goto('/on-the-server');
  await expect(replica(page).getByTestId('link-status')).toHaveText('connected');
  return { context, page };
}

const replica = (page: Page) => page.getByTestId('server-todos-replica');
const spectator = (page: Page) => page.getByTestId('server-todos-spectator');
const titles = (page: Page, panel: typeof replica) => panel(page).getByTestId('todo-title');

async function addTodo(page: Page, title: string): Promise<void> {
  await replica(page).getByTestId('new-todo').fill(title);
  await replica(page).getByTestId('add-todo').click();
}

test('two devices share the server’s todo list, and a server crash loses nothing', async ({
  browser,
}) => {
  const first = await openDevice(browser);
  const second = await openDevice(browser);
  const initial = ['Play with the sync counters', 'Add a todo from the Replica'];
  for (const { page } of [first, second]) await expect(titles(page, spectator)).toHaveText(initial);

  await addTodo(first.page, 'from the first device');
  for (const { page } of [first, second])
    await expect(titles(page, spectator)).toHaveText([...initial, 'from the first device']);

  // The server crashes: both devices say so, and keep working locally.
  await killServer();
  for (const { page } of [first, second])
    await expect(replica(page).getByTestId('link-status')).toHaveText('disconnected');
  await addTodo(first.page, 'written offline');
  await addTodo(second.page, 'also offline');
  await expect(titles(first.page, replica)).toHaveText([
    ...initial,
    'from the first device',
    'written offline',
  ]);

  // It comes back from its snapshot; the pages reconnect and deliver what they held, once. Which
  // device reconnects first decides the order of the two offline todos.
  await startServer();
  const expected = [...initial, 'from the first device', 'written offline', 'also offline'];
  for (const { page } of [first, second]) {
    await expect(replica(page).getByTestId('link-status')).toHaveText('connected', {
      timeout: 20_000,
    });
    await expect(titles(page, spectator)).toHaveCount(expected.length, { timeout: 10_000 });
  }
  const lists = await Promise.all(
    [first, second].flatMap(({ page }) =>
      [spectator, replica].map((panel) => titles(page, panel).allTextContents()),
    ),
  );
  for (const list of lists) {
    expect(list).toEqual(lists[0]); // every panel of both devices shows the same list…
    expect([...list].sort()).toEqual([...expected].sort()); // …with every todo exactly once
  }

  for (const { context } of [first, second]) await context.close();
  const all = [...problems.values()].flat();
  problems.clear();
  expect(all, 'errors or warnings in the pages').toEqual([]);
});
