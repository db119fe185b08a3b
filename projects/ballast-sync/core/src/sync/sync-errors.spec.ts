import {
  BallastSyncInterceptor,
  DefaultSyncConnection,
  InMemorySyncAdapter,
  type DefaultSyncConnectionOptions,
  type SyncConnection,
} from 'ballast-sync/core';
import { runScenario } from 'ballast-sync/testing';
import { identity, Subject, throwError } from 'rxjs';
import {
  add,
  clearChannels,
  listHandler,
  SyncTestChannel,
  wrapAdapter,
  type ListInput,
  type ListState,
} from './sync-test-kit.spec-helper';

afterEach(clearChannels);

type Options = DefaultSyncConnectionOptions<ListInput, never, ListState>;
const adapter = new InMemorySyncAdapter<ListInput, never, ListState>();
const freshAdapter = () => new InMemorySyncAdapter<ListInput, never, ListState>();
const connectionWith = (options: unknown) => () => new DefaultSyncConnection(options as Options);

describe('configuration errors are clear', () => {
  it.each<[string, unknown, RegExp]>([
    [
      'no options',
      undefined,
      /^ballast-sync: DefaultSyncConnection needs options \{ clientType, adapter \}/,
    ],
    [
      'a bad clientType',
      { clientType: 'master', adapter },
      /^ballast-sync: .*clientType must be one of 'source', 'replica', 'spectator'; got "master"/,
    ],
    [
      'a missing adapter',
      { clientType: 'replica' },
      /^ballast-sync: .*adapter must implement SyncConnectionAdapter .*InMemorySyncAdapter/,
    ],
    [
      'an adapter lacking methods',
      { clientType: 'replica', adapter: { sendInputToSource() {} } },
      /^ballast-sync: .*adapter must implement/,
    ],
    [
      'a non-function bufferStates',
      { clientType: 'source', adapter, bufferStates: 30 },
      /^ballast-sync: .*bufferStates must be an rxjs operator such as delay\(300\); got number/,
    ],
    [
      'a non-function bufferInputs',
      { clientType: 'replica', adapter, bufferInputs: 'debounce' },
      /^ballast-sync: .*bufferInputs must be an rxjs operator/,
    ],
    [
      'bufferStates on a Replica (only a Source publishes States)',
      { clientType: 'replica', adapter, bufferStates: identity },
      /^ballast-sync: DefaultSyncConnection: bufferStates only applies to a source .* this connection is a replica/,
    ],
    [
      'bufferInputs on a Spectator (it forwards nothing)',
      { clientType: 'spectator', adapter, bufferInputs: identity },
      /^ballast-sync: DefaultSyncConnection: bufferInputs only applies to a replica .* this connection is a spectator/,
    ],
    [
      'maxPendingInputs 0',
      { clientType: 'replica', adapter, maxPendingInputs: 0 },
      /^ballast-sync: .*maxPendingInputs must be a whole number >= 1; got 0/,
    ],
    [
      'an empty clientId',
      { clientType: 'replica', adapter, clientId: '' },
      /^ballast-sync: .*clientId must be a non-empty string/,
    ],
  ])('DefaultSyncConnection with %s throws', (_label, options, message) => {
    expect(connectionWith(options)).toThrow(message);
  });

  it('BallastSyncInterceptor without a connection throws', () => {
    expect(
      () =>
        new BallastSyncInterceptor(
          undefined as unknown as SyncConnection<ListInput, never, ListState>,
        ),
    ).toThrow(/^ballast-sync: BallastSyncInterceptor\(connection\) needs a SyncConnection/);
  });

  it('connecting one connection to two ViewModels fails the second with InterceptorFailed; the first keeps syncing', async () => {
    const channel = new SyncTestChannel();
    channel.source();
    const replica = channel.replica();
    const results = await runScenario<ListInput, never, ListState>({
      name: 'list',
      initialState: { applied: [] },
      inputHandler: listHandler(),
      interceptors: [new BallastSyncInterceptor(replica.connection)],
      running: async (vm) => {
        vm.trySend(add('second-vm'));
        await channel.settle();
      },
    });
    const failed = results.notifications.find((n) => n.type === 'InterceptorFailed');
    expect(failed && (failed.error as Error).message).toMatch(
      /^ballast-sync: this DefaultSyncConnection is already connected; create one per ViewModel \(ViewModel "list"\)/,
    );
    expect(results.latestState.applied).toEqual(['second-vm']); // it went on without sync

    replica.send(add('r1'));
    await channel.settle();
    expect(replica.ids()).toEqual(['r1']);
    expect(replica.status).toBe('connected');
  });

  it('the in-memory adapter refuses malformed envelopes and empty ids', () => {
    const bare = freshAdapter();
    expect(() => bare.sendInputToSource({ input: add('x') } as never)).toThrow(
      /^ballast-sync: sendInputToSource\(\) needs a SyncedInput/,
    );
    expect(() => bare.sendSynchronizedStateToReplicas({ state: { applied: [] } } as never)).toThrow(
      /^ballast-sync: sendSynchronizedStateToReplicas\(\) needs a SyncedState/,
    );
    expect(() => bare.readStateFromSource('')).toThrow(
      /^ballast-sync: readStateFromSource\(id\) needs a non-empty client id/,
    );
    expect(() => bare.readInputsFromReplicas('')).toThrow(
      /^ballast-sync: readInputsFromReplicas\(id\) needs/,
    );
  });
});

