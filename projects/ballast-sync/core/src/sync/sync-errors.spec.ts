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
  waitUntil,
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
      /^ballast-sync: .*clientType must be one of 'source', 'replica', 'spectator', 'elected'; got "master"/,
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
    const envelope = { protocol: 1, sourceId: 's', incarnation: 's1' };
    for (const junk of [
      null,
      'state',
      { ...envelope, version: 0, acks: {}, state: { applied: [] } },
      { ...envelope, version: 1, state: {} },
      { ...envelope, protocol: 2, version: 1, acks: {}, state: { applied: ['future'] } },
    ]) {
      states.next(junk);
    }
    states.next({ ...envelope, version: 1, acks: {}, state: { applied: ['good'] } });
    await channel.settle();

    const errors = replica.unhandledErrors();
    expect(errors).toHaveLength(5);
    expect(
      errors.every((m) =>
        /^ballast-sync: channel "list" received a malformed State from its adapter \(.+\); it was ignored\./.test(
          m,
        ),
      ),
    ).toBe(true);
    expect(errors[4]).toContain(
      'it speaks protocol 2, this library speaks 1: update every participant to the same ballast-sync version',
    );
    expect(replica.stateHistory()).toEqual([['mine'], ['good']]);
  });

  it('a malformed Input from the adapter is reported and not processed', async () => {
    const inputs = new Subject<unknown>();
    const channel = new SyncTestChannel(
      wrapAdapter(freshAdapter(), { readInputsFromReplicas: () => inputs as never }),
    );
    const source = channel.source();
    const envelope = {
      protocol: 1,
      id: 'r:1',
      clientId: 'r',
      incarnation: 'r',
      to: source.incarnation,
      seen: 0,
    };
    for (const junk of [
      undefined,
      { ...envelope, seq: 0, firstUnacknowledged: 0, input: add('x') },
      { ...envelope, seq: 1, firstUnacknowledged: 2, input: add('x') },
      { ...envelope, seq: 1, firstUnacknowledged: 1 },
      { ...envelope, protocol: 0, seq: 1, firstUnacknowledged: 1, input: add('x') },
      { ...envelope, incarnation: '', seq: 1, firstUnacknowledged: 1, input: add('x') },
    ]) {
      inputs.next(junk);
    }
    inputs.next({ ...envelope, seq: 1, firstUnacknowledged: 1, input: add('good') });
    await channel.settle();

    const errors = source.unhandledErrors();
    expect(errors).toHaveLength(6);
    expect(
      errors.every((m) =>
        /^ballast-sync: the Source of channel "list" received a malformed Input/.test(m),
      ),
    ).toBe(true);
    expect(source.ids()).toEqual(['good']);
  });

  it('adapter failures (a throwing send, a rejected send) become UnhandledError', async () => {
    const inner = freshAdapter();
    let publications = 0;
    const failing = wrapAdapter(inner, {
      sendInputToSource: () => {
        throw new Error('socket closed');
      },
      // The second publication fails.
      sendSynchronizedStateToReplicas: (state) =>
        ++publications === 2
          ? Promise.reject(new Error('publish refused'))
          : inner.sendSynchronizedStateToReplicas(state),
    });
    const channel = new SyncTestChannel(failing);
    const source = channel.source();
    const replica = channel.replica();
    await channel.settle();
    source.send(add('s1'));
    replica.send(add('r1'));
    await channel.settle();

    expect(replica.unhandledErrors()).toEqual(['socket closed']);
    expect(source.unhandledErrors()).toEqual(['publish refused']);
    expect(replica.ids()).toEqual(['r1']); // the ViewModels themselves go on
    expect(source.ids()).toEqual(['s1']);
    expect(source.vm.status).toBe('Running');
  });

  it('an adapter stream that errors is subscribed again with backoff, and the status says disconnected meanwhile', async () => {
    const inner = freshAdapter();
    let failures = 2;
    const flaky = wrapAdapter(inner, {
      readStateFromSource: (clientId) =>
        failures-- > 0
          ? throwError(() => new Error('stream broke'))
          : inner.readStateFromSource(clientId),
      readInputsFromReplicas: (sourceId) =>
        failures-- > 0
          ? throwError(() => new Error('inputs broke'))
          : inner.readInputsFromReplicas(sourceId),
    });
    const channel = new SyncTestChannel(flaky);
    const retransmit = { intervalMs: 5, maxIntervalMs: 40 };
    const source = channel.source({ retransmit });
    const replica = channel.replica({ retransmit });
    expect(source.status).toBe('disconnected');
    expect(replica.statuses).toContain('disconnected');
    replica.send(add('r1'));
    await waitUntil(() => source.status === 'connected' && replica.status === 'connected');
    await waitUntil(
      () => replica.syncOf('InputsAcknowledged').length === 1,
      1000,
      'r1 acknowledged',
    );

    expect(source.unhandledErrors()).toEqual(['inputs broke']);
    expect(replica.unhandledErrors()).toEqual(['stream broke']);
    expect(source.syncOf('AdapterStreamFailed').map((n) => n.retryInMs)).toEqual([5]);
    expect(replica.syncOf('AdapterStreamFailed').map((n) => n.retryInMs)).toEqual([5]);
    expect(source.statuses).toEqual(['disconnected', 'connected']);
    expect(replica.statuses).toEqual([
      'disconnected', // not connected yet
      'waiting-for-source',
      'disconnected', // its stream failed
      'waiting-for-source', // re-subscribed
      'connected',
    ]);
    expect(replica.ids()).toEqual(['r1']);
  });
});
