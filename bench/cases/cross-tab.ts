/*
 * Case 5 — across tabs, in headless Chromium: two tabs (pages) of one browser context.
 *
 *   5a/5b round trip: a Replica tab's Input until a State of the Source tab acknowledges it
 *         (BroadcastChannelSyncTransport, engine level: BasicViewModel + DefaultSyncConnection),
 *         against a raw BroadcastChannel ping-pong between the same two tabs (the floor) and the
 *         `broadcast-channel` npm package's ping-pong. Samples interleave in blocks, so drift
 *         affects all three alike.
 *   5c    failover: from closing the Source tab (both tabs 'elected') until the other tab
 *         publishes its first State as the new Source, against the npm package's LeaderElection
 *         takeover (closing the leader tab until the other's awaitLeadership() resolves). Clocks:
 *         Node's and the page's performance.timeOrigin + performance.now() (one machine clock).
 *
 * The page is bench/cross-tab/page.ts, bundled here with esbuild and served from
 * http://bench.localhost (a secure context: Web Locks) with cross-origin isolation (5 µs timers).
 */
import type { BrowserContext, Page } from '@playwright/test';
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromiumExecutable } from '../../e2e/chromium';
import { openIsolatedBrowser } from '../lib/isolated-browser';
import {
  median,
  progress,
  quick,
  ratio,
  round,
  timeSummary,
  writeOutput,
  type Measurement,
} from '../lib/results';

const ROUNDS = 3;
const PER_ROUND = quick ? 20 : 150;
const WARM_UP = quick ? 10 : 50;
const FAILOVERS = quick ? 4 : 15;
const ORIGIN = 'http://bench.localhost';
const source = resolve(__dirname, '../cross-tab');
const out = resolve(__dirname, '../../tmp/bench-cross-tab');

type Bench = {
  join(namespace: string, role: string): Promise<string>;
  ours(): Promise<number>;
  firstPublishedAt(): number | undefined;
  promotedAt(): number | undefined;
  echo(kind: 'raw' | 'npm', name: string): void;
  ping(kind: 'raw' | 'npm', name: string): Promise<number>;
  prime(kind: 'raw' | 'npm', name: string): Promise<void>;
  npmLeader(name: string): Promise<void>;
  visibility(): string;
};
declare const bench: Bench;

const now = () => performance.timeOrigin + performance.now();
const pause = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** A round trip takes milliseconds: one that has not ended after this long was lost. */
const ROUND_TRIP_TIMEOUT_MS = 10_000;

/** `roundTrip`, or an error naming `kind` once it took ROUND_TRIP_TIMEOUT_MS (never a hang). */
function bounded(kind: string, roundTrip: Promise<number>): Promise<number> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`case 5: a ${kind} round trip did not end within 10 s`)),
      ROUND_TRIP_TIMEOUT_MS,
    );
  });
  return Promise.race([roundTrip, timeout]).finally(() => clearTimeout(timer));
}

async function bundle(): Promise<void> {
  progress('case 5: bundling the benchmark page (esbuild, minified)');
  mkdirSync(out, { recursive: true });
  await build({
    entryPoints: [join(source, 'page.ts')],
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    tsconfig: resolve(__dirname, '../../tsconfig.json'),
    outfile: join(out, 'page.js'),
    logLevel: 'warning',
  });
}

async function open(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => progress(`case 5: page error: ${error.message}`));
  await page.goto(`${ORIGIN}/`);
  await page.waitForFunction(() => typeof bench === 'object');
  return page;
}

async function roundTrips(context: BrowserContext): Promise<Record<string, number[]>> {
  const replicaTab = await open(context);
  const sourceTab = await open(context);
  const ns = `rt-${Date.now()}`;
  await sourceTab.evaluate((n) => bench.join(n, 'source'), ns);
  await replicaTab.evaluate((n) => bench.join(n, 'replica'), ns);
  await sourceTab.evaluate((n) => {
    bench.echo('raw', `raw-${n}`);
    bench.echo('npm', `npm-${n}`);
  }, ns);
  await replicaTab.evaluate(async (n) => {
    await bench.prime('raw', `raw-${n}`);
    await bench.prime('npm', `npm-${n}`);
  }, ns);
  const visibility = await Promise.all(
    [replicaTab, sourceTab].map((p) => p.evaluate(() => bench.visibility())),
  );
  progress(`case 5: tabs are ${visibility.join(' and ')}`);
  const kinds = {
    ours: () =>
      bounded(
        'ours',
        replicaTab.evaluate(() => bench.ours()),
      ),
    raw: () =>
      bounded(
        'raw',
        replicaTab.evaluate((n) => bench.ping('raw', `raw-${n}`), ns),
      ),
    npm: () =>
      bounded(
        'npm',
        replicaTab.evaluate((n) => bench.ping('npm', `npm-${n}`), ns),
      ),
  };
  const samples: Record<string, number[]> = { ours: [], raw: [], npm: [] };
  for (const run of Object.values(kinds)) for (let i = 0; i < WARM_UP; i++) await run();
  for (let r = 0; r < ROUNDS; r++) {
    for (const [kind, run] of Object.entries(kinds)) {
      for (let i = 0; i < PER_ROUND; i++) {
        samples[kind]?.push(await run());
        await pause(2);
      }
    }
    progress(`case 5: round trip round ${r + 1}/${ROUNDS} done`);
  }
  await replicaTab.close();
  await sourceTab.close();
  return samples;
}

