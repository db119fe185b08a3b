import { BasicViewModel, type BallastNotification } from 'ballast-sync/core';
import { firstValueFrom, map, skip } from 'rxjs';
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

  describe('observeStates() subscribers', () => {
    it('work through operators and firstValueFrom(), and complete when the ViewModel is cleared', async () => {
      const vm = new BasicViewModel(counterConfig());
      const doubled: number[] = [];
      let completed = false;
      vm.observeStates()
        .pipe(map((s) => s.count * 2))
        .subscribe({ next: (n) => doubled.push(n), complete: () => (completed = true) });
      const next = firstValueFrom(vm.observeStates().pipe(skip(1)));
      await vm.sendAndAwaitCompletion(increment());
      await expect(next).resolves.toEqual({ count: 1 });
      vm.clear();
      expect(doubled).toEqual([0, 2]);
      expect(completed).toBe(true);
    });

    it('that come after clear() only complete, as a completed BehaviorSubject’s do', () => {
      const vm = new BasicViewModel(counterConfig());
      vm.clear();
      const seen: number[] = [];
      let completed = false;
      vm.observeStates().subscribe({
        next: (s) => seen.push(s.count),
        complete: () => (completed = true),
      });
      expect(seen).toEqual([]);
      expect(completed).toBe(true);
    });

    it('end with the error a throwing stateEquals gives (UnhandledError without an error callback); others go on', async () => {
      const broken = new Error('stateEquals bug');
      const vm = new BasicViewModel(
        counterConfig({
          stateEquals: (_a, b) => {
            if (b.count === 1) throw broken;
            return false;
          },
        }),
      );
      const notifications: BallastNotification<unknown, unknown, CounterState>[] = [];
      vm.observeNotifications().subscribe((n) => void notifications.push(n));
      const withCallback: unknown[] = [];
      const withoutCallback: number[] = [];
      vm.observeStates().subscribe({ next: () => undefined, error: (e) => withCallback.push(e) });
      vm.observeStates().subscribe((s) => void withoutCallback.push(s.count));
      await vm.sendAndAwaitCompletion(increment());
      await vm.sendAndAwaitCompletion(increment());
      expect(withCallback).toEqual([broken]);
      expect(withoutCallback).toEqual([0]); // ended at count 1
      const unhandled = notifications.filter((n) => n.type === 'UnhandledError');
      expect(unhandled.map((n) => (n as { error: Error }).error.cause)).toEqual([broken]);
      vm.clear();
    });

    it('that join or leave while a State is delivered: the newcomer starts from it, the leaver gets nothing more', async () => {
      const vm = new BasicViewModel(counterConfig());
      const first: number[] = [];
      const late: number[] = [];
      const leaver: number[] = [];
      let joined = false;
      const leaving = vm.observeStates().subscribe((s) => void leaver.push(s.count));
      vm.observeStates().subscribe((s) => {
        first.push(s.count);
        if (s.count === 1) leaving.unsubscribe();
        if (s.count === 1 && !joined) {
          joined = true;
          vm.observeStates().subscribe((t) => void late.push(t.count));
        }
      });
      await vm.sendAndAwaitCompletion(increment());
      await vm.sendAndAwaitCompletion(increment());
      vm.clear();
      expect(first).toEqual([0, 1, 2]);
      expect(late).toEqual([1, 2]);
      expect(leaver).toEqual([0, 1]); // it was before the unsubscribing one in this delivery
    });
  });
});
