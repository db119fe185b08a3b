/*
 * What every benchmark case reports, and the helpers cases use to build it. A case runs in its own
 * Node process (see bench/run.ts) and writes its results as JSON to the file named by
 * BENCH_RESULT_FILE; progress goes to stderr.
 */
import { writeFileSync } from 'node:fs';
import type { Bench, Task } from 'tinybench';

/** One side of a comparison. Time cases carry `median_ms`, memory cases `median_bytes`. */
export interface Measurement {
  readonly median_ms?: number;
  readonly median_bytes?: number;
  readonly samples: number;
  readonly [detail: string]: unknown;
}

/**
 * A goal of issue 12 that a row is judged by: `text` says it (e.g. "ours ≤ 30 µs (Node)"), `met`
 * whether this run's medians meet it. Rows without a goal carry none.
 */
export interface Goal {
  readonly text: string;
  readonly met: boolean;
}

export interface CaseResult {
  readonly name: string;
  /** What "base" measures. */
  readonly baseline: string;
  /** `bytes`: heap bytes (memory) or gzip bytes (bundle); `ms`: time. */
  readonly unit: 'ms' | 'bytes';
  readonly ours: Measurement;
  readonly base: Measurement;
  /** ours / baseline (lower is better). */
  readonly ratio: number;
  /** Numbers derived from the medians (per Input, per Replica, growth with R). */
  readonly derived?: Readonly<Record<string, number | string>>;
  readonly goal?: Goal;
  readonly notes?: string;
}

export interface CaseOutput {
  readonly cases: CaseResult[];
  /** Facts about the run of this case (versions, settings) that belong in `machine` or the notes. */
  readonly info?: Readonly<Record<string, unknown>>;
}

/** `BENCH_QUICK=1` (npm run bench -- --quick): fewer samples, for checking the harness. */
export const quick = process.env['BENCH_QUICK'] === '1';

export function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

export function writeOutput(output: CaseOutput): void {
  const file = process.env['BENCH_RESULT_FILE'];
  const json = JSON.stringify(output, null, 2);
  if (file) writeFileSync(file, json);
  else process.stdout.write(`${json}\n`);
}

/** A goal on ours alone: median (ms or bytes) at most `limit`. */
export function atMost(ours: number, limit: number, text: string): Goal {
  return { text, met: ours <= limit };
}

/** A goal on the ratio: ours / baseline at most `limit`. */
export function ratioAtMost(ours: number, base: number, limit: number, text: string): Goal {
  return { text, met: ours / base <= limit };
}

export function ratio(ours: number, base: number): number {
  return round(ours / base, 3);
}

/** `value` with `digits` significant digits (JSON stays readable). */
export function round(value: number, digits = 5): number {
  return Number.isFinite(value) && value !== 0 ? Number(value.toPrecision(digits)) : value;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(
    sorted.length - 1,
    Math.max(0, Math.round((p / 100) * (sorted.length - 1))),
  );
  return sorted[index] as number;
}

/** Summary of raw time samples (ms) measured by hand. */
export function timeSummary(
  samples: readonly number[],
  extra: Record<string, unknown> = {},
): Measurement {
  return {
    median_ms: round(median(samples)),
    p10_ms: round(percentile(samples, 10)),
    p90_ms: round(percentile(samples, 90)),
    min_ms: round(Math.min(...samples)),
    max_ms: round(Math.max(...samples)),
    samples: samples.length,
    ...extra,
  };
}

/** Summary of a tinybench task (latency = one call of the task function, in ms). */
export function taskSummary(task: Task, extra: Record<string, unknown> = {}): Measurement {
  const result = task.result;
  if (result.state === 'errored') throw result.error;
  if (result.state !== 'completed' && result.state !== 'aborted-with-statistics') {
    throw new Error(`benchmark task "${task.name}" ended as ${result.state}`);
  }
  const latency = result.latency;
  return {
    median_ms: round(latency.p50),
    mean_ms: round(latency.mean),
    mad_ms: round(latency.mad),
    min_ms: round(latency.min),
    max_ms: round(latency.max),
    rme_percent: round(latency.rme, 2),
    samples: latency.samplesCount,
    ...extra,
  };
}

/** The task named `name` of a finished bench. */
export function task(bench: Bench, name: string): Task {
  const found = bench.getTask(name);
  if (!found) throw new Error(`no benchmark task named "${name}"`);
  return found;
}

/** Lets every queued microtask and one timer phase run (Node clamps setTimeout(0) to 1 ms). */
export function macrotask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** One event-loop turn without a timer: every microtask queued so far runs first. */
export function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc (npm run bench does)');
  gc();
  gc();
}
