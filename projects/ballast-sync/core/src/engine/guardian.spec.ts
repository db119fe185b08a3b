import { lifo, parallel } from 'ballast-sync/core';
import { runScenario } from 'ballast-sync/testing';
import {
  counterConfig,
  deferred,
  increment,
  run,
  settle,
  type CounterScope,
} from './testing-contract.spec-helper';

const errorOf = (outcome: unknown) => (outcome as { error: Error }).error;

describe('guardian', () => {
  describe('after sideJob()', () => {
    it.each<[string, (scope: CounterScope) => void]>([
      ['getCurrentState', (scope) => scope.getCurrentState()],
      ['updateState', (scope) => scope.updateState((s) => ({ count: s.count + 100 }))],
      ['postEvent', (scope) => scope.postEvent({ type: 'Notify', message: 'late' })],
      ['noOp', (scope) => scope.noOp()],
    ])('forbids %s(): InputHandlerError, and changes made before stay', async (method, violate) => {
      let outcome: unknown;
      const results = await runScenario({
        ...counterConfig(),
        running: async (vm) => {
          outcome = await vm.sendAndAwaitCompletion(
            run('late', (scope) => {
              scope.updateState((s) => ({ count: s.count + 1 }));
              scope.sideJob('job', () => undefined);
              violate(scope);
            }),
          );
        },
      });
      expect(outcome).toEqual({ status: 'failed', error: expect.any(Error) });
      expect(errorOf(outcome).message).toMatch(
        new RegExp(`^ballast-sync: ${method}\\(\\) was called after sideJob\\(\\)`),
      );
      expect(results.inputHandlerErrors.map((e) => e.error)).toEqual([errorOf(outcome)]);
      expect(results.successfulInputs).toEqual([]);
      expect(results.latestState).toEqual({ count: 1 });
      expect(results.events).toEqual([]);
    });

    it('forbids State access after cancelSideJob() as well', async () => {
      let outcome: unknown;
      await runScenario({
        ...counterConfig(),
        running: async (vm) => {
          outcome = await vm.sendAndAwaitCompletion(
            run('late', (scope) => {
              scope.cancelSideJob('job');
              scope.getCurrentState();
            }),
          );
        },
      });
      expect(errorOf(outcome).message).toMatch(
        /^ballast-sync: getCurrentState\(\) was called after sideJob\(\)\/cancelSideJob\(\)/,
      );
    });
  });

  it.each<[string, (scope: CounterScope) => unknown]>([
    ['getCurrentState', (scope) => scope.getCurrentState()],
    ['updateState', (scope) => scope.updateState((s) => ({ count: s.count + 100 }))],
    ['postEvent', (scope) => scope.postEvent({ type: 'Notify', message: 'late' })],
    ['sideJob', (scope) => scope.sideJob('job', () => undefined)],
    ['noOp', (scope) => scope.noOp()],
  ])(
    'makes a scope used after its handler returned throw on %s(), changing nothing',
    async (method, lateCall) => {
      let stored: CounterScope | undefined;
      const results = await runScenario({
        ...counterConfig(),
        running: async (vm) => {
          await vm.sendAndAwaitCompletion(
            run('store', (scope) => {
              stored = scope;
              scope.updateState((s) => ({ count: s.count + 1 }));
            }),
          );
          expect(() => lateCall(stored as CounterScope)).toThrow(
            new RegExp(
              `^ballast-sync: ${method}\\(\\) was called after the handler of Input "Run" returned`,
            ),
          );
          await vm.sendAndAwaitCompletion(increment());
        },
      });
      expect(results.states.map((s) => s.count)).toEqual([0, 1, 2]);
      expect(results.events).toEqual([]);
      expect(results.sideJobs.queued).toEqual([]);
      expect(results.inputHandlerErrors).toEqual([]);
    },
  );

  it('makes a cancelled handler that carries on throw, without reporting it a second time', async () => {
    const gate = deferred();
    let lateError: unknown;
    const results = await runScenario({
      ...counterConfig({ inputStrategy: lifo() }),
      running: async (vm) => {
        vm.trySend(
          run('stubborn', async (scope) => {
            scope.noOp();
            await gate.promise; // ignores scope.signal
            try {
              scope.updateState((s) => ({ count: s.count + 100 }));
            } catch (error) {
              lateError = error;
              throw error;
            }
          }),
        );
        await settle();
        vm.trySend(increment());
        gate.resolve();
      },
    });
    expect(String(lateError)).toMatch(
      /^Error: ballast-sync: updateState\(\) was called after the handler of Input "Run" was cancelled/,
    );
    expect(results.cancelledInputs.map((i) => i.type)).toEqual(['Run']);
    expect(results.inputHandlerErrors).toEqual([]);
    expect(results.latestState).toEqual({ count: 1 });
  });

  it.each([
    ['a sync handler', () => undefined],
    ['an async handler', async () => undefined],
    ['a handler that only looks at its signal', (scope: CounterScope) => void scope.signal.aborted],
  ])(
    'reports %s that did nothing as InputHandlerError (noOp() says "nothing on purpose")',
    async (_what, body) => {
      const outcomes: unknown[] = [];
      const results = await runScenario({
        ...counterConfig(),
        running: async (vm) => {
          outcomes.push(await vm.sendAndAwaitCompletion(run('idle', body)));
          outcomes.push(await vm.sendAndAwaitCompletion(run('noOp', (scope) => scope.noOp())));
        },
      });
      expect(errorOf(outcomes[0]).message).toMatch(
        /^ballast-sync: the handler of Input "Run" did nothing.*noOp\(\)/,
      );
      expect(outcomes[1]).toEqual({ status: 'handled' });
      expect(results.inputHandlerErrors).toHaveLength(1);
      expect(results.successfulInputs).toHaveLength(1);
    },
  );

  describe('under parallel()', () => {
    it('reports a second State access as InputHandlerError, keeping the first update', async () => {
      let outcome: unknown;
      const results = await runScenario({
        ...counterConfig({ inputStrategy: parallel() }),
        running: async (vm) => {
          outcome = await vm.sendAndAwaitCompletion(
            run('twice', (scope) => {
              scope.updateState((s) => ({ count: s.count + 1 }));
              scope.getCurrentState();
            }),
          );
        },
      });
      expect(errorOf(outcome).message).toMatch(
        /^ballast-sync: getCurrentState\(\) is a second State access .*parallel\(\)/,
      );
      expect(results.inputHandlerErrors).toHaveLength(1);
      expect(results.latestState).toEqual({ count: 1 });
    });

    it('allows one read-and-update through updateStateAndGet()', async () => {
      let seen: unknown;
      const results = await runScenario({
        ...counterConfig({ inputStrategy: parallel() }),
        given: { count: 4 },
        running: async (vm) => {
          await vm.sendAndAwaitCompletion(
            run(
              'once',
              (scope) => void (seen = scope.updateStateAndGet((s) => ({ count: s.count * 2 }))),
            ),
          );
        },
      });
      expect(seen).toEqual({ count: 8 });
      expect(results.successfulInputs).toHaveLength(1);
      expect(results.inputHandlerErrors).toEqual([]);
    });
  });
});
