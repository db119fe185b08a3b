import { fifo, parallel } from 'ballast-sync/core';
import {
  counterWithInterceptorScope,
  increment,
  run,
  type CounterInput,
} from './testing-contract.spec-helper';

const setUp = counterWithInterceptorScope;

/** Refuses an Increment by more than 10. */
const atMostTen = (input: CounterInput) =>
  input.type === 'Increment' && (input.by ?? 1) > 10 ? 'at most 10 at a time' : undefined;

describe('input guards', () => {
  it('drop a refused Input before its handler: InputDropped and the outcome carry the message', async () => {
    const { vm, rec, scope } = setUp();
    scope.addInputGuard(atMostTen);
    const start = rec.notifications.length;

    expect(await vm.sendAndAwaitCompletion(increment(100))).toEqual({
      status: 'dropped',
      reason: 'refused',
      message: 'at most 10 at a time',
    });
    expect(await vm.sendAndAwaitCompletion(increment(5))).toEqual({ status: 'handled' });
    expect(vm.getCurrentState()).toEqual({ count: 5 });
    expect(rec.notifications.slice(start, start + 2)).toEqual([
      { type: 'InputQueued', input: increment(100) },
      {
        type: 'InputDropped',
        input: increment(100),
        reason: 'refused',
        message: 'at most 10 at a time',
      },
    ]);
    expect(rec.lines((l) => l.startsWith('InputAccepted'))).toEqual(['InputAccepted Increment']);
    vm.clear();
  });

  it('never let the handler see a refused Input', async () => {
    const { vm, scope } = setUp();
    scope.addInputGuard((input) => (input.type === 'Run' ? 'no Run' : undefined));
    const handled: string[] = [];
    const outcome = await vm.sendAndAwaitCompletion(
      run('refused', (s) => {
        handled.push('refused');
        s.noOp();
      }),
    );
    expect(outcome).toEqual({ status: 'dropped', reason: 'refused', message: 'no Run' });
    expect(handled).toEqual([]);
    vm.clear();
  });

  it('run before the filter, in the order they were added; the first refusal wins', async () => {
    const { vm, rec, scope } = setUp({ inputStrategy: fifo({ filter: () => 'reject' }) });
    const asked: string[] = [];
    scope.addInputGuard(() => void asked.push('first'));
    scope.addInputGuard(() => (asked.push('second'), 'second says no'));
    scope.addInputGuard(() => (asked.push('third'), 'third says no'));
    expect(await vm.sendAndAwaitCompletion(increment())).toEqual({
      status: 'dropped',
      reason: 'refused',
      message: 'second says no',
    });
    expect(asked).toEqual(['first', 'second']);
    expect(rec.lines((l) => l.startsWith('InputRejected'))).toEqual([]);
    vm.clear();
  });

  it('also apply under parallel(), and not to restored States', async () => {
    const { vm, scope } = setUp({ inputStrategy: parallel() });
    scope.addInputGuard(() => 'nothing gets through');
    expect(await vm.sendAndAwaitCompletion(increment())).toMatchObject({ reason: 'refused' });
    expect(
      await scope.sendToQueueAndAwaitCompletion({ type: 'restore', state: { count: 7 } }),
    ).toEqual({ status: 'handled' });
    expect(vm.getCurrentState()).toEqual({ count: 7 });
    vm.clear();
  });

  it('stop refusing once removed (removing twice is harmless)', async () => {
    const { vm, scope } = setUp();
    const remove = scope.addInputGuard(atMostTen);
    expect(await vm.sendAndAwaitCompletion(increment(100))).toMatchObject({ status: 'dropped' });
    remove();
    remove();
    expect(await vm.sendAndAwaitCompletion(increment(100))).toEqual({ status: 'handled' });
    expect(vm.getCurrentState()).toEqual({ count: 100 });
    vm.clear();
  });

  it('removed from among several leave the others in their order', async () => {
    const { vm, scope } = setUp();
    const asked: string[] = [];
    const removeFirst = scope.addInputGuard(() => void asked.push('first'));
    const removeSecond = scope.addInputGuard(() => void asked.push('second'));
    scope.addInputGuard(() => void asked.push('third'));
    removeSecond();
    await vm.sendAndAwaitCompletion(increment());
    removeFirst();
    await vm.sendAndAwaitCompletion(increment());
    scope.addInputGuard(() => void asked.push('fourth'));
    await vm.sendAndAwaitCompletion(increment());
    expect(asked).toEqual(['first', 'third', 'third', 'third', 'fourth']);
    vm.clear();
  });

  it('that throw fail that Input like a throwing filter; the ViewModel goes on', async () => {
    const { vm, rec, scope } = setUp();
    const bug = new Error('guard bug');
    const remove = scope.addInputGuard(() => {
      throw bug;
    });
    expect(await vm.sendAndAwaitCompletion(increment())).toEqual({ status: 'failed', error: bug });
    expect(rec.notifications.filter((n) => n.type === 'InputHandlerError')).toEqual([
      { type: 'InputHandlerError', input: increment(), error: bug },
    ]);
    expect(vm.getCurrentState()).toEqual({ count: 0 });
    remove();
    expect(await vm.sendAndAwaitCompletion(increment())).toEqual({ status: 'handled' });
    vm.clear();
  });

  it('that return something else than a message or undefined fail that Input with a clear error', async () => {
    const { vm, scope } = setUp();
    scope.addInputGuard(() => false as unknown as undefined);
    const outcome = await vm.sendAndAwaitCompletion(increment());
    expect(outcome.status).toBe('failed');
    expect((outcome as { error: Error }).error.message).toBe(
      'ballast-sync: an input guard returned false for Input "Increment"; it must return a message string (to refuse the Input) or undefined.',
    );
    vm.clear();
  });

  it('must be functions, and cannot be added once the ViewModel is cleared', () => {
    const { vm, scope } = setUp();
    expect(() => scope.addInputGuard('no' as never)).toThrow(
      /^ballast-sync: addInputGuard\(guard\) needs a function \(input\) => string \| undefined; got string/,
    );
    const remove = scope.addInputGuard(atMostTen);
    vm.clear();
    expect(() => remove()).not.toThrow();
    expect(() => scope.addInputGuard(atMostTen)).toThrow(
      /^ballast-sync: addInputGuard\(\) was called on ViewModel "counter" after it was cleared/,
    );
  });
});
