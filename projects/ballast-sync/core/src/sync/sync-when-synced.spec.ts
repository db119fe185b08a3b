import { delay } from 'rxjs';
import { add, clearChannels, SyncTestChannel } from './sync-test-kit.spec-helper';

afterEach(clearChannels);

describe('whenSynced(): waiting for what is on its way, instead of guessing turns', () => {
  it('a Replica is synced once the Source acknowledged its Inputs and it applied that State', async () => {
    const channel = new SyncTestChannel();
    const source = channel.source();
    const replica = channel.replica();
    await replica.connection.whenSynced();
    expect(replica.connection.isSynced()).toBe(true);

    replica.send(add('a'));
    replica.send(add('b'));
    expect(replica.connection.isSynced()).toBe(false);
    await replica.connection.whenSynced();

    expect(source.ids()).toEqual(['a', 'b']);
    expect(replica.ids()).toEqual(['a', 'b']);
    expect(replica.syncOf('InputsAcknowledged').at(-1)?.upToSeq).toBe(2);
  });

  it('a Source is synced once every change is published and handed to every reader', async () => {
    const channel = new SyncTestChannel();
    const source = channel.source({ bufferStates: delay(20) }); // publications held on purpose
    const spectator = channel.spectator();
    await source.connection.whenSynced();
    source.send(add('s1'));
    expect(source.connection.isSynced()).toBe(false);
    await source.connection.whenSynced();

    expect(spectator.ids()).toEqual(['s1']);
  });

  it('resolves at once when nothing is on its way, and once cleared', async () => {
    const channel = new SyncTestChannel();
    const replica = channel.replica(); // no Source: its Input waits
    replica.send(add('a'));
    const waiting = replica.connection.whenSynced();
    replica.vm.clear();
    await expect(waiting).resolves.toBeUndefined();
    expect(replica.connection.isSynced()).toBe(true);
  });
});
