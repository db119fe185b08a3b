// Runs in plain Node (no jsdom, no Angular): a Source and a Replica of ballast-sync/core, synced
// in memory. Prints the final states as JSON for tests/core-in-node.spec.ts.
import {
  BallastSyncInterceptor,
  BasicViewModel,
  DefaultSyncConnection,
  InMemorySyncAdapter,
  type ClientType,
} from '../../projects/ballast-sync/core/src/public-api';

type Input = { type: 'Add'; amount: number };
const adapter = new InMemorySyncAdapter<Input, never, { total: number }>();
const create = (clientType: ClientType) =>
  new BasicViewModel<Input, never, { total: number }>({
    name: 'ledger',
    initialState: { total: 0 },
    inputHandler: (input, scope) => scope.updateState((s) => ({ total: s.total + input.amount })),
    interceptors: [new BallastSyncInterceptor(new DefaultSyncConnection({ clientType, adapter }))],
  });

const replica = create('replica');
replica.trySend({ type: 'Add', amount: 2 }); // before any Source exists
const source = create('source');
replica.trySend({ type: 'Add', amount: 40 });

setTimeout(() => {
  const result = {
    hasWindow: typeof (globalThis as { window?: unknown }).window !== 'undefined',
    source: source.getCurrentState(),
    replica: replica.getCurrentState(),
  };
  source.clear();
  replica.clear();
  console.log(JSON.stringify(result));
}, 50);
