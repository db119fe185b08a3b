import { fifo, type BallastInterceptor, type InputHandler } from 'ballast-sync/core';
import { runScenario, type Scenario } from 'ballast-sync/testing';

/** A tiny contract of its own: the harness does not depend on the engine's spec helpers. */
type Input =
  | { type: 'Add'; by: number }
  | { type: 'Say'; text: string }
  | { type: 'Boom' }
  | { type: 'Wait'; gate: Promise<void> }
  | { type: 'Sleep'; ms: number }
  | { type: 'Job'; key: string; job: 'ok' | 'fail' | 'forever' };
type Event = { type: 'Said'; text: string };
type State = { total: number };

let lastJobSignal: AbortSignal | undefined;

const handler: InputHandler<Input, Event, State> = (input, scope) => {
  switch (input.type) {
    case 'Add':
      return scope.updateState((s) => ({ total: s.total + input.by }));
    case 'Say':
      return scope.postEvent({ type: 'Said', text: input.text });
    case 'Boom':
      throw new Error('boom');
    case 'Wait':
      scope.noOp();
      return input.gate;
    case 'Sleep':
      return new Promise<void>((resolve) => setTimeout(resolve, input.ms)).then(() =>
        scope.updateState((s) => ({ total: s.total + 1 })),
      );
    case 'Job':
      return scope.sideJob(input.key, async (job) => {
        lastJobSignal = job.signal;
        if (input.job === 'fail') throw new Error('job failed');
        if (input.job === 'forever') await new Promise(() => undefined);
      });
  }
};

const base = {
  name: 'scenario',
  initialState: { total: 0 },
  inputHandler: handler,
} satisfies Partial<Scenario<Input, Event, State>>;
const add = (by: number): Input => ({ type: 'Add', by });

