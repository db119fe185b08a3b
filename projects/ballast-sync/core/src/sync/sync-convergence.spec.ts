import { fifo, type InputHandler } from 'ballast-sync/core';
import {
  add,
  clearChannels,
  listHandler,
  SyncTestChannel,
  type ListInput,
  type ListState,
  type ParticipantOptions,
} from './sync-test-kit.spec-helper';

afterEach(clearChannels);

type Handler = InputHandler<ListInput, never, ListState>;

/** Handles the Source's own Inputs normally and treats the Replica's ones (ids `r…`) with `onReplicaInput`. */
function sourceTreatingReplicaInputs(onReplicaInput: Handler): Handler {
  const normal = listHandler();
  return (input, scope) =>
    input.id.startsWith('r') ? onReplicaInput(input, scope) : normal(input, scope);
}

const SOURCE_BEHAVIOURS: [string, ParticipantOptions, string][] = [
  [
    'rejects it (filter)',
    {
      inputStrategy: fifo({ filter: (input) => (input.id.startsWith('r') ? 'reject' : 'accept') }),
    },
    'InputRejected',
  ],
  [
    'fails on it (handler throws)',
    {
      inputHandler: sourceTreatingReplicaInputs(() => {
        throw new Error('the Source refuses');
      }),
    },
    'InputHandlerError',
  ],
  [
    'ignores it (noOp)',
    { inputHandler: sourceTreatingReplicaInputs((_i, scope) => scope.noOp()) },
    'InputHandledSuccessfully',
  ],
  [
    'produces the same State object',
    { inputHandler: sourceTreatingReplicaInputs((_i, scope) => scope.updateState((s) => s)) },
    'InputHandledSuccessfully',
  ],
  [
    'produces an equal State',
    {
      inputHandler: sourceTreatingReplicaInputs((_i, scope) =>
        scope.updateState((s) => ({ applied: [...s.applied] })),
      ),
    },
    'InputHandledSuccessfully',
  ],
];

describe('a Replica always ends equal to the Source (fix over Ballast #2)', () => {
  it.each(SOURCE_BEHAVIOURS)(
    'when the Source %s, the Replica drops its optimistic change',
    async (_label, sourceOptions, sourceOutcome) => {
      const channel = new SyncTestChannel();
      const source = channel.source({ ...sourceOptions, initialState: { applied: ['s0'] } });
      const replica = channel.replica();
      await channel.settle();

      replica.send(add('r1'));
      expect(replica.ids()).toEqual(['s0', 'r1']); // applied optimistically
      await channel.settle();

      expect(source.vmOf(sourceOutcome as 'InputRejected').map((n) => n.input)).toEqual([
        add('r1'),
      ]);
      expect(source.ids()).toEqual(['s0']);
      expect(replica.ids()).toEqual(['s0']);
      expect(replica.syncOf('InputsAcknowledged')).toEqual([
        { type: 'InputsAcknowledged', upToSeq: 1 },
      ]);
      // Nothing is re-sent: the acknowledgement settled it.
      expect(replica.syncOf('InputForwarded')).toHaveLength(1);
    },
  );

  it('converges after a mix of handled, rejected and failed Inputs from several Replicas', async () => {
    const channel = new SyncTestChannel();
    const source = channel.source({
      inputStrategy: fifo({
        filter: (input) => (input.id.endsWith('-rejected') ? 'reject' : 'accept'),
      }),
      inputHandler: (input, scope) => {
        if (input.id.endsWith('-failing')) throw new Error('failing');
        return listHandler()(input, scope);
      },
    });
    const replicas = [channel.replica(), channel.replica(), channel.replica()];
    const spectator = channel.spectator();
    await channel.settle();
    replicas.forEach((replica, i) => {
      replica.send(add(`r${i}-ok`));
      replica.send(add(`r${i}-rejected`));
      replica.send(add(`r${i}-failing`));
    });
    await channel.settle();

    expect(source.ids()).toEqual(['r0-ok', 'r1-ok', 'r2-ok']);
    for (const replica of [...replicas, spectator]) expect(replica.ids()).toEqual(source.ids());
  });

  it('a State published without changes still carries acknowledgements', async () => {
    const channel = new SyncTestChannel();
    const source = channel.source({ inputHandler: (_input, scope) => scope.noOp() });
    const replica = channel.replica();
    await channel.settle();
    const before = source.syncOf('StatePublished').length;
    replica.send(add('r1'));
    await channel.settle();

    const published = source.syncOf('StatePublished').slice(before);
    expect(published.map((n) => [n.state.state.applied, n.state.acks])).toEqual([
      [[], { [replica.incarnation]: 1 }],
    ]);
  });
});
