import { firstValueFrom, type Observable } from 'rxjs';
import { InMemorySyncAdapter } from './in-memory-sync-adapter';
import { InMemorySyncTransport } from './in-memory-sync-transport';
import type { SyncConnectionAdapter } from './sync-connection-adapter';
import { SYNC_PROTOCOL_VERSION, type SyncedInput, type SyncedState } from './sync-messages';

type Adapter = SyncConnectionAdapter<string, never, string> & {
  observeLink(clientId: string): Observable<string>;
};

const state = (sourceId: string, version: number, value = `v${version}`): SyncedState<string> => ({
  protocol: SYNC_PROTOCOL_VERSION,
  sourceId,
  incarnation: `${sourceId}-run`,
  version,
  state: value,
  acks: {},
});

const input = (clientId: string, seq: number, to = 'source-run'): SyncedInput<string> => ({
  protocol: SYNC_PROTOCOL_VERSION,
  id: `${clientId}-run:${seq}`,
  clientId,
  incarnation: `${clientId}-run`,
  seq,
  firstUnacknowledged: 1,
  to,
  seen: 0,
  input: `${clientId}#${seq}`,
});

const microtasks = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Everything one participant observes, in one list, in the order it observed it. */
function observer(adapter: Adapter, clientId: string) {
  const seen: string[] = [];
  const states = adapter
    .readStateFromSource(clientId)
    .subscribe((s) => seen.push(`state ${s.sourceId} ${s.version}`));
  const link = adapter.observeLink(clientId).subscribe((l) => seen.push(`link ${l}`));
  return { seen, stop: () => (states.unsubscribe(), link.unsubscribe()) };
}

const kinds: [string, () => Adapter][] = [
  ['new InMemorySyncAdapter()', () => new InMemorySyncAdapter<string, never, string>()],
  [
    'InMemorySyncTransport.adapterFor()',
    () => new InMemorySyncTransport().adapterFor<string, never, string>('doc'),
  ],
];

describe.each(kinds)('%s', (_, create) => {
  it('delivers Inputs to the active Source in order, in a later microtask', async () => {
    const adapter = create();
    const received: string[] = [];
    adapter.readInputsFromReplicas('source').subscribe((i) => received.push(i.input));
    adapter.sendInputToSource(input('r1', 1));
    adapter.sendInputToSource(input('r1', 2));
    expect(received).toEqual([]);
    await microtasks();
    expect(received).toEqual(['r1#1', 'r1#2']);
  });

  it('gives a late joiner the current State, and ignores States of a Source that is not active', async () => {
    const adapter = create();
    adapter.readInputsFromReplicas('source').subscribe();
    adapter.sendSynchronizedStateToReplicas(state('source', 1));
    adapter.sendSynchronizedStateToReplicas(state('stranger', 9));
    await microtasks();
    expect(await firstValueFrom(adapter.readStateFromSource('late'))).toEqual(state('source', 1));
  });

  it('completes the Inputs of a Source that another Source took over', async () => {
    const adapter = create();
    let completed = false;
    adapter.readInputsFromReplicas('first').subscribe({ complete: () => (completed = true) });
    adapter.readInputsFromReplicas('second').subscribe();
    expect(completed).toBe(true);
  });

  it("says 'no-source' while no Source is active and 'connected' while one is, in the order of the States", async () => {
    const adapter = create();
    const replica = observer(adapter, 'replica');
    expect(replica.seen).toEqual(['link no-source']); // at once: nothing was on its way

    const first = adapter.readInputsFromReplicas('first').subscribe();
    adapter.sendSynchronizedStateToReplicas(state('first', 1));
    await microtasks();
    expect(replica.seen).toEqual(['link no-source', 'link connected', 'state first 1']);

    // A take-over is no change of link: the new Source's States tell the Replica about it.
    adapter.readInputsFromReplicas('second').subscribe();
    adapter.sendSynchronizedStateToReplicas(state('second', 1));
    expect(first.closed).toBe(true);
    await microtasks();
    expect(replica.seen.slice(3)).toEqual(['state second 1']);
    replica.stop();
  });

  it("tells a Replica 'no-source' only after the last State of the Source that left", async () => {
    const adapter = create();
    const source = adapter.readInputsFromReplicas('source').subscribe();
    const sourceLink: string[] = [];
    adapter.observeLink('source').subscribe((l) => sourceLink.push(l));
    const replica = observer(adapter, 'replica');
    adapter.sendSynchronizedStateToReplicas(state('source', 1));
    adapter.sendSynchronizedStateToReplicas(state('source', 2));
    source.unsubscribe();
    const lateReplica = observer(adapter, 'late'); // joins while the last States are queued
    await microtasks();

    expect(sourceLink).toEqual(['connected', 'no-source']);
    expect(replica.seen).toEqual([
      'link connected',
      'state source 1',
      'state source 2',
      'link no-source',
    ]);
    expect(lateReplica.seen).toEqual(['link no-source']); // the Source left before it joined
  });

  it('releases everything once every participant left, even with deliveries queued', async () => {
    const adapter = create() as InMemorySyncAdapter<string, never, string>;
    const source = adapter.readInputsFromReplicas('source').subscribe();
    const replica = observer(adapter, 'replica');
    adapter.sendSynchronizedStateToReplicas(state('source', 1));
    adapter.sendInputToSource(input('replica', 1));
    expect(adapter.stats()).toEqual({
      sources: 1,
      stateReaders: 1,
      linkObservers: 1,
      hasCurrentState: true,
      queuedDeliveries: 2, // the State, the Input
    });
    source.unsubscribe();
    replica.stop();
    await microtasks();
    expect(adapter.stats()).toEqual({
      sources: 0,
      stateReaders: 0,
      linkObservers: 0,
      hasCurrentState: false,
      queuedDeliveries: 0,
    });
  });

  it('refuses malformed envelopes and ids with a message that says what is wrong', () => {
    const adapter = create();
    expect(() => adapter.sendInputToSource({ ...input('r', 1), seq: 0 })).toThrow(
      /^ballast-sync: sendInputToSource\(\) needs a SyncedInput: seq and firstUnacknowledged must be whole numbers >= 1\.$/,
    );
    expect(() =>
      adapter.sendSynchronizedStateToReplicas({ ...state('s', 1), protocol: 2 as 1 }),
    ).toThrow(
      /^ballast-sync: sendSynchronizedStateToReplicas\(\) needs a SyncedState: it speaks protocol 2/,
    );
    for (const call of [
      () => adapter.readStateFromSource(''),
      () => adapter.readInputsFromReplicas(undefined as unknown as string),
      () => adapter.observeLink(''),
    ]) {
      expect(call).toThrow(/^ballast-sync: \w+\(id\) needs a non-empty client id/);
    }
  });
});
