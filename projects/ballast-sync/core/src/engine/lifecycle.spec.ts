import { BasicViewModel, type BallastInterceptorScope, type SideJobScope } from 'ballast-sync/core';
import {
  counterConfig,
  deferred,
  increment,
  recorder,
  run,
  settle,
  slow,
  type CounterEvent,
  type CounterInput,
  type CounterState,
} from './testing-contract.spec-helper';

type JobScope = SideJobScope<CounterInput, CounterEvent, CounterState>;

function setUp() {
  const rec = recorder<CounterInput, CounterEvent, CounterState>();
  let scope: BallastInterceptorScope<CounterInput, CounterEvent, CounterState> | undefined;
  const vm = new BasicViewModel(
    counterConfig({
      interceptors: [rec.interceptor, { name: 'scope', start: (s) => void (scope = s) }],
    }),
  );
  /** Lines recorded from the moment this is called. */
  const from =
    (start = rec.notifications.length) =>
    () =>
      rec.lines().slice(start);
  return { vm, rec, from, interceptorScope: () => scope as NonNullable<typeof scope> };
}

/** Starts a side job that runs until `gate` resolves; returns its scope once started. */
async function startJob(
  vm: BasicViewModel<CounterInput, CounterEvent, CounterState>,
  key: string,
  gate: Promise<void>,
) {
  let jobScope: JobScope | undefined;
  await vm.sendAndAwaitCompletion(
    run(`start ${key}`, (scope) =>
      scope.sideJob(key, (job) => {
        jobScope = job;
        return gate;
      }),
    ),
  );
  return jobScope as JobScope;
}

describe('clear()', () => {
  it('cancels the running Input and side jobs, drops queued Inputs, completes every stream', async () => {
    const { vm, from } = setUp();
    const job = await startJob(vm, 'job', deferred().promise);
    const running = vm.sendAndAwaitCompletion(slow(deferred().promise));
    const queued = vm.sendAndAwaitCompletion(increment());
    await settle();
    let statesCompleted = false;
    let notificationsCompleted = false;
    vm.observeStates().subscribe({ complete: () => (statesCompleted = true) });
    vm.observeNotifications().subscribe({ complete: () => (notificationsCompleted = true) });
    const lines = from();

    vm.clear();
    vm.clear(); // idempotent
    expect(lines()).toEqual([
      'InputCancelled Slow',
      'InputDropped Increment cleared',
      'SideJobCancelled job',
      'ViewModelStatusChanged Cleared',
    ]);
    expect(await running).toEqual({ status: 'cancelled' });
    expect(await queued).toEqual({ status: 'dropped', reason: 'cleared' });
    expect(job.signal.aborted).toBe(true);
    expect([statesCompleted, notificationsCompleted, vm.status]).toEqual([true, true, 'Cleared']);
    await vm.whenIdle(); // resolves: nothing runs any more
  });

  it('makes every way of sending fail with a ballast-sync error afterwards', async () => {
    const { vm, interceptorScope } = setUp();
    vm.clear();
    const afterClear =
      /^ballast-sync: \w+\(\) was called on ViewModel "counter" after it was cleared/;
    expect(() => vm.trySend(increment())).toThrow(afterClear);
    await expect(vm.send(increment())).rejects.toThrow(afterClear);
    await expect(vm.sendAndAwaitCompletion(increment())).rejects.toThrow(afterClear);
    await expect(
      interceptorScope().sendToQueue({ type: 'restore', state: { count: 1 } }),
    ).rejects.toThrow(/^ballast-sync: /);
    await expect(vm.shutDownGracefully()).resolves.toBeUndefined();
    expect(() => interceptorScope().postEvent({ type: 'Notify', message: 'late' })).toThrow(
      /^ballast-sync: postEvent\(\) was called on ViewModel "counter" after it was cleared/,
    );
  });
});

