/*
 * `npm run bench`: runs every case in its own Node process (node --expose-gc), then prints a
 * Markdown table and writes bench/results.json. Never part of `npm test` or CI. Cases 1, 2 and 9,
 * timed on the library's sources, are bundled with esbuild first (bench/lib/compile-case.ts: tsx's
 * keep-names transform slowed our code, not the baselines'); the others load through tsx.
 * Cases 3, 6 and 7 measure the built package (dist/ballast-sync, rebuilt when older than the
 * sources): memory and create/destroy in a plain `node --expose-gc` child on its .mjs files.
 * Case 8 runs the built server package (dist/ballast-sync-server) and its clients in separate
 * plain-Node processes (bench/websocket/).
 *
 *   npm run bench                 all cases (a few minutes)
 *   npm run bench -- --quick      fewer samples, to check the harness
 *   npm run bench -- --only=1,3   some cases
 *
 * A complete run writes bench/results.json; --quick and --only runs write tmp/bench-results.json.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import type { CaseOutput, CaseResult } from './lib/results';
import { compileCase } from './lib/compile-case';
import { markdownReport } from './lib/report';

const root = resolve(__dirname, '..');
const CASES = [
  {
    id: '1',
    file: 'bench/cases/engine-throughput.ts',
    title: 'engine throughput',
    compiled: true,
  },
  { id: '2', file: 'bench/cases/fan-out.ts', title: 'in-memory fan-out', compiled: true },
  { id: '3', file: 'bench/cases/memory.ts', title: 'memory per idle Replica (built package)' },
  { id: '4', file: 'bench/cases/angular-e2e.ts', title: 'Angular end to end (headless Chromium)' },
  { id: '5', file: 'bench/cases/cross-tab.ts', title: 'across tabs (headless Chromium)' },
  { id: '6', file: 'bench/cases/lifecycle.ts', title: 'create/destroy (built package)' },
  { id: '7', file: 'bench/cases/bundle.ts', title: 'bundle size (built package, esbuild)' },
  {
    id: '8',
    file: 'bench/cases/websocket-fan-out.ts',
    title: 'WebSocket fan-out (built server package, separate processes)',
  },
  {
    id: '9',
    file: 'bench/cases/deltas.ts',
    title: 'deltas vs full States (issue 15)',
    compiled: true,
  },
];

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const selected = CASES.filter((c) => !only || only.includes(c.id));

function version(pkg: string): string {
  return (
    JSON.parse(readFileSync(join(root, 'node_modules', pkg, 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;
}

function git(...gitArgs: string[]): string {
  try {
    return execFileSync('git', gitArgs, {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return 'unknown';
  }
}

function machine(): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memory_gib: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    v8: process.versions.v8,
    packages: Object.fromEntries(
      [
        '@angular/core',
        '@ngrx/store',
        '@ngrx/signals',
        'rxjs',
        'tinybench',
        'tsx',
        '@playwright/test',
        'broadcast-channel',
        'ws',
        'socket.io',
        'socket.io-client',
      ].map((p) => [p, version(p)]),
    ),
    commit: git('rev-parse', '--short', 'HEAD'),
    date: new Date().toISOString(),
    load_average_at_start: os.loadavg().map((l) => Number(l.toFixed(2))),
    quick,
  };
}

/** Cases that failed once and were run again (recorded in results.json). */
const retried: string[] = [];

async function runCase(
  c: { readonly file: string; readonly title: string; readonly compiled?: boolean },
  resultFile: string,
): Promise<CaseOutput> {
  const { file, title } = c;
  process.stderr.write(`\n[bench] === ${title} (${file})\n`);
  const started = Date.now();
  const args = c.compiled
    ? [await compileCase(root, file, join(root, 'tmp', 'bench-compiled'))] // resolves node_modules
    : ['--import', 'tsx', file];
  const run = () =>
    spawnSync(process.execPath, ['--expose-gc', ...args], {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, BENCH_RESULT_FILE: resultFile, BENCH_QUICK: quick ? '1' : '0' },
    });
  let result = run();
  if (result.status !== 0) {
    // Once more, from scratch: a headless Chromium that crashed should not cost a 5-minute run.
    // results.json says which cases needed it.
    process.stderr.write(
      `[bench] ${file} failed (exit ${result.status ?? result.signal}); running it once more\n`,
    );
    retried.push(file);
    result = run();
  }
  if (result.status !== 0)
    throw new Error(`${file} failed twice (exit ${result.status ?? result.signal})`);
  process.stderr.write(`[bench] === ${title}: ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  return JSON.parse(readFileSync(resultFile, 'utf8')) as CaseOutput;
}

async function main(): Promise<void> {
  const info = machine();
  const [load] = os.loadavg();
  if ((load as number) > os.cpus().length * 0.5) {
    process.stderr.write(
      `[bench] warning: load average ${(load as number).toFixed(1)} on ${os.cpus().length} cores; ` +
        'other processes will add noise (results.json records the load)\n',
    );
  }
  const tmp = mkdtempSync(join(os.tmpdir(), 'ballast-bench-'));
  const cases: CaseResult[] = [];
  try {
    for (const c of selected) {
      const output = await runCase(c, join(tmp, `case-${c.id}.json`));
      cases.push(...output.cases);
      Object.assign(info, output.info ?? {});
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  info['load_average_at_end'] = os.loadavg().map((l) => Number(l.toFixed(2)));
  info['cases_run_twice'] = retried;
  const results = { machine: info, cases };
  // Only a complete run replaces bench/results.json (the one the README quotes).
  const partial = quick || only !== undefined;
  const out = join(root, partial ? 'tmp/bench-results.json' : 'bench/results.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\n${markdownReport(results)}\n`);
  process.stderr.write(`[bench] wrote ${relative(root, out)}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
