import {
  counterWithInterceptorScope,
  deferred,
  increment,
  run,
  slow,
} from './testing-contract.spec-helper';

const setUp = counterWithInterceptorScope;

describe('a restored State with a rebase', () => {
  it('replays the Inputs on top of the State, in order, and the State becomes the result', async () => {
    const { vm, rec, scope } = setUp();
    const start = rec.notifications.length;
    const outcome = await scope.sendToQueueAndAwaitCompletion({
      type: 'restore',
      state: { count: 100 },
      rebase: () => ({ state: { count: 100 }, inputs: [increment(1), increment(10)] }),
    });

    expect(outcome).toEqual({ status: 'handled' });
    expect(vm.getCurrentState()).toEqual({ count: 111 });
    // One StateChanged, no Input notification: the replays are not Inputs being handled.
    expect(rec.notifications.slice(start).map((n) => n.type)).toEqual(['StateChanged']);
  });

  it('reads the Inputs when the item is applied, not when it was queued', async () => {
    const { vm, scope } = setUp();
    const gate = deferred<void>();
    vm.trySend(slow(gate.promise)); // the restore waits behind it (fifo)
    const pending = [increment(1)];
    const done = scope.sendToQueueAndAwaitCompletion({
      type: 'restore',
      state: { count: 0 },
      rebase: () => ({ state: { count: 10 }, inputs: pending }),
    });
    pending.push(increment(2));
    gate.resolve();
    await done;
    expect(vm.getCurrentState()).toEqual({ count: 13 });
  });

  it('has no outside effects: scope.isReplay is true, Events and side jobs go nowhere', async () => {
    const seen: boolean[] = [];
    const { vm, rec, scope } = setUp();
    const effectful = run('effectful', (s) => {
      seen.push(s.isReplay);
      s.updateState((state) => ({ count: state.count + 1 }));
      s.postEvent({ type: 'Notify', message: 'once' });
      s.sideJob('job', () => undefined);
    });
    await vm.sendAndAwaitCompletion(effectful);
    const start = rec.notifications.length;
    await scope.sendToQueueAndAwaitCompletion({
      type: 'restore',
      state: { count: 5 },
      rebase: () => ({ state: { count: 5 }, inputs: [effectful] }),
    });

    expect(seen).toEqual([false, true]);
    expect(vm.getCurrentState()).toEqual({ count: 6 });
    expect(rec.notifications.slice(start).map((n) => n.type)).toEqual(['StateChanged']);
  });

  it('an Input whose replay throws adds nothing; the others still apply', async () => {
    const { vm, scope } = setUp();
    const failing = run('failing', (s) => {
      s.updateState((state) => ({ count: state.count + 1000 }));
      throw new Error('not this time');
    });
    await scope.sendToQueueAndAwaitCompletion({
      type: 'restore',
      state: { count: 0 },
      rebase: () => ({ state: { count: 0 }, inputs: [increment(1), failing, increment(2)] }),
    });
    expect(vm.getCurrentState()).toEqual({ count: 3 });
  });

  it('a rebase that throws is reported, and the State is restored as given', async () => {
    const { vm, rec, scope } = setUp();
    await scope.sendToQueueAndAwaitCompletion({
      type: 'restore',
      state: { count: 7 },
      rebase: () => {
        throw new Error('broken interceptor');
      },
    });
    expect(vm.getCurrentState()).toEqual({ count: 7 });
    expect(rec.lines((l) => l.startsWith('UnhandledError'))).toHaveLength(1);
  });

  it('a rebase that is not a function is a clear error', async () => {
    const { scope } = setUp();
    await expect(
      scope.sendToQueue({ type: 'restore', state: { count: 1 }, rebase: 'no' as never }),
    ).rejects.toThrow(
      /^ballast-sync: sendToQueue\(\) needs .*rebase\?: \(\) => \(\{ state, inputs \}\)/,
    );
  });
});