describe('shutDownGracefully()', () => {
  it('lets queued Inputs, a running side job and the Inputs it posts finish, refusing Inputs from outside meanwhile', async () => {
    const { vm, from, interceptorScope } = setUp();
    const jobGate = deferred();
    const inputGate = deferred();
    const job = await startJob(vm, 'job', jobGate.promise);
    vm.trySend(slow(inputGate.promise));
    const queued = vm.sendAndAwaitCompletion(increment(10));
    const lines = from();

    let done = false;
    const shutdown = vm.shutDownGracefully(5000).then(() => (done = true));
    expect(vm.status).toBe('ShuttingDown');
    expect(() => vm.trySend(increment())).toThrow(
      /^ballast-sync: trySend\(\) was called on ViewModel "counter" after it was asked to shut down; it accepts no more Inputs from outside \(only its side jobs and Event handler may still post them/,
    );
    await expect(vm.send(increment())).rejects.toThrow(/after it was asked to shut down/);
    await expect(vm.sendAndAwaitCompletion(increment())).rejects.toThrow(/^ballast-sync: /);
    await expect(
      interceptorScope().sendToQueue({ type: 'input', input: increment() }),
    ).rejects.toThrow(/after it was asked to shut down/);
    await expect(job.postInput(increment(100))).resolves.toBeUndefined(); // its own work: accepted

    inputGate.resolve();
    expect(await queued).toEqual({ status: 'handled' });
    await settle();
    expect([done, vm.status]).toEqual([false, 'ShuttingDown']); // the side job still runs
    jobGate.resolve();
    await shutdown;
    expect(vm.status).toBe('Cleared');
    expect(vm.getCurrentState()).toEqual({ count: 111 });
    expect(lines().filter((l) => !l.startsWith('InputQueued'))).toEqual([
      'ViewModelStatusChanged ShuttingDown',
      'InputHandledSuccessfully Slow',
      'InputAccepted Increment',
      'StateChanged 11',
      'InputHandledSuccessfully Increment',
      'InputAccepted Increment', // the side job's, queued after the shutdown request
      'StateChanged 111',
      'InputHandledSuccessfully Increment',
      'SideJobCompleted job',
      'ViewModelStatusChanged Cleared',
    ]);
  });

  it('cancels a side job that outlives the grace period', async () => {
    const { vm, from } = setUp();
    const job = await startJob(vm, 'forever', deferred().promise);
    const lines = from();
    await vm.shutDownGracefully(10);
    expect(job.signal.aborted).toBe(true);
    expect(lines()).toEqual([
      'ViewModelStatusChanged ShuttingDown',
      'SideJobCancelled forever',
      'ViewModelStatusChanged Cleared',
    ]);
  });

  // Under fifo() the shutdown item waits behind the running Input: the grace period still counts
  // from the call, so a handler that never settles cannot make shutDownGracefully() hang.
  it('clears a fifo ViewModel whose running Input never settles, once the grace period is over', async () => {
    const { vm } = setUp();
    vm.trySend(slow(deferred().promise));
    const outcome = await Promise.race([
      vm.shutDownGracefully(10).then(() => 'cleared'),
      new Promise((resolve) => setTimeout(() => resolve('still waiting'), 100)),
    ]);
    const status = vm.status;
    vm.clear();
    expect([outcome, status]).toEqual(['cleared', 'Cleared']);
  });

  it('drops Inputs still waiting for room in a full queue: they were never queued', async () => {
    const rec = recorder<CounterInput, CounterEvent, CounterState>();
    const vm = new BasicViewModel(
      counterConfig({ interceptors: [rec.interceptor], inputQueue: { capacity: 1 } }),
    );
    const gate = deferred();
    vm.trySend(slow(gate.promise)); // running
    vm.trySend(increment(1)); // queued, fills the queue
    const waiting = vm.send(increment(2)); // waits for room
    const shutdown = vm.shutDownGracefully(1000);
    await expect(waiting).rejects.toThrow(
      /^ballast-sync: Input "Increment" was dropped before it was queued/,
    );
    gate.resolve();
    await shutdown;
    expect(rec.notifications.filter((n) => n.type === 'InputDropped')).toEqual([
      { type: 'InputDropped', input: increment(2), reason: 'shutting-down' },
    ]);
    expect(vm.getCurrentState().count).toBe(1 + 1); // slow adds 1, then the queued Increment(1)
  });

  it('returns the same promise when called twice, and rejects a bad grace period', async () => {
    const { vm } = setUp();
    await expect(vm.shutDownGracefully(-1)).rejects.toThrow(
      /^ballast-sync: shutDownGracefully\(gracePeriodMs\) needs a number >= 0/,
    );
    expect(vm.status).toBe('Running');
    const first = vm.shutDownGracefully(100);
    expect(vm.shutDownGracefully(100)).toBe(first);
    await first;
    expect(vm.status).toBe('Cleared');
  });
});

describe('shutDownGracefully() with a grace period beyond what setTimeout can hold', () => {
  afterEach(() => jest.useRealTimers());

  it('with Infinity, waits for a running Input however long it takes, and never forces a clear', async () => {
    const { vm } = setUp();
    const gate = deferred();
    const outcome = vm.sendAndAwaitCompletion(slow(gate.promise));
    const shutdown = vm.shutDownGracefully(Infinity);
    // A setTimeout(Infinity) overflows to ~1 ms, and would fire well before this 20 ms one.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(vm.status).toBe('ShuttingDown');
    gate.resolve();
    expect(await outcome).toEqual({ status: 'handled' });
    await shutdown;
    expect(vm.status).toBe('Cleared');
    expect(vm.getCurrentState()).toEqual({ count: 1 });
  });

  const longPeriod = 2 ** 31 + 5; // ms: beyond setTimeout's maximum of 2^31 - 1 ms

  it('with Infinity, never clears by itself, however much time passes', async () => {
    jest.useFakeTimers({ doNotFake: ['queueMicrotask', 'nextTick', 'setImmediate'] });
    const { vm } = setUp();
    const outcome = vm.sendAndAwaitCompletion(slow(deferred().promise));
    void vm.shutDownGracefully(Infinity);
    await jest.advanceTimersByTimeAsync(1000 * longPeriod);
    expect(vm.status).toBe('ShuttingDown');
    vm.clear();
    expect(await outcome).toEqual({ status: 'cancelled' });
  });

  it('with 2^31 + 5 ms, lets a running Input finish', async () => {
    jest.useFakeTimers({ doNotFake: ['queueMicrotask', 'nextTick', 'setImmediate'] });
    const { vm } = setUp();
    const gate = deferred();
    const outcome = vm.sendAndAwaitCompletion(slow(gate.promise));
    const shutdown = vm.shutDownGracefully(longPeriod);
    setTimeout(() => gate.resolve(), 10);
    await jest.advanceTimersByTimeAsync(10);
    expect(await outcome).toEqual({ status: 'handled' });
    await shutdown;
    expect(vm.status).toBe('Cleared');
  });

  it('with 2^31 + 5 ms, clears exactly when that period is over', async () => {
    jest.useFakeTimers({ doNotFake: ['queueMicrotask', 'nextTick', 'setImmediate'] });
    const { vm } = setUp();
    const outcome = vm.sendAndAwaitCompletion(slow(deferred().promise));
    void vm.shutDownGracefully(longPeriod);
    await jest.advanceTimersByTimeAsync(longPeriod - 1);
    expect(vm.status).toBe('ShuttingDown');
    await jest.advanceTimersByTimeAsync(1);
    expect(vm.status).toBe('Cleared');
    expect(await outcome).toEqual({ status: 'cancelled' });
  });
});
