/*
 * Behaviours where Ballast's own tests (ballast-core, ballast-test, the counter example) and this
 * port were compared. The first block matches Ballast; the others are intentional differences,
 * listed in the README under "Differences from Ballast".
 */
import { BasicViewModel, lifo } from 'ballast-sync/core';
import { runScenario } from 'ballast-sync/testing';
import {
  counterConfig,
  deferred,
  increment,
  linesOf,
  recorder,
  run,
  settle,
  type CounterEvent,
  type CounterInput,
  type CounterState,
} from './testing-contract.spec-helper';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('graceful shutdown, as in Ballast: the ViewModel’s own work still posts Inputs', () => {
  it('handles an Input a side job posts within the grace period (Ballast ends at 1)', async () => {
    const results = await runScenario({
      ...counterConfig(),
      running: async (vm) => {
        await vm.sendAndAwaitCompletion(
          run('start', (scope) =>
            scope.sideJob('late', async (job) => {
              await sleep(10);
              await job.postInput(increment());
            }),
          ),
        );
        await vm.shutDownGracefully(1000);
      },
    });
    expect(results.sideJobs.errors).toEqual([]);
    expect(results.sideJobs.completed).toEqual(['late']);
    expect(results.successfulInputs).toContainEqual(increment());
    expect(results.latestState).toEqual({ count: 1 });
  });

  it('handles an Input the Event handler posts while shutting down', async () => {
    const rec = recorder<CounterInput, CounterEvent, CounterState>();
    const vm = new BasicViewModel(
      counterConfig({ interceptors: [rec.interceptor] }),
      (event, scope) => scope.postInput(increment(event.message.length)),
    );
    vm.trySend({ type: 'Emit', message: 'bump' }); // queued before the shutdown request
    await vm.shutDownGracefully(1000);
    expect(rec.lines((l) => l.startsWith('Event'))).toEqual([
      'EventProcessingStarted',
      'EventQueued Notify(bump)',
      'EventEmitted Notify(bump)',
      'EventHandledSuccessfully Notify(bump)',
      'EventProcessingStopped',
    ]);
    expect(vm.getCurrentState()).toEqual({ count: 4 });
  });

  it('keeps a side job’s Input waiting for room in a full queue; drops the outside one', async () => {
    const rec = recorder<CounterInput, CounterEvent, CounterState>();
    const vm = new BasicViewModel(
      counterConfig({ interceptors: [rec.interceptor], inputQueue: { capacity: 1 } }),
    );
    const jobGate = deferred();
    await vm.sendAndAwaitCompletion(
      run('start', (scope) =>
        scope.sideJob('job', async (job) => {
          await jobGate.promise;
          await job.postInput(increment(100));
        }),
      ),
    );
    const inputGate = deferred();
    vm.trySend({ type: 'Slow', gate: inputGate.promise }); // running: adds 1
    vm.trySend(increment(10)); // fills the queue
    jobGate.resolve();
    await settle(); // the side job's Input now waits for room
    const outside = vm.send(increment(1000)); // and so does this one
    const shutdown = vm.shutDownGracefully(1000);
    await expect(outside).rejects.toThrow(/^ballast-sync: Input "Increment" was dropped/);
    inputGate.resolve();
    await shutdown;
    expect(rec.notifications.filter((n) => n.type === 'InputDropped')).toEqual([
      { type: 'InputDropped', input: increment(1000), reason: 'shutting-down' },
    ]);
    expect(vm.getCurrentState()).toEqual({ count: 111 });
  });

  it('still clears when the grace period is over, however long a side job keeps posting', async () => {
    const rec = recorder<CounterInput, CounterEvent, CounterState>();
    const vm = new BasicViewModel(counterConfig({ interceptors: [rec.interceptor] }));
    let lateError: unknown;
    await vm.sendAndAwaitCompletion(
      run('start', (scope) =>
        scope.sideJob('forever', async (job) => {
          try {
            for (;;) {
              await job.postInput(increment());
              await sleep(1);
            }
          } catch (error) {
            lateError = error;
          }
        }),
      ),
    );
    const started = Date.now();
    await vm.shutDownGracefully(30);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(vm.status).toBe('Cleared');
    expect(vm.getCurrentState().count).toBeGreaterThan(0); // its Inputs were handled meanwhile
    expect(rec.lines((l) => l.startsWith('SideJob'))).toEqual([
      'SideJobQueued forever',
      'SideJobStarted forever Initial',
      'SideJobCancelled forever',
    ]);
    await sleep(5);
    expect(String((lateError as Error).message)).toMatch(
      /^ballast-sync: postInput\(\) was called by side job "forever" after it was cancelled/,
    );
  });
});

