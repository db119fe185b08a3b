/*
 * Case 4 — Angular end to end, in headless Chromium: the time from a click in one component until
 * all N = 100 components show the new value in the DOM.
 *
 *   ours: 1 Source + 99 Replica components, each with its own SyncViewModel (provideSyncViewModel),
 *         zoneless and OnPush; the click is in a Replica, so it travels the whole sync path.
 *   base: 100 components bound to one shared signal in a root service.
 *
 * The page is bench/browser (a bench-only Angular workspace), built here with `ng build` in
 * production mode. Each click runs in its own browser task (one page.evaluate per click), as a
 * user's click does; the page measures with performance.now() (cross-origin isolated, so the timer
 * is not coarsened to 100 µs) and a MutationObserver that stops the clock when the last of the N
 * counters changed.
 */
import type { BrowserContext, Page } from '@playwright/test';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromiumExecutable } from '../../e2e/chromium';
import { openIsolatedBrowser } from '../lib/isolated-browser';
import { progress, quick, ratio, round, timeSummary, writeOutput } from '../lib/results';

const N = 100;
const CLICKED = 50; // a Replica in ours (index 0 is the Source)
const WARM_UP = quick ? 10 : 30;
const SAMPLES_PER_ROUND = quick ? 20 : 100;
const ROUNDS = 2; // signal, sync, signal, sync: drift affects both alike
const GAP_MS = 15;

const workspace = resolve(__dirname, '../browser');
/** Where bench/browser/angular.json builds to (git- and lint-ignored). */
const dist = resolve(__dirname, '../../tmp/bench-app/browser');
const ORIGIN = 'http://bench.localhost';

function build(): void {
  progress('case 4: building the benchmark page (ng build, production)');
  const ng = require.resolve('@angular/cli/bin/ng.js');
  const result = spawnSync(process.execPath, [ng, 'build'], {
    cwd: workspace,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, CI: 'true', NG_CLI_ANALYTICS: 'false' },
  });
  if (result.status !== 0 || !existsSync(join(dist, 'main.js')))
    throw new Error('case 4: ng build of bench/browser failed');
}

async function open(context: BrowserContext, mode: 'sync' | 'signal'): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => progress(`case 4: page error: ${error.message}`));
  await page.goto(`${ORIGIN}/?mode=${mode}&n=${N}`);
  const ready = await page.evaluate(
    () => (window as unknown as { benchReady: Promise<{ mode: string; n: number }> }).benchReady,
  );
  if (ready.mode !== mode || ready.n !== N)
    throw new Error(`case 4: page not ready: ${JSON.stringify(ready)}`);
  const isolated = await page.evaluate(() => crossOriginIsolated);
  if (!isolated)
    progress('case 4: warning: page not cross-origin isolated; performance.now() is coarse');
  return page;
}

async function clicks(page: Page, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    times.push(
      await page.evaluate(
        (index) =>
          (window as unknown as { benchClick(i: number): Promise<number> }).benchClick(index),
        CLICKED,
      ),
    );
    await new Promise((done) => setTimeout(done, GAP_MS)); // let the previous click's work settle
  }
  return times;
}

async function main(): Promise<void> {
  if (!existsSync(chromiumExecutable)) {
    progress(`case 4: skipped, no Chromium at ${chromiumExecutable} (set CHROMIUM_PATH)`);
    writeOutput({ cases: [], info: { case4: `skipped: no Chromium at ${chromiumExecutable}` } });
    return;
  }
  build();
  const browser = await openIsolatedBrowser('chromium', ORIGIN, (path) =>
    join(dist, path === '/' ? 'index.html' : path.slice(1)),
  );
  const context = browser.context;
  try {
    const samples: Record<'sync' | 'signal', number[]> = { sync: [], signal: [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const mode of ['signal', 'sync'] as const) {
        const page = await open(context, mode);
        await clicks(page, WARM_UP);
        samples[mode].push(...(await clicks(page, SAMPLES_PER_ROUND)));
        await page.close();
        progress(`case 4: ${mode} round ${round + 1}/${ROUNDS} done`);
      }
    }
    const chromiumVersion = execFileSync(chromiumExecutable, ['--version'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    const ours = timeSummary(samples.sync, { components: N });
    const base = timeSummary(samples.signal, { components: N });
    writeOutput({
      cases: [
        {
          name: `4. Angular e2e: click until ${N} components show it (headless Chromium)`,
          baseline: `${N} components bound to one shared signal`,
          unit: 'ms',
          ours,
          base,
          ratio: ratio(ours.median_ms as number, base.median_ms as number),
          derived: {
            ours_us_per_component: round(((ours.median_ms as number) * 1e3) / N),
            base_us_per_component: round(((base.median_ms as number) * 1e3) / N),
          },
          notes: `1 Source + ${N - 1} Replica components (zoneless, OnPush, production build); click in a Replica; clock stops when the last counter's text changed.`,
        },
      ],
      info: { chromium: chromiumVersion },
    });
  } finally {
    await browser.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
