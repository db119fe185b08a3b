/**
 * @jest-environment node
 */
import { IDBFactory } from 'fake-indexeddb';
import { FakeBrowser, settle, waitUntil } from './cross-tab-test-kit.spec-helper';

let browsers: FakeBrowser[] = [];
afterEach(() => {
  browsers.forEach((b) => b.closeAll());
  browsers = [];
});

function browserWithStorage(persist: readonly string[]) {
  const b = new FakeBrowser({ indexedDB: new IDBFactory(), persist });
  browsers.push(b);
  return b;
}

describe('persist: a channel’s State survives closing every tab (IndexedDB)', () => {
  it('closing all tabs and opening a new one restores the State, with its acknowledgements', async () => {
    const b = browserWithStorage(['list']);
    const a = b.tab().join('elected', 'a');
    const r = b.tab().join('elected', 'r');
    await waitUntil(() => a.activeRole === 'source' && r.status === 'connected');
    a.send('a:1');
    r.send('r:1');
    await waitUntil(() => a.ids().length === 2 && r.ids().length === 2);
    await settle(60);
    b.closeAll();

    const reopened = b.tab().join('elected', 'again');
    await waitUntil(() => reopened.activeRole === 'source' && reopened.status === 'connected');
    await waitUntil(
      () => reopened.ids().length === 2,
      () => reopened.ids(),
    );
    expect(reopened.ids()).toEqual(a.ids());
    reopened.send('again:1');
    await waitUntil(() => reopened.ids().length === 3);
    expect(b.tabs.flatMap((t) => t.errors)).toEqual([]);
  });

  it('a channel that is not persisted starts over once every tab closed', async () => {
    const b = browserWithStorage(['another-channel']);
    const a = b.tab().join('source', 'a');
    a.send('a:1');
    await settle(60);
    b.closeAll();
    const reopened = b.tab().join('source', 'again');
    await waitUntil(() => reopened.status === 'connected');
    await settle(60);
    expect(reopened.ids()).toEqual([]);
  });
});
