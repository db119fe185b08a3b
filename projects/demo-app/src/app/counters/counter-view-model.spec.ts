import { runScenario } from 'ballast-sync/testing';
import { counterInputHandler, type CounterState } from './counter-view-model';

describe('counterInputHandler', () => {
  it('counts up and down', async () => {
    const results = await runScenario<
      { type: 'Increment' } | { type: 'Decrement' },
      never,
      CounterState
    >({
      initialState: { count: 0 },
      inputHandler: counterInputHandler,
      running: async (vm) => {
        await vm.sendAndAwaitCompletion({ type: 'Increment' });
        await vm.sendAndAwaitCompletion({ type: 'Increment' });
        await vm.sendAndAwaitCompletion({ type: 'Decrement' });
      },
    });
    expect(results.states).toEqual([{ count: 0 }, { count: 1 }, { count: 2 }, { count: 1 }]);
    expect(results.inputHandlerErrors).toEqual([]);
  });
});