describe('runScenario()', () => {
  it('starts from `given` instead of initialState', async () => {
    const results = await runScenario({
      ...base,
      given: { total: 40 },
      running: async (vm) => void (await vm.sendAndAwaitCompletion(add(2))),
    });
    expect(results.states).toEqual([{ total: 40 }, { total: 42 }]);
    expect(results.latestState).toEqual({ total: 42 });
  });

  it('records what happened to every Input', async () => {
    const results = await runScenario({
      ...base,
      inputStrategy: fifo<Input, State>({
        filter: (input) => (input.type === 'Add' && input.by < 0 ? 'reject' : 'accept'),
      }),
      inputQueue: { capacity: 1, overflow: 'drop-latest' },
      running: async (vm) => {
        await vm.sendAndAwaitCompletion(add(1));
        await vm.sendAndAwaitCompletion(add(-1));
        await vm.sendAndAwaitCompletion({ type: 'Boom' });
        let open!: () => void;
        vm.trySend({ type: 'Wait', gate: new Promise<void>((resolve) => (open = resolve)) });
        vm.trySend(add(2)); // fills the queue
        vm.trySend(add(3)); // dropped
        open();
      },
    });
    expect(results.queuedInputs).toHaveLength(6);
    expect(results.acceptedInputs.map((i) => i.type)).toEqual(['Add', 'Boom', 'Wait', 'Add']);
    expect(results.rejectedInputs).toEqual([add(-1)]);
    expect(results.droppedInputs).toEqual([{ input: add(3), reason: 'overflow' }]);
    expect(results.successfulInputs.map((i) => i.type)).toEqual(['Add', 'Wait', 'Add']);
    expect(results.inputHandlerErrors).toEqual([
      { input: { type: 'Boom' }, error: new Error('boom') },
    ]);
    expect(results.cancelledInputs).toEqual([]);
    expect(results.states).toEqual([{ total: 0 }, { total: 1 }, { total: 3 }]);
    expect(results.timedOut).toBe(false);
  });

  it('records side jobs: queued, started, completed, errors', async () => {
    const results = await runScenario({
      ...base,
      running: (vm) => {
        vm.trySend({ type: 'Job', key: 'a', job: 'ok' });
        vm.trySend({ type: 'Job', key: 'b', job: 'fail' });
      },
    });
    expect(results.sideJobs).toEqual({
      queued: ['a', 'b'],
      started: [
        { key: 'a', restartState: 'Initial' },
        { key: 'b', restartState: 'Initial' },
      ],
      completed: ['a'],
      cancelled: [],
      errors: [{ key: 'b', error: new Error('job failed') }],
    });
  });

  it('reports timedOut for a side job that never ends, and cancels it', async () => {
    const results = await runScenario({
      ...base,
      timeoutMs: 20,
      running: (vm) => void vm.trySend({ type: 'Job', key: 'endless', job: 'forever' }),
    });
    expect(results.timedOut).toBe(true);
    expect(results.sideJobs.started).toEqual([{ key: 'endless', restartState: 'Initial' }]);
    expect(results.sideJobs.cancelled).toEqual(['endless']);
    expect(results.notifications.at(-1)).toEqual({
      type: 'ViewModelStatusChanged',
      status: 'Cleared',
    });
    expect(lastJobSignal?.aborted).toBe(true);
  });

  describe('timeoutMs covers the whole scenario, `running` included (as in ballast-test)', () => {
    afterEach(() => jest.useRealTimers());

    it('stops a 10-second Input after 1 second: only the initial State, timedOut', async () => {
      jest.useFakeTimers({ doNotFake: ['queueMicrotask', 'nextTick', 'setImmediate'] });
      let outcome: unknown;
      const scenario = runScenario({
        ...base,
        timeoutMs: 1000,
        running: async (vm) => {
          outcome = await vm.sendAndAwaitCompletion({ type: 'Sleep', ms: 10_000 });
        },
      });
      await jest.advanceTimersByTimeAsync(1000);
      const results = await scenario;
      expect(results.timedOut).toBe(true);
      expect(results.states).toEqual([{ total: 0 }]);
      expect(results.latestState).toEqual({ total: 0 });
      expect(results.cancelledInputs).toEqual([{ type: 'Sleep', ms: 10_000 }]);
      expect(outcome).toEqual({ status: 'cancelled' }); // cancelled by clearing, at the deadline
    });

    it('aborts `signal` when it fires, and ignores what `running` does afterwards', async () => {
      let signal: AbortSignal | undefined;
      let sentAfterDeadline: unknown;
      const results = await runScenario({
        ...base,
        timeoutMs: 20,
        running: async (vm, scenario) => {
          signal = scenario.signal;
          await vm.sendAndAwaitCompletion(add(1));
          await new Promise<void>((resolve) =>
            scenario.signal.addEventListener('abort', () => resolve()),
          );
          try {
            vm.trySend(add(100)); // too late: the ViewModel was cleared
          } catch (error) {
            sentAfterDeadline = error;
          }
          throw new Error('not reported: nobody awaits `running` any more');
        },
      });
      expect(results.timedOut).toBe(true);
      expect(results.latestState).toEqual({ total: 1 });
      expect(String((signal?.reason as Error).message)).toMatch(
        /^ballast-sync: the scenario timed out after 20 ms/,
      );
      expect(String((sentAfterDeadline as Error).message)).toMatch(/after it was cleared/);
      expect(results.notifications.at(-1)).toEqual({
        type: 'ViewModelStatusChanged',
        status: 'Cleared',
      });
    });

    it('with Infinity, never times out', async () => {
      let open!: () => void;
      setTimeout(() => open(), 30);
      const results = await runScenario({
        ...base,
        timeoutMs: Infinity,
        running: async (vm) => {
          const gate = new Promise<void>((resolve) => (open = resolve));
          await vm.sendAndAwaitCompletion({ type: 'Wait', gate });
          await vm.sendAndAwaitCompletion(add(1));
        },
      });
      expect(results.timedOut).toBe(false);
      expect(results.latestState).toEqual({ total: 1 });
    });

    it('aborts `signal` once a scenario that finished in time is over', async () => {
      let signal: AbortSignal | undefined;
      const results = await runScenario({
        ...base,
        running: (_vm, scenario) => void (signal = scenario.signal),
      });
      expect(results.timedOut).toBe(false);
      expect(signal?.aborted).toBe(true);
    });
  });

  it('records Events even without an event handler', async () => {
    const results = await runScenario({
      ...base,
      running: (vm) => {
        vm.trySend({ type: 'Say', text: 'hello' });
        vm.trySend({ type: 'Say', text: 'world' });
      },
    });
    expect(results.events).toEqual([
      { type: 'Said', text: 'hello' },
      { type: 'Said', text: 'world' },
    ]);
    expect(results.notifications.some((n) => n.type === 'EventEmitted')).toBe(false);
    expect(results.deliveredEvents).toEqual([]);
  });

  it("records delivered Events (ballast-test's `events`) and Events the full buffer dropped", async () => {
    const results = await runScenario({
      ...base,
      eventBuffer: { capacity: 1 },
      running: async (vm) => {
        vm.trySend({ type: 'Say', text: 'lost' });
        vm.trySend({ type: 'Say', text: 'kept' }); // the buffer holds one: 'lost' is dropped
        await vm.whenIdle();
        vm.attachEventHandler(() => undefined);
      },
    });
    expect(results.events.map((e) => e.text)).toEqual(['lost', 'kept']);
    expect(results.droppedEvents.map((e) => e.text)).toEqual(['lost']);
    expect(results.deliveredEvents.map((e) => e.text)).toEqual(['kept']);
  });

  it('lets `running` post an Event, recorded and delivered like any other', async () => {
    const heard: string[] = [];
    const results = await runScenario({
      ...base,
      eventHandler: (event) => void heard.push(event.text),
      running: async (vm, scenario) => {
        scenario.postEvent({ type: 'Said', text: 'from the test' });
        await vm.sendAndAwaitCompletion({ type: 'Say', text: 'from the handler' });
      },
    });
    expect(heard).toEqual(['from the test', 'from the handler']);
    expect(results.events).toEqual(results.deliveredEvents);
    expect(results.deliveredEvents.map((e) => e.text)).toEqual([
      'from the test',
      'from the handler',
    ]);
  });

  it('keeps the message of an Input an input guard refused', async () => {
    const guard: BallastInterceptor<Input, Event, State> = {
      name: 'guard',
      start: (scope) =>
        void scope.addInputGuard((i) => (i.type === 'Boom' ? 'no booms' : undefined)),
    };
    const results = await runScenario({
      ...base,
      interceptors: [guard],
      running: async (vm) => void (await vm.sendAndAwaitCompletion({ type: 'Boom' })),
    });
    expect(results.droppedInputs).toEqual([
      { input: { type: 'Boom' }, reason: 'refused', message: 'no booms' },
    ]);
  });

  it('delivers Events to its eventHandler and records the handler errors', async () => {
    const heard: string[] = [];
    const results = await runScenario({
      ...base,
      eventHandler: (event) => {
        if (event.text === 'bad') throw new Error('cannot hear');
        heard.push(event.text);
      },
      running: (vm) => {
        vm.trySend({ type: 'Say', text: 'bad' });
        vm.trySend({ type: 'Say', text: 'good' });
      },
    });
    expect(heard).toEqual(['good']);
    expect(results.eventHandlerErrors).toEqual([
      { event: { type: 'Said', text: 'bad' }, error: new Error('cannot hear') },
    ]);
  });

  it('records every StateChanged and runs the scenario interceptors after its own recorder', async () => {
    const seen: string[] = [];
    const watcher: BallastInterceptor<Input, Event, State> = {
      name: 'watcher',
      start: (_scope, stream) => stream.subscribe((n) => seen.push(n.type)),
    };
    const results = await runScenario({
      ...base,
      interceptors: [watcher],
      running: async (vm) => {
        await vm.sendAndAwaitCompletion(add(0));
        await vm.sendAndAwaitCompletion(add(0));
      },
    });
    expect(results.states).toEqual([{ total: 0 }, { total: 0 }, { total: 0 }]); // not deduplicated
    expect(seen.slice(0, 2)).toEqual(['InterceptorAttached', 'InterceptorAttached']);
    expect(results.notifications.map((n) => n.type)).toEqual(
      seen.slice(0, results.notifications.length),
    );
  });

  it('clears the ViewModel and rethrows when `running` throws', async () => {
    let vmStatus: (() => string) | undefined;
    const failing = runScenario({
      ...base,
      running: (vm) => {
        vmStatus = () => vm.status;
        throw new Error('scenario broke');
      },
    });
    await expect(failing).rejects.toThrow('scenario broke');
    expect(vmStatus?.()).toBe('Cleared');
  });

  it.each([
    [
      'without `running`',
      { ...base },
      /^ballast-sync: runScenario\(\) needs \{ initialState, inputHandler, running/,
    ],
    [
      'with a negative timeout',
      { ...base, running: () => undefined, timeoutMs: -1 },
      /^ballast-sync: runScenario\(\{ timeoutMs \}\)/,
    ],
  ])('rejects a scenario %s', async (_what, scenario, message) => {
    await expect(runScenario(scenario as unknown as Scenario<Input, Event, State>)).rejects.toThrow(
      message,
    );
  });
});
