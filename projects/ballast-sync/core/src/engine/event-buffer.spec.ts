import { BasicViewModel, type BallastLogger } from 'ballast-sync/core';
import {
  counterConfig,
  deferred,
  recorder,
  run,
  settle,
  type CounterEvent,
  type CounterInput,
  type CounterState,
} from './testing-contract.spec-helper';

const notify = (message: string): CounterEvent => ({ type: 'Notify', message });
const postAll = (messages: readonly string[]) =>
  run('post', (scope) => messages.forEach((m) => scope.postEvent(notify(m))));
const names = (count: number) => Array.from({ length: count }, (_, i) => `e${i}`);

function setUp(capacity?: number) {
  const logger = { debug: jest.fn(), info: jest.fn(), warn: jest.fn(), error: jest.fn() };
  const rec = recorder<CounterInput, CounterEvent, CounterState>();
  const vm = new BasicViewModel(
    counterConfig({
      logger: logger as BallastLogger,
      interceptors: [rec.interceptor],
      ...(capacity === undefined ? {} : { eventBuffer: { capacity } }),
    }),
  );
  const received: string[] = [];
  const receive = () => vm.attachEventHandler((event) => void received.push(event.message));
  const dropped = () =>
    rec.notifications.filter((n) => n.type === 'EventDropped').map((n) => n.event);
  return { vm, rec, logger, received, receive, dropped };
}

describe('the Event buffer', () => {
  it('keeps the latest 256 Events by default, dropping the oldest with EventDropped and one warning', async () => {
    const { vm, logger, received, receive, dropped } = setUp();
    const messages = names(258);
    await vm.sendAndAwaitCompletion(postAll(messages));
    receive();
    await settle();
    expect(received).toEqual(messages.slice(2));
    expect(dropped()).toEqual([notify('e0'), notify('e1')]);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(
        /^ballast-sync: ViewModel "counter" dropped an Event: 256 Events were already waiting for the Event handler .*Attach an event handler with attachEventHandler\(\), or raise eventBuffer\.capacity\.$/,
      ),
    );
    vm.clear();
  });

  it('with a custom capacity, drops the oldest Event right after the one that overflowed it was queued', async () => {
    const { vm, rec, logger, received, receive } = setUp(3);
    await vm.sendAndAwaitCompletion(postAll(['a', 'b', 'c', 'd', 'e']));
    receive();
    await settle();
    expect(received).toEqual(['c', 'd', 'e']);
    expect(rec.notifications.filter((n) => n.type.startsWith('Event')).slice(0, 7)).toEqual([
      { type: 'EventQueued', event: notify('a') },
      { type: 'EventQueued', event: notify('b') },
      { type: 'EventQueued', event: notify('c') },
      { type: 'EventQueued', event: notify('d') },
      { type: 'EventDropped', event: notify('a'), reason: 'overflow' },
      { type: 'EventQueued', event: notify('e') },
      { type: 'EventDropped', event: notify('b'), reason: 'overflow' },
    ]);
    expect(logger.warn).toHaveBeenCalledTimes(1); // once per ViewModel, however many are dropped
    vm.clear();
  });

  it('also bounds the Events waiting behind a busy handler (never the one being handled)', async () => {
    const { vm, received, dropped } = setUp(2);
    const gate = deferred();
    vm.attachEventHandler(async (event) => {
      received.push(event.message);
      if (event.message === 'a') await gate.promise;
    });
    await vm.sendAndAwaitCompletion(postAll(['a']));
    await settle(); // 'a' is being handled
    await vm.sendAndAwaitCompletion(postAll(['b', 'c', 'd']));
    gate.resolve();
    await settle();
    expect(received).toEqual(['a', 'c', 'd']);
    expect(dropped()).toEqual([notify('b')]);
    vm.clear();
  });

  it('drops nothing while the handler keeps up', async () => {
    const { vm, received, receive, dropped, logger } = setUp(1);
    receive();
    for (const message of ['a', 'b', 'c']) {
      await vm.sendAndAwaitCompletion(postAll([message]));
      await settle();
    }
    expect(received).toEqual(['a', 'b', 'c']);
    expect(dropped()).toEqual([]);
    expect(logger.warn).not.toHaveBeenCalled();
    vm.clear();
  });
});
