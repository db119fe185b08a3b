/**
 * @jest-environment node
 */
// The ViewModel's subscribers of its notifications are members of its bus (no rxjs Subscriber),
// and the Angular layer's State listener is a watcher (no subscription): both must behave exactly
// like the rxjs subscriptions they replace.
import {
  BasicViewModel,
  type BallastInterceptor,
  type BallastNotification,
} from 'ballast-sync/core';
import { config, Subscription } from 'rxjs';
import { watchStates, type StateWatcher } from './basic-view-model';
import {
  counterConfig,
  increment,
  recorder,
  type CounterEvent,
  type CounterInput,
  type CounterState,
} from './testing-contract.spec-helper';

type Notification = BallastNotification<CounterInput, CounterEvent, CounterState>;

describe('a subscriber of the notifications', () => {
  let unhandled: jest.Mock;
  beforeEach(() => {
    unhandled = jest.fn();
    config.onUnhandledError = unhandled;
  });
  afterEach(() => {
    config.onUnhandledError = null;
    expect(unhandled).not.toHaveBeenCalled();
  });

  it('gets a real Subscription: finalizers added to it run on unsubscribe, closed says so', () => {
    const vm = new BasicViewModel(counterConfig());
    const seen: string[] = [];
    const subscription = vm.observeNotifications().subscribe((n) => void seen.push(n.type));
    const finalizer = jest.fn();
    subscription.add(finalizer);
    const parent = new Subscription();
    parent.add(subscription);

    vm.trySend(increment());
    expect(seen).toEqual([
      'InputQueued',
      'InputAccepted',
      'StateChanged',
      'InputHandledSuccessfully',
    ]);
    expect(subscription).toBeInstanceOf(Subscription);
    expect(subscription.closed).toBe(false);

    parent.unsubscribe();
    expect(subscription.closed).toBe(true);
    expect(finalizer).toHaveBeenCalledTimes(1);
    vm.trySend(increment());
    expect(seen).toHaveLength(4);
  });

  it('unsubscribed during a delivery gets nothing more, not even the rest of that delivery', () => {
    const vm = new BasicViewModel(counterConfig());
    const first: string[] = [];
    const second: string[] = [];
    let secondSubscription: Subscription | undefined = undefined;
    const firstSubscription: Subscription = vm.observeNotifications().subscribe((n) => {
      first.push(n.type);
      if (n.type === 'StateChanged') {
        secondSubscription?.unsubscribe(); // another one
        firstSubscription.unsubscribe(); // itself
      }
    });
    secondSubscription = vm.observeNotifications().subscribe((n) => void second.push(n.type));

    vm.trySend(increment());
    vm.trySend(increment());
    expect(first).toEqual(['InputQueued', 'InputAccepted', 'StateChanged']);
    expect(second).toEqual(['InputQueued', 'InputAccepted']);
  });

  it('subscribed during a delivery gets what follows it, in the same order as the others', () => {
    const vm = new BasicViewModel(counterConfig());
    const early: string[] = [];
    const late: string[] = [];
    vm.observeNotifications().subscribe((n) => {
      early.push(n.type);
      if (n.type === 'InputAccepted' && late.length === 0)
        vm.observeNotifications().subscribe((m) => void late.push(m.type));
    });

    vm.trySend(increment());
    expect(late).toEqual(['StateChanged', 'InputHandledSuccessfully']);
    expect(early.slice(-2)).toEqual(late);
  });

  it('is completed when the ViewModel is cleared, and at once when it subscribes after', () => {
    const vm = new BasicViewModel(counterConfig());
    const before = { next: jest.fn(), error: jest.fn(), complete: jest.fn() };
    const subscription = vm.observeNotifications().subscribe(before);
    vm.clear();
    expect(before.complete).toHaveBeenCalledTimes(1);
    expect(before.next).toHaveBeenLastCalledWith({
      type: 'ViewModelStatusChanged',
      status: 'Cleared',
    });
    expect(subscription.closed).toBe(true);

    const next = jest.fn();
    const complete = jest.fn();
    const after = vm.observeNotifications().subscribe(next, undefined, complete);
    expect(complete).toHaveBeenCalledTimes(1);
    expect(next).not.toHaveBeenCalled();
    expect(after.closed).toBe(true);
  });

  it('given to an interceptor is torn down with the ViewModel, after a throw it reported', () => {
    const rec = recorder<CounterInput, CounterEvent, CounterState>();
    const complete = jest.fn();
    let subscription: Subscription | undefined;
    const throwing: BallastInterceptor<CounterInput, CounterEvent, CounterState> = {
      name: 'throwing',
      start: (_scope, notifications) =>
        (subscription = notifications.subscribe({
          next: (n: Notification) => {
            if (n.type === 'StateChanged') throw new Error('interceptor bug');
          },
          complete,
        })),
    };
    const vm = new BasicViewModel(counterConfig({ interceptors: [throwing, rec.interceptor] }));
    vm.trySend(increment());
    expect(rec.notifications.filter((n) => n.type === 'UnhandledError')).toHaveLength(2);
    expect(subscription?.closed).toBe(false);

    vm.clear();
    expect(subscription?.closed).toBe(true);
    expect(complete).not.toHaveBeenCalled(); // unsubscribed by its teardown first, as before
  });
});

