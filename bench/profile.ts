/*
 * Profiling aid (not part of `npm run bench`): runs one workload long enough for a CPU profile.
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/ballast-prof --import tsx bench/profile.ts engine
 *   node --cpu-prof --cpu-prof-dir=/tmp/ballast-prof --import tsx bench/profile.ts fan-out
 *   npx tsx bench/profile.ts top /tmp/ballast-prof/<file>.cpuprofile   # top self-time functions
 *
 * engine:  case 1's workload (100 000 Inputs through one BasicViewModel), 200 times.
 * fan-out: one Source and 1000 Replicas; 300 Inputs, each awaited until every Replica has it.
 */
import { readFileSync } from 'node:fs';
import { InMemorySyncAdapter } from '../projects/ballast-sync/core/src/public-api';
import {
  counterViewModel,
  syncedCounterViewModel,
  type CounterInput,
  type CounterState,
  type CounterViewModel,
} from './lib/counter';
import { macrotask, turn } from './lib/results';

function engine(): void {
  for (let round = 0; round < 200; round++) {
    const vm = counterViewModel();
    for (let i = 0; i < 100_000; i++) vm.trySend({ type: 'Increment', by: 1 });
    vm.clear();
  }
}

async function fanOut(): Promise<void> {
  const adapter = new InMemorySyncAdapter<CounterInput, never, CounterState>();
  const source = syncedCounterViewModel(adapter, 'source');
  const replicas = Array.from({ length: 1000 }, () => syncedCounterViewModel(adapter, 'replica'));
  for (let i = 0; i < 5; i++) await macrotask();
  for (let k = 1; k <= 300; k++) {
    (replicas[k % replicas.length] as CounterViewModel).trySend({ type: 'Increment', by: 1 });
    while (
      source.getCurrentState().count !== k ||
      replicas.some((r) => r.getCurrentState().count !== k)
    )
      await turn();
  }
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
  };
  readonly hitCount?: number;
}

/** Prints the functions with the most self time in a .cpuprofile. */
function top(file: string, count = 25): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as {
    nodes: ProfileNode[];
    samples: number[];
  };
  const selfHits = new Map<string, number>();
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url
      ? `${url.replace(/^.*\/(node_modules|projects)\//, '$1/')}:${lineNumber + 1}`
      : '';
    const key = `${functionName || '(anonymous)'} ${where}`.trim();
    selfHits.set(key, (selfHits.get(key) ?? 0) + (node.hitCount ?? 0));
  }
  const total = [...selfHits.values()].reduce((a, b) => a + b, 0);
  const rows = [...selfHits].sort((a, b) => b[1] - a[1]).slice(0, count);
  for (const [key, hits] of rows)
    console.log(`${((100 * hits) / total).toFixed(1).padStart(5)}%  ${key}`);
}

const [command, file] = process.argv.slice(2);
if (command === 'engine') engine();
else if (command === 'fan-out') void fanOut();
else if (command === 'top' && file) top(file);
else {
  console.error('usage: bench/profile.ts engine | fan-out | top <file.cpuprofile>');
  process.exit(2);
}
