/*
 * Case 6 — create/destroy: the time to create a SyncViewModel in its own injector (what a
 * component with `providers: [provideSyncViewModel(...)]` costs when it appears) and to destroy
 * it, versus an injector holding a computed() view of a shared-signal service. From the BUILT
 * package in a plain `node --expose-gc` process (bench/built/replicas.mjs), with the channel's
 * Source already in the root injector, so that each instance joins a live channel.
 *
 * A sample is a batch of 200: created back to back (Injector.create, get, one State read), left
 * to connect and settle for two macrotasks (not timed), then destroyed back to back; the time per
 * instance is the batch time / 200. The sides alternate twice.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { builtPackage, root } from '../lib/built-package';
import {
  atMost,
  progress,
  quick,
  ratio,
  round,
  timeSummary,
  writeOutput,
  type CaseResult,
} from '../lib/results';

interface Side {
  readonly create_us: number[];
  readonly destroy_us: number[];
  readonly batch: number;
}

function main(): void {
  const pkg = builtPackage();
  let raw: { ours: Side; base: Side };
  try {
    progress('case 6: create/destroy in its own injector, from the built package');
    const out = execFileSync(
      process.execPath,
      [
        '--expose-gc',
        join(root, 'bench/built/replicas.mjs'),
        pkg.dir,
        'lifecycle',
        quick ? '1' : '0',
      ],
      { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 },
    );
    raw = JSON.parse(out) as { ours: Side; base: Side };
  } finally {
    pkg.remove();
  }
  const ms = (us: number[]) => us.map((v) => v / 1e3);
  const row = (
    what: 'create' | 'destroy',
    goalUs: number,
    name: string,
    baseline: string,
  ): CaseResult => {
    const key = what === 'create' ? 'create_us' : 'destroy_us';
    const ours = timeSummary(ms(raw.ours[key]), { batch: raw.ours.batch });
    const base = timeSummary(ms(raw.base[key]), { batch: raw.base.batch });
    const oursMs = ours.median_ms as number;
    return {
      name,
      baseline,
      unit: 'ms',
      ours,
      base,
      ratio: ratio(oursMs, base.median_ms as number),
      derived: {
        ours_us: round(oursMs * 1e3),
        base_us: round((base.median_ms as number) * 1e3),
      },
      goal: atMost(oursMs, goalUs / 1e3, `ours ≤ ${goalUs} µs`),
      notes:
        'Per instance, from batches of 200 (median over batches); dist/ballast-sync fesm2022 in plain node --expose-gc, production mode, a zoneless root injector holding the Source.',
    };
  };
  writeOutput({
    cases: [
      row(
        'create',
        20,
        '6a. create a SyncViewModel in its own injector (Replica)',
        'Injector.create + a computed() view of a shared-signal service',
      ),
      row(
        'destroy',
        5,
        '6b. destroy that injector (the SyncViewModel is cleared)',
        'destroy the injector holding the computed() view',
      ),
    ],
    info: pkg.info,
  });
}

main();