describe('the State watcher (internal, for the Angular layer)', () => {
  class Watcher implements StateWatcher<CounterState> {
    readonly states: CounterState[] = [];
    constructor(public watchedState: CounterState) {}
    stateChanged(state: CounterState): void {
      this.watchedState = state;
      this.states.push(state);
    }
  }

  it('is told of each State unequal to the last, like an observeStates() subscriber, and let go when cleared', () => {
    const vm = new BasicViewModel(
      counterConfig({ stateEquals: (a, b) => a.count % 2 === b.count % 2 }),
    );
    const watcher = new Watcher(vm.getCurrentState());
    const subscribed: number[] = [];
    vm.observeStates().subscribe((s) => void subscribed.push(s.count));
    watchStates(vm, watcher);

    for (let i = 0; i < 3; i++) vm.trySend(increment());
    expect(watcher.states.map((s) => s.count)).toEqual([1, 2, 3]);
    vm.trySend(increment(2)); // 5: equal to 3 by stateEquals
    expect(watcher.states.map((s) => s.count)).toEqual([1, 2, 3]);
    expect(subscribed).toEqual([0, 1, 2, 3]);

    vm.clear();
    expect(vm['stateWatcher']).toBeUndefined();
  });

  it('reports what it throws as a subscriber of observeStates(), and stays; a throwing stateEquals ends it', () => {
    let throwInEquals = false;
    const rec = recorder<CounterInput, CounterEvent, CounterState>();
    const vm = new BasicViewModel(
      counterConfig({
        interceptors: [rec.interceptor],
        stateEquals: (a, b) => {
          if (throwInEquals) throw new Error('equality bug');
          return a === b;
        },
      }),
    );
    const watcher = new Watcher(vm.getCurrentState());
    watcher.stateChanged = (state) => {
      watcher.states.push(state);
      throw new Error('watcher bug');
    };
    watchStates(vm, watcher);

    vm.trySend(increment());
    vm.trySend(increment());
    throwInEquals = true;
    vm.trySend(increment());
    vm.trySend(increment());

    expect(vm.getCurrentState()).toEqual({ count: 4 });
    expect(watcher.states.map((s) => s.count)).toEqual([1, 2]);
    const errors = rec.notifications.flatMap((n) =>
      n.type === 'UnhandledError' ? [n.error as Error] : [],
    );
    expect(errors.map((e) => (e.cause as Error).message)).toEqual([
      'watcher bug',
      'watcher bug',
      'equality bug',
    ]);
    expect(errors[0]?.message).toMatch(
      /^ballast-sync: a subscriber of observeStates\(\) of ViewModel "counter" threw/,
    );
  });
});