describe('intentional differences from Ballast', () => {
  it('lifo: cancelling an Input that never updated the State emits no StateChanged (Ballast emits one)', async () => {
    const results = await runScenario({
      ...counterConfig({ inputStrategy: lifo() }),
      running: async (vm) => {
        const untouched = vm.sendAndAwaitCompletion(
          run('untouched', async (scope) => {
            scope.noOp();
            await deferred().promise;
          }),
        );
        await settle();
        await vm.sendAndAwaitCompletion(run('next', (scope) => scope.noOp()));
        expect(await untouched).toEqual({ status: 'cancelled' });

        const same = vm.sendAndAwaitCompletion(
          run('same', async (scope) => {
            scope.updateState((s) => s);
            await deferred().promise;
          }),
        );
        await settle();
        await vm.sendAndAwaitCompletion(run('next', (scope) => scope.noOp()));
        expect(await same).toEqual({ status: 'cancelled' });
      },
    });
    expect(
      linesOf(results.notifications, 'InputAccepted', 'InputCancelled', 'StateChanged'),
    ).toEqual([
      'StateChanged 0',
      'InputAccepted Run(untouched)',
      'InputCancelled Run(untouched)', // nothing to roll back: no StateChanged
      'InputAccepted Run(next)',
      'InputAccepted Run(same)',
      'StateChanged 0',
      'InputCancelled Run(same)',
      'StateChanged 0', // it did update: rolled back, even to an equal State
      'InputAccepted Run(next)',
    ]);
  });

  it('a side job key started again after its job completed starts as Initial (Ballast: Restarted)', async () => {
    const gate = deferred();
    const results = await runScenario({
      ...counterConfig(),
      running: async (vm) => {
        const start = (job: () => void | Promise<void>) =>
          vm.sendAndAwaitCompletion(run('start', (scope) => scope.sideJob('job', job)));
        await start(() => undefined); // completes at once
        await start(() => gate.promise); // the previous one completed: a fresh start
        await start(() => undefined); // replaces the running one
        gate.resolve();
      },
    });
    expect(results.sideJobs.started).toEqual([
      { key: 'job', restartState: 'Initial' },
      { key: 'job', restartState: 'Initial' },
      { key: 'job', restartState: 'Restarted' },
    ]);
  });

  it('observeStates() drops only the same State object by default; stateEquals gives Kotlin data-class equality', async () => {
    const copy = run('copy', (scope) => scope.updateState((s) => ({ ...s })));
    const observe = async (stateEquals?: (a: CounterState, b: CounterState) => boolean) => {
      const vm = new BasicViewModel(counterConfig(stateEquals ? { stateEquals } : {}));
      const seen: number[] = [];
      vm.observeStates().subscribe((s) => seen.push(s.count));
      for (const input of [copy, copy, increment(), copy]) await vm.sendAndAwaitCompletion(input);
      vm.clear();
      return seen;
    };
    // What a port of a Kotlin app sets: structural equality (a deep-equal function).
    const structurallyEqual = (a: CounterState, b: CounterState) =>
      JSON.stringify(a) === JSON.stringify(b);
    expect(await observe()).toEqual([0, 0, 0, 1, 1]);
    expect(await observe(structurallyEqual)).toEqual([0, 1]);
  });
});
