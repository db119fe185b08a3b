/**
 * @jest-environment node
 */
// A subscriber that throws must never reach rxjs's unhandled-error path: rxjs rethrows it from a
// setTimeout, which ends a Node server. These specs route that path to a spy and expect silence.
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { BasicViewModel, type BallastLogger } from 'ballast-sync/core';
import { config, map } from 'rxjs';
import {
  counterConfig,
  increment,
  recorder,
  settle,
  type CounterEvent,
  type CounterInput,
  type CounterState,
} from './testing-contract.spec-helper';

function setUp() {
  const logger = { debug: jest.fn(), info: jest.fn(), warn: jest.fn(), error: jest.fn() };
  const rec = recorder<CounterInput, CounterEvent, CounterState>();
  const vm = new BasicViewModel(
    counterConfig({ logger: logger as BallastLogger, interceptors: [rec.interceptor] }),
  );
  const unhandledErrors = () =>
    rec.notifications.flatMap((n) => (n.type === 'UnhandledError' ? [n.error as Error] : []));
  return { vm, rec, logger, unhandledErrors };
}

const throwOn = (type: string, error: Error) => (n: { type: string }) => {
  if (n.type === type) throw error;
};

describe('a subscriber that throws', () => {
  let unhandled: jest.Mock;
  beforeEach(() => {
    unhandled = jest.fn();
    config.onUnhandledError = unhandled;
  });
  afterEach(() => {
    config.onUnhandledError = null;
  });

  it('of observeNotifications() becomes an UnhandledError; every other subscriber still gets everything', async () => {
    const { vm, logger, unhandledErrors } = setUp();
    const bug = new Error('subscriber bug');
    const seenByAnother: string[] = [];
    vm.observeNotifications().subscribe(throwOn('StateChanged', bug));
    vm.observeNotifications().subscribe((n) => void seenByAnother.push(n.type));

    expect(await vm.sendAndAwaitCompletion(increment())).toEqual({ status: 'handled' });
    expect(await vm.sendAndAwaitCompletion(increment())).toEqual({ status: 'handled' });
    await settle();
    expect(vm.getCurrentState()).toEqual({ count: 2 });
    const [error] = unhandledErrors();
    expect(unhandledErrors()).toHaveLength(2); // one per StateChanged it threw on
    expect(error?.message).toMatch(
      /^ballast-sync: a subscriber of observeNotifications\(\) of ViewModel "counter" threw .*Catch errors in that subscriber/,
    );
    expect(error?.cause).toBe(bug);
    expect(seenByAnother.slice(0, 5)).toEqual([
      'InputQueued',
      'InputAccepted',
      'StateChanged',
      'UnhandledError',
      'InputHandledSuccessfully',
    ]);
    expect(logger.error).toHaveBeenCalledWith(
      'ballast-sync: UnhandledError in ViewModel "counter".',
      error,
    );
    expect(unhandled).not.toHaveBeenCalled();
    vm.clear();
  });

  it('in a piped operator of observeNotifications() becomes an UnhandledError, and the ViewModel goes on', async () => {
    const { vm, unhandledErrors } = setUp();
    const bug = new Error('operator bug');
    vm.observeNotifications()
      .pipe(map(throwOn('InputAccepted', bug)))
      .subscribe();

    expect(await vm.sendAndAwaitCompletion(increment())).toEqual({ status: 'handled' });
    expect(await vm.sendAndAwaitCompletion(increment(10))).toEqual({ status: 'handled' });
    await settle();
    expect(vm.getCurrentState()).toEqual({ count: 11 });
    // The error ended that pipe (as in rxjs), so it threw only once.
    expect(unhandledErrors().map((e) => e.cause)).toEqual([bug]);
    expect(unhandledErrors()[0]?.message).toMatch(
      /^ballast-sync: a subscriber of observeNotifications\(\) of ViewModel "counter" threw \(or its pipe failed with no error callback\).*add catchError\(\) to its pipe/,
    );
    expect(unhandled).not.toHaveBeenCalled();
    vm.clear();
  });

  it("of an interceptor's notifications becomes an UnhandledError naming the interceptor", async () => {
    const bug = new Error('interceptor bug');
    const rec = recorder<CounterInput, CounterEvent, CounterState>();
    const vm = new BasicViewModel(
      counterConfig({
        interceptors: [
          rec.interceptor,
          {
            name: 'audit',
            start: (_scope, stream) => stream.subscribe(throwOn('StateChanged', bug)),
          },
        ],
      }),
    );
    expect(await vm.sendAndAwaitCompletion(increment())).toEqual({ status: 'handled' });
    await settle();
    const errors = rec.notifications.flatMap((n) =>
      n.type === 'UnhandledError' ? [n.error as Error] : [],
    );
    // StateChanged twice: the initial State at start-up, then the Increment.
    expect(errors.map((e) => e.cause)).toEqual([bug, bug]);
    expect(errors[0]?.message).toMatch(
      /^ballast-sync: a subscriber to the notifications given to interceptor "audit" of ViewModel "counter" threw/,
    );
    expect(vm.getCurrentState()).toEqual({ count: 1 });
    expect(unhandled).not.toHaveBeenCalled();
    vm.clear();
  });

  it('of observeStates() becomes an UnhandledError; other State subscribers still get every State', async () => {
    const { vm, unhandledErrors } = setUp();
    const bug = new Error('render bug');
    const states: number[] = [];
    vm.observeStates().subscribe((s) => {
      if (s.count === 1) throw bug;
    });
    vm.observeStates().subscribe((s) => void states.push(s.count));
    await vm.sendAndAwaitCompletion(increment());
    await vm.sendAndAwaitCompletion(increment());
    await settle();
    expect(states).toEqual([0, 1, 2]);
    expect(unhandledErrors().map((e) => e.cause)).toEqual([bug]);
    expect(unhandledErrors()[0]?.message).toMatch(
      /^ballast-sync: a subscriber of observeStates\(\) of ViewModel "counter" threw/,
    );
    expect(unhandled).not.toHaveBeenCalled();
    vm.clear();
  });

  it('while receiving an UnhandledError is only logged, so a subscriber that always throws cannot loop', async () => {
    const { vm, rec, logger, unhandledErrors } = setUp();
    const start = rec.notifications.length;
    vm.observeNotifications().subscribe(() => {
      throw new Error('always');
    });
    vm.observeNotifications()
      .pipe(map(throwOn('UnhandledError', new Error('piped, on UnhandledError'))))
      .subscribe();

    expect(await vm.sendAndAwaitCompletion(increment())).toEqual({ status: 'handled' });
    await settle();
    const others = rec.notifications.slice(start).filter((n) => n.type !== 'UnhandledError');
    expect(others.map((n) => n.type)).toEqual([
      'InputQueued',
      'InputAccepted',
      'StateChanged',
      'InputHandledSuccessfully',
    ]);
    expect(unhandledErrors()).toHaveLength(others.length); // one each, none for UnhandledError
    const onlyLogged = logger.error.mock.calls.filter(([message]) =>
      /threw while receiving an UnhandledError; it is only logged/.test(message),
    );
    expect(onlyLogged.length).toBe(others.length + 1); // the always-throwing one each time, the piped one once
    expect(unhandled).not.toHaveBeenCalled();
    vm.clear();
  });

  it('is logged (not rethrown) when it throws on completion after clear()', async () => {
    const { vm, logger } = setUp();
    const bug = new Error('complete bug');
    vm.observeNotifications().subscribe({
      complete: () => {
        throw bug;
      },
    });
    vm.clear();
    await settle();
    expect(logger.error).toHaveBeenCalledWith(
      'ballast-sync: UnhandledError in ViewModel "counter".',
      expect.objectContaining({ cause: bug }),
    );
    expect(unhandled).not.toHaveBeenCalled();
  });
});

