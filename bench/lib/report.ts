/* The Markdown report of a run (printed by bench/run.ts; `tsx bench/lib/report.ts` reprints bench/results.json). */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CaseResult, Measurement } from './results';

export interface Results {
  readonly machine: Readonly<Record<string, unknown>>;
  readonly cases: readonly CaseResult[];
}

function significant(value: number, digits = 3): string {
  if (value === 0) return '0';
  const text = value.toPrecision(digits);
  return text.includes('e') ? String(Number(text)) : text;
}

function formatTime(ms: number): string {
  if (ms < 0.1) return `${significant(ms * 1e3)} µs`;
  return `${significant(ms)} ms`;
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 ? `${significant(bytes / 1024)} KiB` : `${Math.round(bytes)} B`;
}

function goal(result: CaseResult): [string, string] {
  if (!result.goal) return ['—', '—'];
  return [result.goal.text, result.goal.met ? 'pass' : 'MISS'];
}

function value(result: CaseResult, measurement: Measurement): string {
  return result.unit === 'bytes'
    ? formatBytes(measurement.median_bytes as number)
    : formatTime(measurement.median_ms as number);
}

function ns(value: unknown): string {
  const n = Number(value);
  return n >= 1000 ? `${significant(n / 1000)} µs` : `${significant(n)} ns`;
}

function perUnit(result: CaseResult): string {
  const d = result.derived ?? {};
  if ('ours_us' in d)
    return `${ns(Number(d['ours_us']) * 1e3)} vs ${ns(Number(d['base_us']) * 1e3)}`;
  if ('ours_minified_bytes' in d)
    return `minified ${formatBytes(Number(d['ours_minified_bytes']))} vs ${formatBytes(Number(d['base_minified_bytes']))}, brotli ${formatBytes(Number(d['ours_brotli_bytes']))} vs ${formatBytes(Number(d['base_brotli_bytes']))}`;
  if ('ours_per_update' in d)
    return `${d['ours_per_update']} vs ${d['base_per_update']} per update`;
  if ('ours_ns_per_input_per_replica' in d) {
    return `${ns(d['ours_ns_per_input_per_replica'])} vs ${ns(d['base_ns_per_input_per_replica'])} per Input per Replica`;
  }
  if ('ours_us_per_replica' in d)
    return `${ns(Number(d['ours_us_per_replica']) * 1e3)} vs ${ns(Number(d['base_us_per_replica']) * 1e3)} per Replica`;
  if ('ours_us_per_component' in d) {
    return `${ns(Number(d['ours_us_per_component']) * 1e3)} vs ${ns(Number(d['base_us_per_component']) * 1e3)} per component`;
  }
  if ('ours_p90_ms' in d)
    return `p90 ${formatTime(Number(d['ours_p90_ms']))} vs ${formatTime(Number(d['base_p90_ms']))} (ratio ${significant(Number(d['p90_ratio']))})`;
  if (result.unit === 'bytes')
    return `${significant(Number(d['ours_kib_for_1000_replicas']) / 1024)} MiB vs ${significant(Number(d['base_kib_for_1000_replicas']) / 1024)} MiB for 1000`;
  return '';
}

function row(cells: readonly string[]): string {
  return `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
}

export function markdownReport(results: Results): string {
  const m = results.machine;
  const packages = (m['packages'] ?? {}) as Record<string, string>;
  const lines: string[] = [];
  lines.push(
    `Machine: ${String(m['cpu'])}, ${String(m['cores'])} cores, ${String(m['memory_gib'])} GiB, ${String(m['os'])}; ` +
      `Node ${String(m['node'])}; Angular ${packages['@angular/core']}, @ngrx/store ${packages['@ngrx/store']}, ` +
      `@ngrx/signals ${packages['@ngrx/signals']}${m['chromium'] ? `; ${String(m['chromium'])}` : ''}; ` +
      `commit ${String(m['commit'])}, ${String(m['date'])}; load average ${JSON.stringify(m['load_average_at_start'])}` +
      `${m['quick'] ? ' (QUICK RUN: few samples)' : ''}.`,
    '',
    row([
      'Case',
      'Baseline',
      'Ours (median)',
      'Baseline (median)',
      'Ratio ours/baseline',
      'Per unit (ours vs baseline)',
      'Goal',
      'Met',
    ]),
    row(['---', '---', '---:', '---:', '---:', '---', '---', '---']),
  );
  for (const result of results.cases) {
    lines.push(
      row([
        result.name,
        result.baseline,
        value(result, result.ours),
        value(result, result.base),
        significant(result.ratio),
        perUnit(result),
        ...goal(result),
      ]),
    );
  }
  const fanOut = results.cases.filter((c) => c.name.startsWith('2. '));
  if (fanOut.length > 0) {
    lines.push(
      '',
      'Case 2, growth with R (time for all Inputs until every Replica equals the Source; growth = time at R / time at R=1):',
      '',
      row([
        'R',
        'Ours',
        'Baseline',
        'Ours per Input per Replica',
        'Baseline per Input per Replica',
        'Ours growth',
        'Baseline growth',
        'Inputs per published State',
      ]),
      row(['---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']),
    );
    for (const c of fanOut) {
      const d = c.derived ?? {};
      lines.push(
        row([
          String(c.ours['replicas']),
          formatTime(c.ours.median_ms as number),
          formatTime(c.base.median_ms as number),
          ns(d['ours_ns_per_input_per_replica']),
          ns(d['base_ns_per_input_per_replica']),
          `×${significant(Number(d['ours_growth_vs_r1']))}`,
          `×${significant(Number(d['base_growth_vs_r1']))}`,
          significant(Number(d['inputs_per_published_state'])),
        ]),
      );
    }
  }
  return lines.join('\n');
}

if (require.main === module) {
  const file = resolve(__dirname, '../results.json');
  process.stdout.write(`${markdownReport(JSON.parse(readFileSync(file, 'utf8')) as Results)}\n`);
}
