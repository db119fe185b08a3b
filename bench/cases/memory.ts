/*
 * Case 3 — memory: heap per idle Replica with R = 1000 Replicas of one Source, measured after GC,
 * from the BUILT package (dist/ballast-sync, fesm2022) in a plain `node --expose-gc` process
 * (bench/built/replicas.mjs): no tsx, whose keep-names transform adds property stores to every
 * instance. Each sample builds everything afresh and releases it before the next.
 *
 *   3a  core: BasicViewModel + DefaultSyncConnection + BallastSyncInterceptor per Replica, versus
 *       one computed() over one shared signal per Replica (each read once).
 *   3b  Angular: a SyncViewModel provided with provideSyncViewModel in its own injector per Replica
 *       (as each component's providers make one), versus an injector per Replica holding a view
 *       (computed) of a shared signal service.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { builtPackage, root } from '../lib/built-package';
import {
  atMost,
  median,
  progress,
  quick,
  ratio,
  round,
  writeOutput,
  type CaseResult,
  type Measurement,
} from '../lib/results';

interface MemorySamples {
  readonly replicas: number;
  readonly coreOurs: number[];
  readonly coreBase: number[];
  readonly angularOurs: number[];
  readonly angularBase: number[];
}

function summary(values: readonly number[], replicas: number): Measurement {
  return {
    median_bytes: Math.round(median(values)),
    min_bytes: Math.round(Math.min(...values)),
    max_bytes: Math.round(Math.max(...values)),
    samples: values.length,
    replicas,
  };
}

function main(): void {
  const pkg = builtPackage();
  let raw: MemorySamples;
  try {
    progress('case 3: heap per idle Replica, R = 1000, from the built package');
    const out = execFileSync(
      process.execPath,
      ['--expose-gc', join(root, 'bench/built/replicas.mjs'), pkg.dir, 'memory', quick ? '1' : '0'],
      { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 },
    );
    raw = JSON.parse(out) as MemorySamples;
  } finally {
    pkg.remove();
  }
  const result = (
    name: string,
    baseline: string,
    ours: Measurement,
    base: Measurement,
    goalBytes: number,
    goalText: string,
    notes: string,
  ): CaseResult => ({
    name,
    baseline,
    unit: 'bytes',
    ours,
    base,
    ratio: ratio(ours.median_bytes as number, base.median_bytes as number),
    derived: {
      ours_kib_for_1000_replicas: round(((ours.median_bytes as number) * raw.replicas) / 1024, 4),
      base_kib_for_1000_replicas: round(((base.median_bytes as number) * raw.replicas) / 1024, 4),
    },
    goal: atMost(ours.median_bytes as number, goalBytes, goalText),
    notes,
  });
  writeOutput({
    cases: [
      result(
        '3a. memory per idle Replica (R=1000), core, built package',
        'one computed() over a shared signal',
        summary(raw.coreOurs, raw.replicas),
        summary(raw.coreBase, raw.replicas),
        2048,
        'ours ≤ 2 KiB',
        'BasicViewModel + DefaultSyncConnection + BallastSyncInterceptor per Replica, connected and idle, after GC; dist/ballast-sync fesm2022 in plain node --expose-gc.',
      ),
      result(
        '3b. memory per idle Replica (R=1000), Angular, built package',
        'an injector + computed() over a shared-signal service',
        summary(raw.angularOurs, raw.replicas),
        summary(raw.angularBase, raw.replicas),
        4096,
        'ours ≤ 4 KiB',
        'A SyncViewModel from provideSyncViewModel in its own injector per Replica (as a component provides it), connected and idle, after GC; dist/ballast-sync fesm2022 in plain node --expose-gc.',
      ),
    ],
    info: pkg.info,
  });
}

main();