describe('a Node process hosting a ViewModel', () => {
  it('survives subscribers that throw, and exits with code 0', () => {
    const root = resolve(__dirname, '../../../../..');
    // Plain JavaScript, so that only tsx's loader is needed (it compiles the required .ts files).
    const script = `
      const { BasicViewModel } = require(${JSON.stringify(join(__dirname, 'basic-view-model.ts'))});
      const { map } = require('rxjs');
      let logged = 0;
      const vm = new BasicViewModel({
        name: 'server',
        initialState: { count: 0 },
        inputHandler: (input, scope) => scope.updateState((s) => ({ count: s.count + 1 })),
        logger: { debug() {}, info() {}, warn() {}, error: () => logged++ },
      });
      vm.observeNotifications().subscribe(() => { throw new Error('subscriber bug'); });
      vm.observeNotifications().pipe(map(() => { throw new Error('operator bug'); })).subscribe();
      vm.observeStates().subscribe((s) => { if (s.count > 0) throw new Error('state bug'); });
      vm.trySend({ type: 'Add' });
      setTimeout(() => {
        vm.trySend({ type: 'Add' });
        setTimeout(() => {
          console.log(JSON.stringify({ state: vm.getCurrentState(), logged: logged > 0 }));
          vm.clear();
        }, 20);
      }, 20);
    `;
    const output = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], {
      cwd: root,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(JSON.parse(output)).toEqual({ state: { count: 2 }, logged: true });
  });
});