async function failovers(context: BrowserContext): Promise<Record<string, number[]>> {
  const samples: Record<string, number[]> = { ours: [], npm: [], elected: [] };
  for (let i = 0; i < FAILOVERS; i++) {
    const ns = `fo-${Date.now()}-${i}`;
    // Ours: two elected tabs; the first leads.
    const leader = await open(context);
    if ((await leader.evaluate((n) => bench.join(n, 'elected'), ns)) !== 'source')
      throw new Error('case 5: the first elected tab did not lead');
    const follower = await open(context);
    await follower.evaluate((n) => bench.join(n, 'elected'), ns);
    let started = now();
    await leader.close();
    await follower.waitForFunction(() => bench.firstPublishedAt() !== undefined, undefined, {
      polling: 1,
      timeout: 10_000,
    });
    const [publishedAt, promotedAt] = await follower.evaluate(() => [
      bench.firstPublishedAt() as number,
      bench.promotedAt() as number,
    ]);
    samples['ours']?.push(publishedAt - started);
    samples['elected']?.push(promotedAt - started);
    await follower.close();

    // The npm package: LeaderElection on its BroadcastChannel.
    const npmLeader = await open(context);
    await npmLeader.evaluate((n) => bench.npmLeader(n), ns);
    await npmLeader.waitForFunction(
      () => (window as unknown as { npmLeaderAt?: number }).npmLeaderAt !== undefined,
    );
    const npmFollower = await open(context);
    await npmFollower.evaluate((n) => bench.npmLeader(n), ns);
    await pause(50);
    started = now();
    await npmLeader.close();
    await npmFollower.waitForFunction(
      () => (window as unknown as { npmLeaderAt?: number }).npmLeaderAt !== undefined,
      undefined,
      { polling: 1, timeout: 10_000 },
    );
    samples['npm']?.push(
      (await npmFollower.evaluate(
        () => (window as unknown as { npmLeaderAt: number }).npmLeaderAt,
      )) - started,
    );
    await npmFollower.close();
    progress(`case 5: failover ${i + 1}/${FAILOVERS} done`);
  }
  return samples;
}

function row(name: string, baseline: string, ours: Measurement, base: Measurement, notes: string) {
  return {
    name,
    baseline,
    unit: 'ms' as const,
    ours,
    base,
    ratio: ratio(ours.median_ms as number, base.median_ms as number),
    derived: {
      ours_p90_ms: ours['p90_ms'] as number,
      base_p90_ms: base['p90_ms'] as number,
      p90_ratio: ratio(ours['p90_ms'] as number, base['p90_ms'] as number),
    },
    notes,
  };
}

async function main(): Promise<void> {
  if (!existsSync(chromiumExecutable)) {
    progress(`case 5: skipped, no Chromium at ${chromiumExecutable} (set CHROMIUM_PATH)`);
    writeOutput({ cases: [], info: { case5: `skipped: no Chromium at ${chromiumExecutable}` } });
    return;
  }
  await bundle();
  const npmVersion = (
    JSON.parse(readFileSync(require.resolve('broadcast-channel/package.json'), 'utf8')) as {
      version: string;
    }
  ).version;
  const browser = await openIsolatedBrowser('cross-tab', ORIGIN, (path) =>
    path === '/' ? join(source, 'index.html') : join(out, path.slice(1)),
  );
  const context = browser.context;
  try {
    const trips = await roundTrips(context);
    const fails = await failovers(context);
    const [ours, raw, npm] = [trips['ours'], trips['raw'], trips['npm']].map((s) =>
      timeSummary(s as number[]),
    ) as [Measurement, Measurement, Measurement];
    const oursFail = timeSummary(fails['ours'] as number[], {
      elected_median_ms: round(median(fails['elected'] as number[])),
    });
    const npmFail = timeSummary(fails['npm'] as number[]);
    const chromiumVersion = execFileSync(chromiumExecutable, ['--version'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    const trip = 'a Replica tab’s Input until a Source-tab State acknowledges it';
    writeOutput({
      cases: [
        row(
          `5a. across tabs: ${trip} (headless Chromium)`,
          'raw BroadcastChannel ping-pong between the same two tabs (the floor)',
          ours,
          raw,
          'BroadcastChannelSyncTransport, BasicViewModel + DefaultSyncConnection (no Angular), Source in the other tab; both tabs visible.',
        ),
        row(
          `5b. across tabs: ${trip} (headless Chromium)`,
          `broadcast-channel ${npmVersion} (npm) ping-pong between the same two tabs`,
          ours,
          npm,
          'The npm package in its default (native BroadcastChannel) mode.',
        ),
        row(
          '5c. failover: close the Source tab until the new Source publishes (headless Chromium)',
          `broadcast-channel ${npmVersion} LeaderElection: close the leader tab until awaitLeadership() resolves`,
          oursFail,
          npmFail,
          `Two elected tabs; ours includes the Web Locks hand-over (elected after ${String(oursFail['elected_median_ms'])} ms, median), the snapshot barrier, the claim and the first publish.`,
        ),
      ],
      info: { chromium: chromiumVersion, 'broadcast-channel': npmVersion },
    });
    progress(
      `case 5: round trip median ${round(ours.median_ms as number)} ms vs raw ${round(raw.median_ms as number)} ms, npm ${round(npm.median_ms as number)} ms; ` +
        `failover ${round(oursFail.median_ms as number)} ms vs npm ${round(npmFail.median_ms as number)} ms`,
    );
  } finally {
    await browser.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
