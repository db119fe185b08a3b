import type { BallastInterceptorScope, InputOutcome, QueueOverflow } from 'ballast-sync/core';
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

/** Runs a gated Input, then offers Increments 1, 2, 3 to a queue of capacity 2, then opens the gate. */
async function fillQueue(overflow: QueueOverflow, offer: 'trySend' | 'sendAndAwaitCompletion') {
  const gate = deferred();
  const outcomes: (InputOutcome | boolean)[] = [];
  const results = await runScenario({
    ...counterConfig({ inputQueue: { capacity: 2, overflow } }),
    running: async (vm) => {
      vm.trySend(slow(gate.promise, 0)); // taken at once: the queue stays empty
      const pending = [1, 2, 3].map((by) =>
        offer === 'trySend'
          ? Promise.resolve(vm.trySend(increment(by)))
          : vm.sendAndAwaitCompletion(increment(by)),
      );
      await settle();
      gate.resolve();
      outcomes.push(...(await Promise.all(pending)));
    },
  });
  // Never a silent loss: every queued Input was either handled or dropped with a notification.
  expect(results.queuedInputs.length).toBe(
    results.successfulInputs.length + results.droppedInputs.length,
  );
  return {
    results,
    outcomes,
    handled: results.successfulInputs.filter((i) => i.type === 'Increment'),
  };
}

describe('input queue overflow', () => {
  describe("'suspend' (the default)", () => {
    it('drops what trySend() cannot queue, with InputDropped reason overflow', async () => {
      const { results, outcomes, handled } = await fillQueue('suspend', 'trySend');
      expect(outcomes).toEqual([true, true, false]);
      expect(results.droppedInputs).toEqual([{ input: increment(3), reason: 'overflow' }]);
      expect(handled).toEqual([increment(1), increment(2)]);
    });

    it('makes sendAndAwaitCompletion() wait for room, so nothing is dropped', async () => {
      const { results, outcomes, handled } = await fillQueue('suspend', 'sendAndAwaitCompletion');
      expect(outcomes).toEqual([
        { status: 'handled' },
        { status: 'handled' },
        { status: 'handled' },
      ]);
      expect(results.droppedInputs).toEqual([]);
      expect(handled).toEqual([increment(1), increment(2), increment(3)]);
    });
  });

  describe("'drop-latest'", () => {
    it('drops the new Input and settles its caller as dropped', async () => {
      const { results, outcomes, handled } = await fillQueue(
        'drop-latest',
        'sendAndAwaitCompletion',
      );
      expect(outcomes).toEqual([
        { status: 'handled' },
        { status: 'handled' },
        { status: 'dropped', reason: 'overflow' },
      ]);
      expect(linesOf(results.notifications, 'InputDropped')).toEqual([
        'InputDropped Increment overflow',
      ]);
      expect(handled).toEqual([increment(1), increment(2)]);
    });

    it('makes send() reject, since its Input never got queued', async () => {
      await runScenario({
        ...counterConfig({ inputQueue: { capacity: 1, overflow: 'drop-latest' } }),
        running: async (vm) => {
          vm.trySend(slow(deferred().promise));
          await vm.send(increment());
          await expect(vm.send(increment(2))).rejects.toThrow(
            /^ballast-sync: Input "Increment" was dropped/,
          );
        },
        timeoutMs: 0,
      });
    });
  });

  describe("'drop-oldest'", () => {
    it('drops the oldest waiting Input, settling its caller as dropped, and queues the new one', async () => {
      const { results, outcomes, handled } = await fillQueue(
        'drop-oldest',
        'sendAndAwaitCompletion',
      );
      expect(outcomes).toEqual([
        { status: 'dropped', reason: 'overflow' },
        { status: 'handled' },
        { status: 'handled' },
      ]);
      expect(results.droppedInputs).toEqual([{ input: increment(1), reason: 'overflow' }]);
      expect(handled).toEqual([increment(2), increment(3)]);
    });

    it('lets trySend() always succeed', async () => {
      const { outcomes, handled } = await fillQueue('drop-oldest', 'trySend');
      expect(outcomes).toEqual([true, true, true]);
      expect(handled).toEqual([increment(2), increment(3)]);
    });
  });

  it('does not count restored States against the capacity', async () => {
    let scope: BallastInterceptorScope<CounterInput, CounterEvent, CounterState> | undefined;
    const gate = deferred();
    const results = await runScenario({
      ...counterConfig({
        inputQueue: { capacity: 1, overflow: 'drop-latest' },
        interceptors: [{ name: 'restorer', start: (s) => void (scope = s) }],
      }),
      running: async (vm) => {
        vm.trySend(slow(gate.promise));
        vm.trySend(increment(10)); // the queue is full now
        const restored = scope?.sendToQueueAndAwaitCompletion({
          type: 'restore',
          state: { count: 100 },
        });
        await settle();
        gate.resolve();
        expect(await restored).toEqual({ status: 'handled' });
      },
    });
    expect(results.droppedInputs).toEqual([]);
    expect(results.states.map((s) => s.count)).toEqual([0, 1, 11, 100]);
  });
});
