import { fifo, lifo, parallel, type BallastInterceptorScope } from 'ballast-sync/core';
import { runScenario } from 'ballast-sync/testing';
import {
  counterConfig,
  deferred,
  increment,
  linesOf,
  run,
  settle,
  slow,
  type CounterEvent,
  type CounterInput,
  type CounterState,
} from './testing-contract.spec-helper';

const INPUT_AND_STATE = [
  'InputAccepted',
  'InputRejected',
  'InputHandledSuccessfully',
  'InputCancelled',
  'InputHandlerError',
  'StateChanged',
];

describe('fifo()', () => {
  it('runs Inputs one at a time, in the order they were queued', async () => {
    const gate = deferred();
    const results = await runScenario({
      ...counterConfig({ inputStrategy: fifo() }),
      running: async (vm) => {
        const first = vm.sendAndAwaitCompletion(slow(gate.promise));
        const second = vm.sendAndAwaitCompletion(increment(10));
        await settle();
        expect(vm.getCurrentState()).toEqual({ count: 1 }); // the second waits for the first
        gate.resolve();
        expect(await first).toEqual({ status: 'handled' });
        expect(await second).toEqual({ status: 'handled' });
      },
    });
    expect(linesOf(results.notifications, ...INPUT_AND_STATE)).toEqual([
      'StateChanged 0',
      'InputAccepted Slow',
      'StateChanged 1',
      'InputHandledSuccessfully Slow',
      'InputAccepted Increment',
      'StateChanged 11',
      'InputHandledSuccessfully Increment',
    ]);
    expect(results.latestState).toEqual({ count: 11 });
  });

  it('never cancels a running Input, however many arrive meanwhile', async () => {
    const gate = deferred();
    let signal: AbortSignal | undefined;
    const results = await runScenario({
      ...counterConfig({ inputStrategy: fifo() }),
      running: async (vm) => {
        vm.trySend(
          run('long', async (scope) => {
            signal = scope.signal;
            scope.updateState((s) => ({ count: s.count + 1 }));
            await gate.promise;
          }),
        );
        for (let i = 0; i < 3; i++) vm.trySend(increment());
        await settle();
        expect(signal?.aborted).toBe(false);
        gate.resolve();
      },
    });
    expect(results.cancelledInputs).toEqual([]);
    expect(results.successfulInputs.map((i) => i.type)).toEqual([
      'Run',
      'Increment',
      'Increment',
      'Increment',
    ]);
    expect(results.latestState).toEqual({ count: 4 });
  });
});

