import { fifo, lifo, type BallastInterceptorScope, type InputFilter } from 'ballast-sync/core';
import { runScenario } from 'ballast-sync/testing';
import {
  counterConfig,
  deferred,
  increment,
  linesOf,
  settle,
  slow,
  type CounterEvent,
  type CounterInput,
  type CounterState,
} from './testing-contract.spec-helper';

/** Accepts Increments only while the count is below 2. */
const belowTwo: InputFilter<CounterInput, CounterState> = (input, state) =>
  input.type === 'Increment' && state.count >= 2 ? 'reject' : 'accept';

describe('input filter', () => {
  it('decides at dequeue time, against the State of that moment', async () => {
    const gate = deferred();
    const outcomes: unknown[] = [];
    const results = await runScenario({
      ...counterConfig({ inputStrategy: fifo({ filter: belowTwo }) }),
      running: async (vm) => {
        vm.trySend(slow(gate.promise, 0)); // holds the queue while three Increments are queued at count 0
        const pending = [1, 2, 3].map(() => vm.sendAndAwaitCompletion(increment()));
        await settle();
        gate.resolve();
        outcomes.push(...(await Promise.all(pending)));
      },
    });
    expect(outcomes).toEqual([
      { status: 'handled' },
      { status: 'handled' },
      { status: 'rejected' },
    ]);
    expect(results.acceptedInputs.map((i) => i.type)).toEqual(['Slow', 'Increment', 'Increment']);
    expect(results.rejectedInputs).toEqual([{ type: 'Increment' }]);
    expect(
      linesOf(
        results.notifications,
        'InputRejected',
        'InputHandledSuccessfully',
        'InputHandlerError',
      ),
    ).toEqual([
      'InputHandledSuccessfully Slow',
      'InputHandledSuccessfully Increment',
      'InputHandledSuccessfully Increment',
      'InputRejected Increment',
    ]);
    expect(results.latestState).toEqual({ count: 2 });
  });

  it('works under lifo() too, and a rejected Input never reaches the handler', async () => {
    const handled: string[] = [];
    const results = await runScenario({
      ...counterConfig({
        inputStrategy: lifo({ filter: (input) => (input.type === 'Emit' ? 'reject' : 'accept') }),
        inputHandler: (input, scope) => {
          handled.push(input.type);
          scope.noOp();
        },
      }),
      running: async (vm) => {
        expect(await vm.sendAndAwaitCompletion({ type: 'Emit', message: 'no' })).toEqual({
          status: 'rejected',
        });
        expect(await vm.sendAndAwaitCompletion(increment())).toEqual({ status: 'handled' });
      },
    });
    expect(handled).toEqual(['Increment']);
    expect(results.events).toEqual([]);
  });

  it.each([
    [
      'throws',
      () => {
        throw new Error('filter broke');
      },
    ],
    ['returns something other than accept/reject', () => 'maybe'],
  ])(
    'reports InputHandlerError when the filter %s, and the ViewModel keeps going',
    async (_what, filter) => {
      let outcome: unknown;
      const results = await runScenario({
        ...counterConfig({
          inputStrategy: fifo({
            filter: ((input: CounterInput) =>
              input.type === 'Emit' ? filter() : 'accept') as InputFilter<
              CounterInput,
              CounterState
            >,
          }),
        }),
        running: async (vm) => {
          outcome = await vm.sendAndAwaitCompletion({ type: 'Emit', message: 'x' });
          await vm.sendAndAwaitCompletion(increment());
        },
      });
      expect(outcome).toEqual({ status: 'failed', error: expect.any(Error) });
      expect(results.inputHandlerErrors).toHaveLength(1);
      expect(results.inputHandlerErrors[0]?.input).toEqual({ type: 'Emit', message: 'x' });
      expect(results.acceptedInputs).toEqual([{ type: 'Increment' }]); // the faulty one was never accepted
      expect(results.latestState).toEqual({ count: 1 });
    },
  );

  it('names the bad verdict when the filter returns garbage', async () => {
    let outcome: unknown;
    await runScenario({
      ...counterConfig({
        inputStrategy: fifo({
          filter: (() => 'yes') as unknown as InputFilter<CounterInput, CounterState>,
        }),
      }),
      running: async (vm) => void (outcome = await vm.sendAndAwaitCompletion(increment())),
    });
    expect((outcome as { error: Error }).error.message).toMatch(
      /^ballast-sync: .*yes.*'accept' or 'reject'/,
    );
  });
});

describe('restoring a State', () => {
  let scope: BallastInterceptorScope<CounterInput, CounterEvent, CounterState> | undefined;
  const restorer = { name: 'restorer', start: (s: typeof scope) => void (scope = s) };

  it('bypasses the filter and the guardian and emits no Input notifications, only StateChanged', async () => {
    const results = await runScenario({
      ...counterConfig({
        inputStrategy: fifo({ filter: () => 'reject' }),
        interceptors: [restorer],
      }),
      running: async (vm) => {
        expect(
          await scope?.sendToQueueAndAwaitCompletion({ type: 'restore', state: { count: 7 } }),
        ).toEqual({
          status: 'handled',
        });
        expect(vm.getCurrentState()).toEqual({ count: 7 });
      },
    });
    expect(
      linesOf(results.notifications).filter((line) => !line.startsWith('Interceptor')),
    ).toEqual([
      'ViewModelStatusChanged Running',
      'StateChanged 0',
      'StateChanged 7',
      'ViewModelStatusChanged Cleared',
    ]);
    expect(results.inputHandlerErrors).toEqual([]);
  });

  it('waits its turn in the one queue behind Inputs queued before it', async () => {
    const gate = deferred();
    const results = await runScenario({
      ...counterConfig({ interceptors: [restorer] }),
      running: async (vm) => {
        vm.trySend(slow(gate.promise));
        vm.trySend(increment(10));
        const restored = scope?.sendToQueueAndAwaitCompletion({
          type: 'restore',
          state: { count: 100 },
        });
        vm.trySend(increment());
        await settle();
        gate.resolve();
        await restored;
      },
    });
    expect(results.states.map((s) => s.count)).toEqual([0, 1, 11, 100, 101]);
  });
});