describe('a misbehaving adapter gives UnhandledError and is otherwise ignored', () => {
  it('a malformed State from the adapter is reported and not applied', async () => {
    const states = new Subject<unknown>();
    const channel = new SyncTestChannel(
      wrapAdapter(freshAdapter(), { readStateFromSource: () => states as never }),
    );
    const replica = channel.replica({ initialState: { applied: ['mine'] } });
    for (const junk of [
      null,
      'state',
      { sourceId: 's', version: 0, acks: {}, state: { applied: [] } },
      { sourceId: 's', version: 1, state: {} },
    ]) {
      states.next(junk);
    }
    states.next({ sourceId: 's', version: 1, acks: {}, state: { applied: ['good'] } });
    await channel.settle();

    const errors = replica.unhandledErrors();
    expect(errors).toHaveLength(4);
    expect(
      errors.every((m) =>
        /^ballast-sync: channel "list" received a malformed State from its adapter; it was ignored\./.test(
          m,
        ),
      ),
    ).toBe(true);
    expect(replica.stateHistory()).toEqual([['mine'], ['good']]);
  });

  it('a malformed Input from the adapter is reported and not processed', async () => {
    const inputs = new Subject<unknown>();
    const channel = new SyncTestChannel(
      wrapAdapter(freshAdapter(), { readInputsFromReplicas: () => inputs as never }),
    );
    const source = channel.source();
    for (const junk of [
      undefined,
      { clientId: 'r', seq: 0, firstUnacknowledged: 0, input: add('x') },
      { clientId: 'r', seq: 1, firstUnacknowledged: 2, input: add('x') },
      { clientId: 'r', seq: 1, firstUnacknowledged: 1 },
    ]) {
      inputs.next(junk);
    }
    inputs.next({ id: 'r:1', clientId: 'r', seq: 1, firstUnacknowledged: 1, input: add('good') });
    await channel.settle();

    const errors = source.unhandledErrors();
    expect(errors).toHaveLength(4);
    expect(
      errors.every((m) =>
        /^ballast-sync: the Source of channel "list" received a malformed Input/.test(m),
      ),
    ).toBe(true);
    expect(source.ids()).toEqual(['good']);
  });

  it('adapter failures (a throwing send, a rejected send, an erroring stream) become UnhandledError', async () => {
    const failing = wrapAdapter(freshAdapter(), {
      sendInputToSource: () => {
        throw new Error('socket closed');
      },
      sendSynchronizedStateToReplicas: () => Promise.reject(new Error('publish refused')),
      readStateFromSource: () => throwError(() => new Error('stream broke')),
    });
    const channel = new SyncTestChannel(failing);
    const source = channel.source();
    const replica = channel.replica();
    replica.send(add('r1'));
    await channel.settle();

    expect(replica.unhandledErrors()).toEqual(['stream broke', 'socket closed']);
    expect(source.unhandledErrors()).toEqual(['publish refused']);
    expect(replica.ids()).toEqual(['r1']); // the ViewModels themselves go on
    expect(source.vm.status).toBe('Running');
  });
});
