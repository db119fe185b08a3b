import { lifo, type SideJob, type SideJobScope } from 'ballast-sync/core';
import { runScenario } from 'ballast-sync/testing';
import { Subject } from 'rxjs';
import {
  counterConfig,
  deferred,
  increment,
  linesOf,
  run,
  settle,
  type CounterEvent,
  type CounterInput,
  type CounterState,
} from './testing-contract.spec-helper';

type Job = SideJob<CounterInput, CounterEvent, CounterState>;
type JobScope = SideJobScope<CounterInput, CounterEvent, CounterState>;

const startJob = (key: string, job: Job) => run(`start ${key}`, (scope) => scope.sideJob(key, job));
const SIDE_JOBS = [
  'SideJobQueued',
  'SideJobStarted',
  'SideJobCompleted',
  'SideJobCancelled',
  'SideJobError',
];

describe('side jobs', () => {
  it('restarts a key: the running job is aborted and cancelled, the new one starts as Restarted', async () => {
    const gate = deferred();
    const scopes: JobScope[] = [];
    const job: Job = async (scope) => {
      scopes.push(scope);
      await gate.promise;
    };
    const results = await runScenario({
      ...counterConfig(),
      running: async (vm) => {
        await vm.sendAndAwaitCompletion(startJob('job', job));
        await vm.sendAndAwaitCompletion(startJob('job', job));
        gate.resolve();
      },
    });
    expect(scopes.map((s) => [s.restartState, s.signal.aborted])).toEqual([
      ['Initial', true],
      ['Restarted', false],
    ]);
    expect(linesOf(results.notifications, ...SIDE_JOBS)).toEqual([
      'SideJobQueued job',
      'SideJobStarted job Initial',
      'SideJobQueued job',
      'SideJobCancelled job',
      'SideJobStarted job Restarted',
      'SideJobCompleted job', // once: the replaced job's late completion is not reported
    ]);
    expect(results.timedOut).toBe(false);
  });

  it('starts after its handler returned, with the State of that moment', async () => {
    let seen: CounterState | undefined;
    const results = await runScenario({
      ...counterConfig(),
      given: { count: 3 },
      running: async (vm) => {
        await vm.sendAndAwaitCompletion(
          run('update then job', (scope) => {
            scope.updateState((s) => ({ count: s.count + 1 }));
            scope.sideJob('job', (job) => void (seen = job.currentStateWhenStarted));
          }),
        );
      },
    });
    expect(seen).toEqual({ count: 4 });
    expect(linesOf(results.notifications, 'InputHandledSuccessfully', ...SIDE_JOBS)).toEqual([
      'SideJobQueued job',
      'InputHandledSuccessfully Run(update then job)',
      'SideJobStarted job Initial',
      'SideJobCompleted job',
    ]);
  });

  it.each<[string, Job]>([
    [
      'throws',
      () => {
        throw new Error('sync boom');
      },
    ],
    [
      'rejects',
      async () => {
        await Promise.resolve();
        throw new Error('async boom');
      },
    ],
  ])('reports SideJobError when a job %s, and the ViewModel keeps working', async (_what, job) => {
    const results = await runScenario({
      ...counterConfig(),
      running: async (vm) => {
        await vm.sendAndAwaitCompletion(startJob('bad', job));
        await settle();
        expect(await vm.sendAndAwaitCompletion(increment())).toEqual({ status: 'handled' });
      },
    });
    expect(results.sideJobs.errors).toEqual([{ key: 'bad', error: expect.any(Error) }]);
    expect(results.sideJobs.completed).toEqual([]);
    expect(results.inputHandlerErrors).toEqual([]);
    expect(results.latestState).toEqual({ count: 1 });
  });

  it('cancelSideJob() aborts the running job and reports it cancelled; an unknown key is ignored', async () => {
    let signal: AbortSignal | undefined;
    const results = await runScenario({
      ...counterConfig(),
      running: async (vm) => {
        await vm.sendAndAwaitCompletion(
          startJob('job', (scope) => new Promise(() => void (signal = scope.signal))),
        );
        await vm.sendAndAwaitCompletion(run('cancel', (scope) => scope.cancelSideJob('job')));
        await vm.sendAndAwaitCompletion(
          run('cancel unknown', (scope) => scope.cancelSideJob('nope')),
        );
      },
    });
    expect(signal?.aborted).toBe(true);
    expect(results.sideJobs.cancelled).toEqual(['job']);
    expect(results.successfulInputs).toHaveLength(3);
    expect(results.timedOut).toBe(false);
  });

  it('reports the side jobs of a cancelled (lifo) Input as cancelled, and never runs them', async () => {
    let ran = false;
    const results = await runScenario({
      ...counterConfig({ inputStrategy: lifo() }),
      running: async (vm) => {
        vm.trySend(
          run('queues a job', async (scope) => {
            scope.sideJob('job', () => void (ran = true));
            await deferred().promise; // still running when the next Input arrives
          }),
        );
        await settle();
        await vm.sendAndAwaitCompletion(increment());
      },
    });
    expect(ran).toBe(false);
    expect(linesOf(results.notifications, 'InputCancelled', ...SIDE_JOBS)).toEqual([
      'SideJobQueued job',
      'InputCancelled Run(queues a job)',
      'SideJobCancelled job',
    ]);
  });

  it('can post Inputs and Events, which are handled like any other', async () => {
    const results = await runScenario({
      ...counterConfig(),
      running: async (vm) => {
        vm.trySend(
          startJob('poster', async (job) => {
            await job.postInput(increment(5));
            job.postEvent({ type: 'Notify', message: 'posted' });
          }),
        );
      },
    });
    expect(results.successfulInputs.map((i) => i.type)).toEqual(['Run', 'Increment']);
    expect(results.events).toEqual([{ type: 'Notify', message: 'posted' }]);
    expect(results.sideJobs.completed).toEqual(['poster']);
    expect(results.latestState).toEqual({ count: 5 });
  });

  it('refuses postInput() and postEvent() once the job was cancelled', async () => {
    let stale: JobScope | undefined;
    const results = await runScenario({
      ...counterConfig(),
      running: async (vm) => {
        await vm.sendAndAwaitCompletion(
          startJob('job', (scope) => new Promise(() => void (stale = scope))),
        );
        await vm.sendAndAwaitCompletion(run('cancel', (scope) => scope.cancelSideJob('job')));
        const job = stale as JobScope;
        expect(() => job.postInput(increment())).toThrow(
          /^ballast-sync: postInput\(\) was called by side job "job" after it was cancelled/,
        );
        expect(() => job.postEvent({ type: 'Notify', message: 'late' })).toThrow(
          /^ballast-sync: postEvent\(\)/,
        );
      },
    });
    expect(results.queuedInputs.map((i) => i.type)).toEqual(['Run', 'Run']);
    expect(results.events).toEqual([]);
  });

  it('observeInputs() posts every Input its Observables emit, and stops when the key restarts', async () => {
    const first = new Subject<CounterInput>();
    const second = new Subject<CounterInput>();
    const replacement = new Subject<CounterInput>();
    const results = await runScenario({
      ...counterConfig(),
      running: async (vm) => {
        await vm.sendAndAwaitCompletion(
          run('observe', (scope) => scope.observeInputs('inputs', first, second)),
        );
        first.next(increment(1));
        second.next(increment(10));
        await settle(); // not whenIdle(): the observing side job is still running
        expect(vm.getCurrentState()).toEqual({ count: 11 });

        await vm.sendAndAwaitCompletion(
          run('observe again', (scope) => scope.observeInputs('inputs', replacement)),
        );
        expect(first.observed || second.observed).toBe(false);
        first.next(increment(1000)); // nobody listens any more
        replacement.next(increment(100));
        replacement.complete();
      },
    });
    expect(results.successfulInputs.filter((i) => i.type === 'Increment')).toEqual([
      increment(1),
      increment(10),
      increment(100),
    ]);
    expect(
      linesOf(results.notifications, 'SideJobStarted', 'SideJobCancelled', 'SideJobCompleted'),
    ).toEqual([
      'SideJobStarted inputs Initial',
      'SideJobCancelled inputs',
      'SideJobStarted inputs Restarted',
      'SideJobCompleted inputs',
    ]);
    expect(results.latestState).toEqual({ count: 111 });
  });

  it('observeInputs() without an Observable is a guardian error', async () => {
    const results = await runScenario({
      ...counterConfig(),
      running: async (vm) =>
        void (await vm.sendAndAwaitCompletion(
          run('observe nothing', (scope) => scope.observeInputs('inputs')),
        )),
    });
    expect(String(results.inputHandlerErrors[0]?.error)).toMatch(
      /^Error: ballast-sync: observeInputs\("inputs", \.\.\.sources\)/,
    );
    expect(results.sideJobs.started).toEqual([]);
  });
});
