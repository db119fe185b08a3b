// Type-level tests of the public generics: every `@ts-expect-error` line must fail to compile.
import { Injectable } from '@angular/core';
import { delay } from 'rxjs';
import {
  BasicViewModel,
  ClientType,
  DefaultSyncConnection,
  fifo,
  InMemorySyncAdapter,
  provideSyncViewModel,
  SyncViewModel,
} from 'ballast-sync';
import { runScenario } from 'ballast-sync/testing';

type Input = { type: 'Increment'; by: number } | { type: 'Reset' };
type Event = { type: 'Saved' };
interface State {
  count: number;
}

const vm = new BasicViewModel<Input, Event, State>({
  initialState: { count: 0 },
  inputHandler: (input, scope) => {
    if (input.type === 'Increment') scope.updateState((s) => ({ count: s.count + input.by }));
    // @ts-expect-error an Event of the wrong type
    else scope.postEvent({ type: 'Deleted' });
  },
  inputStrategy: fifo({
    filter: (input, state) => (input.type === 'Reset' && state.count === 0 ? 'reject' : 'accept'),
  }),
});

vm.trySend({ type: 'Increment', by: 1 });
// @ts-expect-error an Input that is not in the union does not compile
vm.trySend({ type: 'Decrement', by: 1 });
// @ts-expect-error a field of the wrong type
void vm.send({ type: 'Increment', by: '1' });
// @ts-expect-error a missing field
void vm.sendAndAwaitCompletion({ type: 'Increment' });

new BasicViewModel<Input, Event, State>({
  // @ts-expect-error initialState of the wrong shape
  initialState: { count: 'zero' },
  inputHandler: (_input, scope) => scope.noOp(),
});

// @ts-expect-error the configuration needs an inputHandler
new BasicViewModel<Input, Event, State>({ initialState: { count: 0 } });

const adapter = new InMemorySyncAdapter<Input, Event, State>();
new DefaultSyncConnection<Input, Event, State>({ clientType: ClientType.Replica, adapter });
new DefaultSyncConnection<Input, Event, State>({ clientType: 'spectator', adapter });
// @ts-expect-error a role that does not exist
new DefaultSyncConnection<Input, Event, State>({ clientType: 'observer', adapter });
new DefaultSyncConnection<Input, Event, State>({
  clientType: 'source',
  // @ts-expect-error an adapter of another State type
  adapter: new InMemorySyncAdapter<Input, Event, string>(),
});

@Injectable()
class CounterViewModel extends SyncViewModel<Input, Event, State> {
  constructor() {
    super({
      name: 'counter',
      initialState: { count: 0 },
      inputHandler: (_input, scope) => scope.noOp(),
    });
  }
}

provideSyncViewModel(CounterViewModel, { role: 'replica', bufferInputs: delay<Input>(300) });
// @ts-expect-error bufferInputs must be an operator on this ViewModel's Inputs
provideSyncViewModel(CounterViewModel, { role: 'replica', bufferInputs: delay<string>(300) });
// @ts-expect-error a role that does not exist
provideSyncViewModel(CounterViewModel, { role: 'boss' });

export function useCounter(counter: CounterViewModel): number {
  counter.trySend({ type: 'Reset' });
  // @ts-expect-error an Input of another ViewModel
  counter.trySend({ type: 'Rename', label: 'x' });
  const doubled = counter.select((s) => s.count * 2);
  // @ts-expect-error select() keeps the slice type
  const text: string = doubled();
  return doubled() + text.length;
}

void runScenario<Input, Event, State>({
  initialState: { count: 0 },
  inputHandler: (_input, scope) => scope.noOp(),
  // @ts-expect-error given must be a State
  given: { total: 1 },
  running: (v) => void v.trySend({ type: 'Reset' }),
});
