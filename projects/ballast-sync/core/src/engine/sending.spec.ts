import {
  BasicViewModel,
  fifo,
  lifo,
  type BallastViewModelConfiguration,
  type InputOutcome,
} from 'ballast-sync/core';
import {
  counterConfig,
  deferred,
  increment,
  recorder,
  settle,
  slow,
  type CounterEvent,
  type CounterInput,
  type CounterState,
} from './testing-contract.spec-helper';

type Config = BallastViewModelConfiguration<CounterInput, CounterEvent, CounterState>;
type Vm = BasicViewModel<CounterInput, CounterEvent, CounterState>;

/** Whether `promise` has settled by now (after pending callbacks ran). */
async function isSettled(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await settle();
  return settled;
}

describe('sendAndAwaitCompletion()', () => {
  const cases: [string, Partial<Config>, (vm: Vm) => Promise<InputOutcome>, InputOutcome][] = [
    ['handled', {}, (vm) => vm.sendAndAwaitCompletion(increment()), { status: 'handled' }],
    [
      'rejected by the filter',
      { inputStrategy: fifo({ filter: () => 'reject' }) },
      (vm) => vm.sendAndAwaitCompletion(increment()),
      { status: 'rejected' },
    ],
    [
      'cancelled by a newer Input (lifo)',
      { inputStrategy: lifo() },
      async (vm) => {
        const outcome = vm.sendAndAwaitCompletion(slow(deferred().promise));
        vm.trySend(increment());
        return outcome;
      },
      { status: 'cancelled' },
    ],
    [
      'dropped because the queue was full',
      { inputQueue: { capacity: 1, overflow: 'drop-latest' } },
      async (vm) => {
        vm.trySend(slow(deferred().promise)); // running
        vm.trySend(increment()); // fills the queue
        return vm.sendAndAwaitCompletion(increment());
      },
      { status: 'dropped', reason: 'overflow' },
    ],
    [
      'dropped because the ViewModel was cleared',
      {},
      async (vm) => {
        vm.trySend(slow(deferred().promise));
        const outcome = vm.sendAndAwaitCompletion(increment());
        vm.clear();
        return outcome;
      },
      { status: 'dropped', reason: 'cleared' },
    ],
    [
      'failed',
      {},
      (vm) => vm.sendAndAwaitCompletion({ type: 'Fail', message: 'boom' }),
      { status: 'failed', error: new Error('boom') },
    ],
  ];

  it.each(cases)('settles when the Input was %s', async (_case, config, act, expected) => {
    const vm = new BasicViewModel(counterConfig(config));
    expect(await act(vm)).toEqual(expected);
    vm.clear();
  });

  it('settles a running Input as cancelled when the ViewModel is cleared', async () => {
    const vm = new BasicViewModel(counterConfig());
    const outcome = vm.sendAndAwaitCompletion(slow(deferred().promise));
    await settle();
    vm.clear();
    expect(await outcome).toEqual({ status: 'cancelled' });
  });
});

describe('send()', () => {
  it('resolves once the Input is queued, before it is handled', async () => {
    const gate = deferred();
    const vm = new BasicViewModel(counterConfig());
    vm.trySend(slow(gate.promise));
    await vm.send(increment(10));
    expect(vm.getCurrentState()).toEqual({ count: 1 }); // queued, not handled yet
    gate.resolve();
    await vm.whenIdle();
    expect(vm.getCurrentState()).toEqual({ count: 11 });
    vm.clear();
  });

  it("with overflow 'suspend', waits for room instead of dropping", async () => {
    const gate = deferred();
    const rec = recorder<CounterInput, CounterEvent, CounterState>();
    const vm = new BasicViewModel(
      counterConfig({
        interceptors: [rec.interceptor],
        inputQueue: { capacity: 1, overflow: 'suspend' },
      }),
    );
    vm.trySend(slow(gate.promise)); // running
    await vm.send(increment(10)); // fills the queue
    const waiting = vm.send(increment(100));
    expect(await isSettled(waiting)).toBe(false);
    gate.resolve();
    await waiting;
    await vm.whenIdle();
    expect(vm.getCurrentState()).toEqual({ count: 111 });
    expect(rec.lines((l) => l.startsWith('InputDropped'))).toEqual([]);
    vm.clear();
  });

  it('rejects with a ballast-sync error when its waiting Input is dropped by clear()', async () => {
    const vm = new BasicViewModel(counterConfig({ inputQueue: { capacity: 1 } }));
    vm.trySend(slow(deferred().promise));
    vm.trySend(increment());
    const waiting = vm.send(increment(2));
    vm.clear();
    await expect(waiting).rejects.toThrow(
      /^ballast-sync: Input "Increment" was dropped before it was queued/,
    );
  });
});

describe('trySend()', () => {
  it('returns whether the Input was queued', () => {
    const vm = new BasicViewModel(counterConfig({ inputQueue: { capacity: 1 } }));
    expect(vm.trySend(slow(deferred().promise))).toBe(true);
    expect(vm.trySend(increment())).toBe(true);
    expect(vm.trySend(increment())).toBe(false);
    vm.clear();
  });

  it.each([undefined, null])('throws a ballast-sync error for %s', (input) => {
    const vm = new BasicViewModel(counterConfig());
    expect(() => vm.trySend(input as unknown as CounterInput)).toThrow(
      `ballast-sync: trySend() needs an Input; got ${input}.`,
    );
    vm.clear();
  });
});
