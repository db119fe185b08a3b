import { BasicViewModel, type EventHandler } from 'ballast-sync/core';
import { runScenario } from 'ballast-sync/testing';
import {
  counterConfig,
  deferred,
  increment,
  recorder,
  settle,
  type CounterEvent,
  type CounterInput,
  type CounterState,
} from './testing-contract.spec-helper';

type Handler = EventHandler<CounterInput, CounterEvent>;

const emit = (message: string): CounterInput => ({ type: 'Emit', message });
const notify = (message: string): CounterEvent => ({ type: 'Notify', message });
const EVENTS = [
  'EventQueued',
  'EventEmitted',
  'EventHandledSuccessfully',
  'EventHandlerError',
  'EventProcessingStarted',
  'EventProcessingStopped',
];

function setUp() {
  const rec = recorder<CounterInput, CounterEvent, CounterState>();
  const vm = new BasicViewModel(counterConfig({ interceptors: [rec.interceptor] }));
  const eventLines = () => rec.lines((line) => EVENTS.includes(line.split(' ')[0] as string));
  return { vm, rec, eventLines };
}

describe('events', () => {
  it('are buffered while no handler is attached, then delivered once each, in order', async () => {
    const { vm, eventLines } = setUp();
    vm.trySend(emit('a'));
    vm.trySend(emit('b'));
    await settle();
    const received: string[] = [];
    const detach = vm.attachEventHandler((event) => void received.push(event.message));
    await settle();
    expect(received).toEqual(['a', 'b']);

    detach();
    vm.attachEventHandler((event) => void received.push(`again ${event.message}`));
    await settle();
    expect(received).toEqual(['a', 'b']);
    expect(eventLines()).toEqual([
      'EventQueued Notify(a)',
      'EventQueued Notify(b)',
      'EventProcessingStarted',
      'EventEmitted Notify(a)',
      'EventHandledSuccessfully Notify(a)',
      'EventEmitted Notify(b)',
      'EventHandledSuccessfully Notify(b)',
      'EventProcessingStopped',
      'EventProcessingStarted',
    ]);
    vm.clear();
  });

  it('reach the handler after the Input handler that posted them returned', async () => {
    const { vm, rec } = setUp();
    vm.attachEventHandler(() => undefined);
    await vm.sendAndAwaitCompletion(emit('a'));
    await settle();
    expect(
      rec.lines((l) => /^(Input(Accepted|HandledSuccessfully)|Event(Queued|Emitted))/.test(l)),
    ).toEqual([
      'InputAccepted Emit',
      'EventQueued Notify(a)',
      'InputHandledSuccessfully Emit',
      'EventEmitted Notify(a)',
    ]);
    vm.clear();
  });

  it('are delivered at most once: an Event handler A received is never redelivered to B', async () => {
    const { vm } = setUp();
    const gate = deferred();
    const seenByA: string[] = [];
    const seenByB: string[] = [];
    const detachA = vm.attachEventHandler(async (event) => {
      seenByA.push(event.message);
      await gate.promise; // A is still busy with "1" when it detaches
    });
    vm.trySend(emit('1'));
    await settle();
    detachA();
    vm.trySend(emit('2'));
    vm.attachEventHandler((event) => void seenByB.push(event.message));
    gate.resolve();
    await vm.whenIdle();
    expect(seenByA).toEqual(['1']);
    expect(seenByB).toEqual(['2']);
    vm.clear();
  });

  it('delivers one Event at a time, awaiting an async handler before the next', async () => {
    const { vm } = setUp();
    const gate = deferred();
    const log: string[] = [];
    vm.attachEventHandler(async (event) => {
      log.push(`start ${event.message}`);
      if (event.message === 'slow') await gate.promise;
      log.push(`end ${event.message}`);
    });
    vm.trySend(emit('slow'));
    vm.trySend(emit('fast'));
    await settle();
    expect(log).toEqual(['start slow']);
    gate.resolve();
    await vm.whenIdle();
    expect(log).toEqual(['start slow', 'end slow', 'start fast', 'end fast']);
    vm.clear();
  });

  it('report a failing handler as EventHandlerError and keep the ViewModel running', async () => {
    const received: string[] = [];
    const handler: Handler = async (event) => {
      if (event.message === 'bad') throw new Error('handler broke');
      received.push(event.message);
    };
    const results = await runScenario({
      ...counterConfig(),
      eventHandler: handler,
      running: async (vm) => {
        vm.trySend(emit('bad'));
        vm.trySend(emit('good'));
        expect(await vm.sendAndAwaitCompletion(increment())).toEqual({ status: 'handled' });
      },
    });
    expect(results.eventHandlerErrors).toEqual([
      { event: notify('bad'), error: new Error('handler broke') },
    ]);
    expect(received).toEqual(['good']);
    expect(results.latestState).toEqual({ count: 1 });
  });

  it('let the handler post Inputs', async () => {
    const results = await runScenario({
      ...counterConfig(),
      eventHandler: (event, scope) => scope.postInput(increment(event.message.length)),
      running: (vm) => void vm.trySend(emit('four')),
    });
    expect(results.successfulInputs).toEqual([emit('four'), increment(4)]);
    expect(results.latestState).toEqual({ count: 4 });
  });

  it('allow one handler at a time: attaching a second throws until the first detaches', () => {
    const { vm } = setUp();
    const detach = vm.attachEventHandler(() => undefined);
    expect(() => vm.attachEventHandler(() => undefined)).toThrow(
      /^ballast-sync: ViewModel "counter" already has an event handler/,
    );
    detach();
    expect(() => vm.attachEventHandler(() => undefined)).not.toThrow();
    vm.clear();
  });

  it('report EventProcessingStarted/Stopped on attach, detach and clear', () => {
    const { vm, eventLines } = setUp();
    vm.attachEventHandler(() => undefined)();
    vm.attachEventHandler(() => undefined);
    vm.clear();
    expect(eventLines()).toEqual([
      'EventProcessingStarted',
      'EventProcessingStopped',
      'EventProcessingStarted',
      'EventProcessingStopped',
    ]);
    expect(() => vm.attachEventHandler(() => undefined)).toThrow(
      /^ballast-sync: attachEventHandler\(\) was called .* after it was cleared/,
    );
  });

  it('reach a handler passed to the constructor from the start', async () => {
    const received: string[] = [];
    const vm = new BasicViewModel(
      counterConfig(),
      (event: CounterEvent) => void received.push(event.message),
    );
    vm.trySend(emit('hello'));
    await vm.whenIdle();
    expect(received).toEqual(['hello']);
    vm.clear();
  });
});
