/**
 * @jest-environment node
 */
import { add, clearChannels, SyncTestChannel, waitUntil } from './sync-test-kit.spec-helper';

afterEach(() => {
  jest.useRealTimers();
  clearChannels();
});

/** One task of the event loop (setImmediate: the Source publishes in tasks like this one). */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Waits in tasks, not timers (the test fakes them). */
async function turnsUntil(condition: () => boolean, what: string): Promise<void> {
  const deadline = performance.now() + 10_000;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await nextTurn();
  }
}

describe('acknowledgements under load', () => {
  it('a Replica that sends faster than the Source publishes never reaches maxPendingInputs', async () => {
    const channel = new SyncTestChannel();
    const source = channel.source();
    const sender = channel.replica();
    const slow = channel.replica();
    await waitUntil(
      () => sender.status === 'connected' && slow.status === 'connected',
      1000,
      'both Replicas connected',
    );
    // Each State costs this Replica 20 ms: the Source then leaves the app up to 16 ms between
    // publications (its quiet wait), holding acknowledgements back meanwhile.
    slow.vm.observeStates().subscribe(() => {
      const until = performance.now() + 20;
      while (performance.now() < until);
    });
    sender.send(add('first'));
    await waitUntil(() => slow.ids().length === 1, 1000, 'one costly delivery');
    // From now on timers never fire: a publication that waits for its quiet wait never happens,
    // and without its acknowledgements the sender would refuse Inputs past the 1000th.
    jest.useFakeTimers({
      doNotFake: ['setImmediate', 'clearImmediate', 'performance', 'queueMicrotask'],
    });
    for (let burst = 0; burst < 30; burst++) {
      for (let i = 0; i < 100; i++) sender.send(add(`${burst}-${i}`));
      await nextTurn();
    }
    await turnsUntil(
      () =>
        source.ids().length === 3001 &&
        sender.syncOf('InputsAcknowledged').at(-1)?.upToSeq === 3001,
      'every Input acknowledged',
    );
    expect(sender.vmOf('InputDropped')).toEqual([]);
    expect(sender.syncOf('PendingInputsOverflow')).toEqual([]);
    expect(sender.ids()).toHaveLength(3001);
    await turnsUntil(() => slow.ids().length === 3001, 'the slow Replica converged');
  }, 30_000);
});