describe('lifo()', () => {
  it('cancels the running Input when a newer Input arrives: signal aborted, State rolled back', async () => {
    const gate = deferred(); // never resolved: the Input is cancelled first
    let signal: AbortSignal | undefined;
    let outcome: unknown;
    const results = await runScenario({
      ...counterConfig({ inputStrategy: lifo() }),
      given: { count: 5 },
      running: async (vm) => {
        const cancelled = vm.sendAndAwaitCompletion(
          run('long', async (scope) => {
            signal = scope.signal;
            scope.updateState((s) => ({ count: s.count + 1 }));
            await gate.promise;
          }),
        );
        await settle();
        expect(vm.getCurrentState()).toEqual({ count: 6 });
        vm.trySend(increment(10));
        outcome = await cancelled;
      },
    });
    expect(outcome).toEqual({ status: 'cancelled' });
    expect(signal?.aborted).toBe(true);
    expect(String((signal?.reason as Error).message)).toMatch(/^ballast-sync: /);
    expect(linesOf(results.notifications, ...INPUT_AND_STATE)).toEqual([
      'StateChanged 5',
      'InputAccepted Run(long)',
      'StateChanged 6',
      'InputCancelled Run(long)',
      'StateChanged 5', // rolled back to the State the cancelled Input started from
      'InputAccepted Increment',
      'StateChanged 15',
      'InputHandledSuccessfully Increment',
    ]);
  });

  it('cancels the running Input when an interceptor restores a State', async () => {
    let scope: BallastInterceptorScope<CounterInput, CounterEvent, CounterState> | undefined;
    const results = await runScenario({
      ...counterConfig({
        inputStrategy: lifo(),
        interceptors: [{ name: 'restorer', start: (s) => void (scope = s) }],
      }),
      running: async (vm) => {
        const outcome = vm.sendAndAwaitCompletion(slow(deferred().promise));
        await settle();
        await scope?.sendToQueue({ type: 'restore', state: { count: 42 } });
        expect(await outcome).toEqual({ status: 'cancelled' });
        expect(vm.getCurrentState()).toEqual({ count: 42 });
      },
    });
    expect(linesOf(results.notifications, ...INPUT_AND_STATE)).toEqual([
      'StateChanged 0',
      'InputAccepted Slow',
      'StateChanged 1',
      'InputCancelled Slow',
      'StateChanged 0',
      'StateChanged 42',
    ]);
  });

  it('cancels the running Input when a graceful shutdown is dequeued', async () => {
    const results = await runScenario({
      ...counterConfig({ inputStrategy: lifo() }),
      running: async (vm) => {
        const outcome = vm.sendAndAwaitCompletion(slow(deferred().promise));
        await settle();
        await vm.shutDownGracefully(1000);
        expect(await outcome).toEqual({ status: 'cancelled' });
        expect(vm.status).toBe('Cleared');
      },
    });
    expect(linesOf(results.notifications, 'ViewModelStatusChanged', ...INPUT_AND_STATE)).toEqual([
      'ViewModelStatusChanged Running',
      'StateChanged 0',
      'InputAccepted Slow',
      'StateChanged 1',
      'ViewModelStatusChanged ShuttingDown',
      'InputCancelled Slow',
      'StateChanged 0',
      'ViewModelStatusChanged Cleared',
    ]);
  });

  it('does not roll back a handler that failed: only cancellation rolls back', async () => {
    const gate = deferred();
    let outcome: unknown;
    const results = await runScenario({
      ...counterConfig({ inputStrategy: lifo() }),
      running: async (vm) => {
        const failing = vm.sendAndAwaitCompletion({
          type: 'Fail',
          message: 'boom',
          gate: gate.promise,
        });
        await settle();
        gate.resolve();
        outcome = await failing;
      },
    });
    expect(outcome).toEqual({ status: 'failed', error: new Error('boom') });
    expect(results.inputHandlerErrors).toEqual([
      { input: expect.objectContaining({ type: 'Fail' }), error: new Error('boom') },
    ]);
    expect(results.states).toEqual([{ count: 0 }, { count: 1 }]);
    expect(results.latestState).toEqual({ count: 1 });
  });
});

describe('parallel()', () => {
  it('starts every Input at once: handlers overlap and finish in their own order', async () => {
    const first = deferred();
    const second = deferred();
    const results = await runScenario({
      ...counterConfig({ inputStrategy: parallel() }),
      running: async (vm) => {
        const outcomes = [
          vm.sendAndAwaitCompletion(slow(first.promise, 1)),
          vm.sendAndAwaitCompletion(slow(second.promise, 10)),
        ];
        await settle();
        expect(vm.getCurrentState()).toEqual({ count: 11 }); // both handlers are running
        second.resolve();
        await outcomes[1];
        first.resolve();
        expect(await Promise.all(outcomes)).toEqual([{ status: 'handled' }, { status: 'handled' }]);
      },
    });
    expect(linesOf(results.notifications, ...INPUT_AND_STATE)).toEqual([
      'StateChanged 0',
      'InputAccepted Slow',
      'StateChanged 1',
      'InputAccepted Slow',
      'StateChanged 11',
      'InputHandledSuccessfully Slow',
      'InputHandledSuccessfully Slow',
    ]);
    expect(results.successfulInputs.map((i) => i.type === 'Slow' && i.by)).toEqual([10, 1]);
  });

  it('never cancels or rolls back a running handler, even when a State is restored meanwhile', async () => {
    const gate = deferred();
    let scope: BallastInterceptorScope<CounterInput, CounterEvent, CounterState> | undefined;
    const results = await runScenario({
      ...counterConfig({
        inputStrategy: parallel(),
        interceptors: [{ name: 'restorer', start: (s) => void (scope = s) }],
      }),
      running: async (vm) => {
        const outcome = vm.sendAndAwaitCompletion(slow(gate.promise));
        vm.trySend(increment(10));
        await scope?.sendToQueue({ type: 'restore', state: { count: 100 } });
        gate.resolve();
        expect(await outcome).toEqual({ status: 'handled' });
      },
    });
    expect(results.cancelledInputs).toEqual([]);
    expect(results.states).toEqual([{ count: 0 }, { count: 1 }, { count: 11 }, { count: 100 }]);
  });
});
