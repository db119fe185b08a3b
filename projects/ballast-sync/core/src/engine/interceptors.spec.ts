import {
  BasicViewModel,
  type BallastInterceptor,
  type BallastNotification,
} from 'ballast-sync/core';
import { runScenario } from 'ballast-sync/testing';
import { concatMap, type Subscription } from 'rxjs';
import {
  counterConfig,
  deferred,
  describeNotification,
  increment,
  recorder,
  settle,
  type CounterEvent,
  type CounterInput,
  type CounterState,
} from './testing-contract.spec-helper';

type Interceptor = BallastInterceptor<CounterInput, CounterEvent, CounterState>;
type Notification = BallastNotification<CounterInput, CounterEvent, CounterState>;

describe('interceptors', () => {
  it('see the start-up notifications in exactly this order', () => {
    const first = recorder<CounterInput, CounterEvent, CounterState>('first');
    const second = recorder<CounterInput, CounterEvent, CounterState>('second');
    const vm = new BasicViewModel(
      counterConfig({ interceptors: [first.interceptor, second.interceptor] }),
    );
    const expected = [
      'InterceptorAttached first',
      'InterceptorAttached second',
      'ViewModelStatusChanged Running',
      'StateChanged 0',
    ];
    expect(first.lines()).toEqual(expected);
    expect(second.lines()).toEqual(expected);
    vm.clear();
  });

  it('go on without an interceptor whose start() throws: InterceptorFailed, and the ViewModel works', async () => {
    const broken: Interceptor = {
      name: 'broken',
      start: () => {
        throw new Error('cannot start');
      },
    };
    const results = await runScenario({
      ...counterConfig({ interceptors: [broken] }),
      running: async (vm) => void (await vm.sendAndAwaitCompletion(increment())),
    });
    expect(results.notifications.slice(0, 4).map(describeNotification)).toEqual([
      'InterceptorAttached scenario-recorder',
      'InterceptorFailed broken',
      'ViewModelStatusChanged Running',
      'StateChanged 0',
    ]);
    expect(results.notifications[1]).toMatchObject({ error: new Error('cannot start') });
    expect(results.latestState).toEqual({ count: 1 });
  });

  it('all see one order, even when one of them sends an Input synchronously from its subscriber', async () => {
    const reactor: Interceptor = {
      name: 'reactor',
      start: (scope, stream) =>
        stream.subscribe((n) => {
          if (n.type === 'InputHandledSuccessfully' && scope.getCurrentState().count < 3) {
            void scope.sendToQueue({ type: 'input', input: increment() });
          }
        }),
    };
    const before = recorder<CounterInput, CounterEvent, CounterState>('before');
    const after = recorder<CounterInput, CounterEvent, CounterState>('after');
    const vm = new BasicViewModel(
      counterConfig({ interceptors: [before.interceptor, reactor, after.interceptor] }),
    );
    const observed: Notification[] = [];
    vm.observeNotifications().subscribe((n) => observed.push(n));
    vm.trySend(increment());
    await vm.whenIdle();
    vm.clear();

    const oneRound = (n: number) => [
      'InputQueued Increment',
      'InputAccepted Increment',
      `StateChanged ${n}`,
      'InputHandledSuccessfully Increment',
    ];
    const expected = [
      ...oneRound(1),
      ...oneRound(2),
      ...oneRound(3),
      'ViewModelStatusChanged Cleared',
    ];
    expect(before.lines().slice(5)).toEqual(expected); // after 3 × InterceptorAttached, Running, StateChanged 0
    expect(after.lines()).toEqual(before.lines());
    expect(observed.map(describeNotification)).toEqual(expected);
  });

  it('do not stall the ViewModel when their subscriber is slow', async () => {
    const gate = deferred();
    const slowlySeen: Notification[] = [];
    const caughtUp = deferred();
    const slowInterceptor: Interceptor = {
      name: 'slow',
      start: (_scope, stream) =>
        stream
          .pipe(
            concatMap(async (n) => {
              await gate.promise;
              await new Promise((resolve) => setTimeout(resolve, 1));
              return n;
            }),
          )
          .subscribe((n) => {
            slowlySeen.push(n);
            if (
              n.type === 'InputHandledSuccessfully' &&
              n.input.type === 'Increment' &&
              n.input.by === 5
            )
              caughtUp.resolve();
          }),
    };
    const fast = recorder<CounterInput, CounterEvent, CounterState>('fast');
    const vm = new BasicViewModel(
      counterConfig({ interceptors: [slowInterceptor, fast.interceptor] }),
    );
    for (const by of [1, 2, 3, 4, 5])
      expect(await vm.sendAndAwaitCompletion(increment(by))).toEqual({ status: 'handled' });
    expect(vm.getCurrentState()).toEqual({ count: 15 });
    expect(slowlySeen).toEqual([]); // the ViewModel finished without waiting for it

    gate.resolve();
    await caughtUp.promise;
    expect(slowlySeen).toEqual(fast.notifications); // late, but complete and in order
    vm.clear();
  });

  it('can read the State, queue Inputs, post Events and report errors through their scope', async () => {
    const helper: Interceptor = {
      name: 'helper',
      start: (scope, stream) =>
        stream.subscribe((n) => {
          if (n.type !== 'ViewModelStatusChanged' || n.status !== 'Running') return;
          queueMicrotask(async () => {
            const outcome = await scope.sendToQueueAndAwaitCompletion({
              type: 'input',
              input: increment(2),
            });
            scope.postEvent({
              type: 'Notify',
              message: `${outcome.status} at ${scope.getCurrentState().count}`,
            });
            scope.reportError(new Error('interceptor trouble'));
          });
        }),
    };
    const results = await runScenario({
      ...counterConfig({ interceptors: [helper] }),
      running: () => settle(),
    });
    expect(results.successfulInputs).toEqual([increment(2)]);
    expect(results.events).toEqual([{ type: 'Notify', message: 'handled at 2' }]);
    expect(results.unhandledErrors).toEqual([new Error('interceptor trouble')]);
  });

  it('are torn down when the ViewModel is cleared, and the notification stream completes', () => {
    let tornDown = 0;
    let subscription: Subscription | undefined;
    const withFunction: Interceptor = { name: 'fn', start: () => () => void tornDown++ };
    const withSubscription: Interceptor = {
      name: 'sub',
      start: (_s, stream) => (subscription = stream.subscribe()),
    };
    const vm = new BasicViewModel(
      counterConfig({ interceptors: [withFunction, withSubscription] }),
    );
    let completed = false;
    vm.observeNotifications().subscribe({ complete: () => (completed = true) });
    vm.clear();
    expect(tornDown).toBe(1);
    expect(subscription?.closed).toBe(true);
    expect(completed).toBe(true);
  });
});
