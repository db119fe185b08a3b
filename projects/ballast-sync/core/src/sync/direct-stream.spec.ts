// A session's AdapterStream joins an in-memory channel directly (no rxjs Subscriber): it must
// see what an rxjs subscriber sees, in the same order, and leave as cleanly.
import type { Observable } from 'rxjs';
import { InMemorySyncAdapter } from './in-memory-sync-adapter';
import { InMemorySyncTransport } from './in-memory-sync-transport';
import { isDirectStream } from './direct-stream';
import {
  AdapterStream,
  type AdapterStreamKind,
  type AdapterStreamOwner,
  type SyncSessionContext,
} from './sync-session';
import { SYNC_PROTOCOL_VERSION, type SyncedState } from './sync-messages';

const state = (version: number): SyncedState<string> => ({
  protocol: SYNC_PROTOCOL_VERSION,
  sourceId: 'source',
  incarnation: 'source-run',
  version,
  state: `v${version}`,
  acks: {},
});

const microtasks = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** An owner recording what its AdapterStream gets, as a session would handle it. */
class Owner implements AdapterStreamOwner<unknown> {
  readonly seen: string[] = [];
  throwOn: string | undefined;
  constructor(private readonly adapter: InMemorySyncAdapter<string, never, string>) {}
  openStream(kind: AdapterStreamKind): Observable<unknown> {
    return kind === 'main'
      ? this.adapter.readStateFromSource('replica')
      : this.adapter.observeLink('replica');
  }
  streamValue(kind: AdapterStreamKind, value: unknown): void {
    const seen =
      kind === 'main' ? `state ${(value as SyncedState<string>).version}` : `link ${String(value)}`;
    if (seen === this.throwOn) throw new Error(`owner bug on ${seen}`);
    this.seen.push(seen);
  }
  streamCompleted(): boolean {
    return false;
  }
  streamDown(): void {
    throw new Error('an in-memory stream never goes down');
  }
}

function context(reported: unknown[]): SyncSessionContext<string, never, string> {
  return {
    scope: { reportError: (error: unknown) => reported.push(error), viewModelName: 'doc' },
    retransmit: { intervalMs: 1000, maxIntervalMs: 30000 },
    emit: () => undefined,
  } as unknown as SyncSessionContext<string, never, string>;
}

describe('AdapterStream on an in-memory channel', () => {
  it('joins directly, sees what an rxjs subscriber sees in the same order, and leaves cleanly', async () => {
    const adapter = new InMemorySyncAdapter<string, never, string>();
    expect(isDirectStream(adapter.readStateFromSource('replica'))).toBe(true);
    const rxjsSeen: string[] = [];
    const states = adapter
      .readStateFromSource('other')
      .subscribe((s) => rxjsSeen.push(`state ${s.version}`));
    const links = adapter.observeLink('other').subscribe((l) => rxjsSeen.push(`link ${l}`));
    const owner = new Owner(adapter);
    const reported: unknown[] = [];
    const main = new AdapterStream(context(reported), owner, 'main');
    const link = new AdapterStream(context(reported), owner, 'link');

    const source = adapter.readInputsFromReplicas('source').subscribe();
    adapter.sendSynchronizedStateToReplicas(state(1));
    adapter.sendSynchronizedStateToReplicas(state(2));
    await microtasks();
    expect(owner.seen).toEqual(['link no-source', 'link connected', 'state 1', 'state 2']);
    expect(rxjsSeen).toEqual(owner.seen);
    expect(adapter.stats()).toMatchObject({ stateReaders: 2, linkObservers: 2 });

    // Left with a delivery still queued: it gets nothing more.
    adapter.sendSynchronizedStateToReplicas(state(3));
    main.close();
    link.close();
    await microtasks();
    expect(owner.seen).toHaveLength(4);
    expect(rxjsSeen).toHaveLength(5);
    expect(adapter.stats()).toMatchObject({ stateReaders: 1, linkObservers: 1 });
    expect(reported).toEqual([]);
    states.unsubscribe();
    links.unsubscribe();
    source.unsubscribe();
    expect(adapter.stats()).toMatchObject({ sources: 0, stateReaders: 0, linkObservers: 0 });
  });

  it('reports what its owner throws on a value, and the other readers still get it', async () => {
    const adapter = new InMemorySyncAdapter<string, never, string>();
    const owner = new Owner(adapter);
    owner.throwOn = 'state 1';
    const reported: unknown[] = [];
    const main = new AdapterStream(context(reported), owner, 'main');
    const others: number[] = [];
    adapter.readStateFromSource('other').subscribe((s) => others.push(s.version));
    adapter.readInputsFromReplicas('source').subscribe();

    adapter.sendSynchronizedStateToReplicas(state(1));
    adapter.sendSynchronizedStateToReplicas(state(2));
    await microtasks();
    expect(owner.seen).toEqual(['state 2']);
    expect(others).toEqual([1, 2]);
    expect(reported).toEqual([new Error('owner bug on state 1')]);
    main.close();
  });
});

describe('InMemorySyncTransport.adapterFor()', () => {
  it('hands out one adapter per live channel, and a working one after the channel was forgotten', async () => {
    const transport = new InMemorySyncTransport();
    const first = transport.adapterFor<string, never, string>('doc');
    const reader = first.readStateFromSource('replica').subscribe();
    const second = transport.adapterFor<string, never, string>('doc');
    expect(transport.adapterFor('doc')).toBe(second); // live: the same one
    expect(transport.adapterFor('other')).not.toBe(second);

    reader.unsubscribe();
    expect(transport.stats()).toEqual({});
    const later = transport.adapterFor<string, never, string>('doc');
    const versions: number[] = [];
    second.readStateFromSource('replica').subscribe((s) => versions.push(s.version));
    later.readInputsFromReplicas('source').subscribe();
    first.sendSynchronizedStateToReplicas(state(1));
    await microtasks();
    expect(versions).toEqual([1]);
  });
});
