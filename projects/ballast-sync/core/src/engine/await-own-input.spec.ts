// sendAndAwaitCompletion() called by an InputHandler on its own ViewModel: under fifo() awaiting
// it would never end (the new Input waits for the caller), under lifo() it would cancel the
// caller. The synchronous part of a handler is detected and gets a clear rejection instead.
import {
  BasicViewModel,
  fifo,
  lifo,
  parallel,
  type InputOutcome,
  type InputStrategy,
} from 'ballast-sync/core';
import {
  counterConfig,
  deferred,
  increment,
  run,
  settle,
  slow,
  type CounterEvent,
  type CounterInput,
  type CounterState,
} from './testing-contract.spec-helper';

type Vm = BasicViewModel<CounterInput, CounterEvent, CounterState>;
type Strategy = InputStrategy<CounterInput, CounterState>;

function create(inputStrategy: Strategy = fifo()): Vm {
  return new BasicViewModel(counterConfig({ inputStrategy }));
}

/** Records how `promise` settles, without awaiting it (a deadlock must not hang the spec). */
function track(promise: Promise<InputOutcome>) {
  const result: { outcome?: InputOutcome; error?: unknown } = {};
  promise.then(
    (outcome) => (result.outcome = outcome),
    (error: unknown) => (result.error = error),
  );
  return result;
}

/** An Input whose async handler awaits another Input of its own ViewModel before its first await. */
const awaitingOwn = (vm: Vm) =>
  run('outer', async (scope) => {
    scope.noOp();
    await vm.sendAndAwaitCompletion(increment());
  });

describe('sendAndAwaitCompletion() from a handler of the same ViewModel', () => {
  it.each([
    [
      'fifo',
      fifo(),
      /under fifo\(\) the new Input waits for the running one, so awaiting it there never ends \(deadlock\)/,
    ],
    ['lifo', lifo(), /under lifo\(\) the new Input would cancel the handler that awaits it/],
  ] as [string, Strategy, RegExp][])(
    'under %s(), fails the awaiting handler with an error that says what to do',
    async (_name, strategy, consequence) => {
      const vm = create(strategy);
      const outer = track(vm.sendAndAwaitCompletion(awaitingOwn(vm)));
      await settle();
      expect(outer.outcome?.status).toBe('failed');
      const error = (outer.outcome as { error: Error }).error;
      expect(error.message).toMatch(
        /^ballast-sync: sendAndAwaitCompletion\(Increment\) was called by the handler of Input "Run" on its own ViewModel "counter": /,
      );
      expect(error.message).toMatch(consequence);
      expect(error.message).toMatch(
        /Send it without awaiting \(vm\.trySend\(\) or vm\.send\(\)\), await it from a side job .*, call the handling logic directly, or use parallel\(\)\.$/,
      );
      expect(vm.getCurrentState()).toEqual({ count: 0 }); // the Increment was never queued
      expect(await vm.sendAndAwaitCompletion(increment())).toEqual({ status: 'handled' });
      vm.clear();
    },
  );

  it('rejects even when a synchronous handler does not await it, and queues nothing', async () => {
    const vm = create();
    let inner: ReturnType<typeof track> | undefined;
    const outer = await vm.sendAndAwaitCompletion(
      run('outer', (scope) => {
        inner = track(vm.sendAndAwaitCompletion(increment()));
        scope.noOp();
      }),
    );
    await settle();
    expect(outer).toEqual({ status: 'handled' });
    expect(inner?.outcome).toBeUndefined();
    expect(String(inner?.error)).toMatch(
      /^Error: ballast-sync: sendAndAwaitCompletion\(Increment\)/,
    );
    expect(vm.getCurrentState()).toEqual({ count: 0 });
    vm.clear();
  });

  it('is fine under parallel(): both Inputs are handled', async () => {
    const vm = create(parallel());
    expect(await vm.sendAndAwaitCompletion(awaitingOwn(vm))).toEqual({ status: 'handled' });
    expect(vm.getCurrentState()).toEqual({ count: 1 });
    vm.clear();
  });

  it('lets the handler use trySend() and send(), and a side job await the outcome', async () => {
    const vm = create();
    const fromJob = deferred<InputOutcome>();
    const outer = await vm.sendAndAwaitCompletion(
      run('outer', async (scope) => {
        vm.trySend(increment(1));
        await vm.send(increment(10));
        scope.sideJob('await', async () =>
          fromJob.resolve(await vm.sendAndAwaitCompletion(increment(100))),
        );
      }),
    );
    expect(outer).toEqual({ status: 'handled' });
    expect(await fromJob.promise).toEqual({ status: 'handled' });
    expect(vm.getCurrentState()).toEqual({ count: 111 });
    vm.clear();
  });
});

describe('sendAndAwaitCompletion() while an Input is handled', () => {
  it('from outside the handler just waits for its turn', async () => {
    const vm = create();
    const gate = deferred();
    vm.trySend(slow(gate.promise));
    const waiting = track(vm.sendAndAwaitCompletion(increment(10)));
    await settle();
    expect(waiting).toEqual({});
    gate.resolve();
    await settle();
    expect(waiting).toEqual({ outcome: { status: 'handled' } });
    expect(vm.getCurrentState()).toEqual({ count: 11 });
    vm.clear();
  });

  it('from a subscriber notified synchronously by the handler is not mistaken for the handler', async () => {
    const vm = create();
    let fromStates: ReturnType<typeof track> | undefined;
    let fromNotifications: ReturnType<typeof track> | undefined;
    vm.observeStates().subscribe((state) => {
      if (state.count === 1) fromStates = track(vm.sendAndAwaitCompletion(increment(10)));
    });
    vm.observeNotifications().subscribe((n) => {
      if (n.type === 'StateChanged' && n.state.count === 11)
        fromNotifications = track(vm.sendAndAwaitCompletion(increment(100)));
    });
    expect(await vm.sendAndAwaitCompletion(increment())).toEqual({ status: 'handled' });
    await vm.whenIdle();
    expect(fromStates).toEqual({ outcome: { status: 'handled' } });
    expect(fromNotifications).toEqual({ outcome: { status: 'handled' } });
    expect(vm.getCurrentState()).toEqual({ count: 111 });
    vm.clear();
  });
});
