import { BasicViewModel } from 'ballast-sync/core';
import { runScenario } from 'ballast-sync/testing';
import { counterConfig, increment, run, type CounterState } from './testing-contract.spec-helper';

const keep = run('keep', (scope) => scope.updateState((s) => s));
const copy = run('copy', (scope) => scope.updateState((s) => ({ ...s })));

describe('State', () => {
  it('emits StateChanged on every update, even when the State did not change', async () => {
    const results = await runScenario({
      ...counterConfig(),
      running: async (vm) => {
        await vm.sendAndAwaitCompletion(keep);
        await vm.sendAndAwaitCompletion(keep);
        await vm.sendAndAwaitCompletion(copy);
        await vm.sendAndAwaitCompletion(increment());
      },
    });
    expect(results.states).toEqual([
      { count: 0 },
      { count: 0 },
      { count: 0 },
      { count: 0 },
      { count: 1 },
    ]);
  });

  it('is observed deduplicated with Object.is by default: same object once, equal copies each time', async () => {
    const vm = new BasicViewModel(counterConfig());
    const seen: CounterState[] = [];
    let completed = false;
    vm.observeStates().subscribe({ next: (s) => seen.push(s), complete: () => (completed = true) });
    const initial = vm.getCurrentState();
    await vm.sendAndAwaitCompletion(keep);
    await vm.sendAndAwaitCompletion(keep);
    await vm.sendAndAwaitCompletion(copy);
    await vm.sendAndAwaitCompletion(increment());
    vm.clear();
    expect(seen).toHaveLength(3);
    expect(seen[0]).toBe(initial);
    expect(seen[1]).not.toBe(initial);
    expect(seen).toEqual([{ count: 0 }, { count: 0 }, { count: 1 }]);
    expect(completed).toBe(true);
  });

  it('is observed deduplicated with a custom stateEquals', async () => {
    const vm = new BasicViewModel(counterConfig({ stateEquals: (a, b) => a.count === b.count }));
    const seen: number[] = [];
    vm.observeStates().subscribe((s) => seen.push(s.count));
    for (const input of [keep, copy, increment(), copy, increment(0), increment(2)])
      await vm.sendAndAwaitCompletion(input);
    expect(seen).toEqual([0, 1, 3]);
    vm.clear();
  });

  it('gives a late subscriber the current State first, and getCurrentState() the snapshot', async () => {
    const vm = new BasicViewModel(counterConfig({ initialState: { count: 9 } }));
    await vm.sendAndAwaitCompletion(increment());
    const seen: number[] = [];
    vm.observeStates().subscribe((s) => seen.push(s.count));
    expect(seen).toEqual([10]);
    expect(vm.getCurrentState()).toEqual({ count: 10 });
    vm.clear();
    expect(vm.getCurrentState()).toEqual({ count: 10 }); // still readable once cleared
  });
});
