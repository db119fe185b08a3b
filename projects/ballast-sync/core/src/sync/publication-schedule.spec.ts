/**
 * @jest-environment node
 */
import { nextTask } from './next-task';
import { PublicationSchedule, setPageHiddenCheck } from './publication-schedule';

/** Resolves in the next task (Node: setImmediate), after every pending microtask. */
const hop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Keeps the CPU busy for `ms`, as a costly delivery does. */
function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('PublicationSchedule', () => {
  afterEach(() => jest.useRealTimers());

  it('publishes an idle change in the next task, with no timer on the way', async () => {
    let fired = 0;
    const schedule = new PublicationSchedule(() => fired++);
    schedule.request();
    await hop();
    schedule.published();
    await new Promise((resolve) => setTimeout(resolve, 20)); // idle for longer than any wait
    // From now on timers never fire unless advanced: a publication that needed one never happens.
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'clearImmediate', 'performance'] });
    schedule.request();
    schedule.request(); // coalesced with the first
    expect(fired).toBe(1);
    await hop();
    expect(fired).toBe(2);
  });

  it('under load, waits as long as the last delivery took and coalesces what changed meanwhile', async () => {
    const fires: number[] = [];
    const schedule = new PublicationSchedule(() => fires.push(performance.now()));
    schedule.request();
    await hop();
    expect(fires).toHaveLength(1);
    const published = performance.now();
    schedule.published();
    busy(12); // the delivery of that publication (and whatever else this task does)
    await hop(); // measured: about 12 ms, so the next waits about 12 ms more
    for (let i = 0; i < 3; i++) {
      schedule.request();
      await hop();
    }
    expect(fires).toHaveLength(1); // held back…
    const deadline = performance.now() + 1000;
    while (fires.length < 2 && performance.now() < deadline) await hop();
    expect(fires).toHaveLength(2); // …then one publication for all ten requests
    expect((fires[1] as number) - published).toBeGreaterThanOrEqual(23);
  });

  it('never holds a publication back longer than one frame (16 ms)', async () => {
    const fires: number[] = [];
    const schedule = new PublicationSchedule(() => fires.push(performance.now()));
    schedule.published();
    busy(100); // uncapped, the next publication would wait about 100 ms
    await hop();
    const requested = performance.now();
    schedule.request();
    const deadline = performance.now() + 1000;
    while (fires.length < 1 && performance.now() < deadline) await hop();
    expect((fires[0] as number) - requested).toBeLessThan(16 + 50); // slack for a busy CI
  });

  it('in a hidden page, publishes in the next task even under load (its timers are throttled)', async () => {
    setPageHiddenCheck(() => true);
    try {
      const fires: number[] = [];
      const schedule = new PublicationSchedule(() => fires.push(performance.now()));
      schedule.published();
      busy(12); // visible, the next publication would wait about 12 ms, with a timer
      await hop();
      // Timers never fire from now on: a publication that waited for one would never happen.
      jest.useFakeTimers({ doNotFake: ['setImmediate', 'clearImmediate', 'performance'] });
      schedule.request();
      schedule.request(); // coalesced with the first
      await hop();
      expect(fires).toHaveLength(1);
    } finally {
      setPageHiddenCheck(() => false);
    }
  });

  it('an urgent request skips the quiet wait, even one already waiting on a timer', async () => {
    const fires: number[] = [];
    const schedule = new PublicationSchedule(() => fires.push(performance.now()));
    schedule.published();
    busy(12); // the next publication would wait about 12 ms, with a timer
    await hop();
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'clearImmediate', 'performance'] });
    schedule.request(); // waits on a timer that never fires now
    await hop();
    expect(fires).toHaveLength(0);
    schedule.request(true);
    await hop();
    expect(fires).toHaveLength(1);
  });

  it('fires nothing once stopped', async () => {
    let fired = 0;
    const schedule = new PublicationSchedule(() => fired++);
    schedule.request();
    schedule.stop();
    schedule.request();
    await hop();
    await hop();
    expect(fired).toBe(0);
  });
});

describe('nextTask', () => {
  const realSetImmediate = globalThis.setImmediate;

  afterEach(() => {
    globalThis.setImmediate = realSetImmediate;
  });

  it.each([
    ['setImmediate (Node)', false],
    ['a MessageChannel (browsers)', true],
  ])(
    'with %s: runs after the current task’s microtasks, in order, and can be cancelled',
    async (_, asBrowser) => {
      if (asBrowser) (globalThis as { setImmediate?: unknown }).setImmediate = undefined;
      const order: string[] = [];
      nextTask(() => order.push('first'));
      const cancel = nextTask(() => order.push('cancelled'));
      nextTask(() => order.push('second'));
      cancel();
      void Promise.resolve().then(() => order.push('microtask'));
      await new Promise<void>((resolve) => nextTask(resolve));
      expect(order).toEqual(['microtask', 'first', 'second']);
    },
  );

  it('with a MessageChannel, one throwing callback does not keep the next ones from running', async () => {
    (globalThis as { setImmediate?: unknown }).setImmediate = undefined;
    const reported: (() => void)[] = [];
    const realQueueMicrotask = globalThis.queueMicrotask;
    globalThis.queueMicrotask = (callback) => reported.push(callback); // what would rethrow it
    try {
      const ran: string[] = [];
      nextTask(() => {
        throw new Error('boom');
      });
      nextTask(() => ran.push('after'));
      await new Promise<void>((resolve) => nextTask(resolve));
      expect(ran).toEqual(['after']);
      expect(reported).toHaveLength(1);
      expect(() => reported[0]?.()).toThrow('boom'); // reported as uncaught, not swallowed
    } finally {
      globalThis.queueMicrotask = realQueueMicrotask;
    }
  });
});
