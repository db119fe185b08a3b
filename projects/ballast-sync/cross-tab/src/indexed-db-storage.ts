import { ɵballastError as ballastError } from 'ballast-sync/core';
import { isStampedSnapshot, type StampedSnapshot } from './cross-tab-wire';
import type { SnapshotStorage } from './cross-tab-channel';

const DATABASE = 'ballast-sync';
const STORE = 'snapshots';

/**
 * A channel's snapshot in IndexedDB (internal): database `ballast-sync`, object store `snapshots`,
 * one record per namespace and channel. Values are stored by structured clone, the same rules as
 * the BroadcastChannel. Writes are coalesced: at most one transaction is in flight, then the newest
 * snapshot that arrived meanwhile is written, so a busy Source never queues up writes.
 */
export function indexedDbStorage(
  factory: IDBFactory,
  key: string,
  report: (error: unknown) => void,
): SnapshotStorage {
  let database: Promise<IDBDatabase> | undefined;
  let next: StampedSnapshot<unknown> | undefined;
  let writing = false;
  const open = () => (database ??= openDatabase(factory));

  const writeNext = (): void => {
    const snapshot = next;
    if (!snapshot || writing) return;
    next = undefined;
    writing = true;
    open()
      .then((db) => {
        const transaction = db.transaction(STORE, 'readwrite');
        transaction.objectStore(STORE).put(snapshot, key);
        return committed(transaction);
      })
      .catch((error: unknown) =>
        report(
          ballastError(
            `channel "${key}" could not save its snapshot in IndexedDB; the State will not survive closing every tab.`,
            { cause: error },
          ),
        ),
      )
      .finally(() => {
        writing = false;
        writeNext();
      });
  };

  return {
    read: async () => {
      const db = await open();
      const stored = await request(db.transaction(STORE, 'readonly').objectStore(STORE).get(key));
      return isStampedSnapshot(stored) ? stored : undefined;
    },
    write: (snapshot) => {
      next = snapshot;
      writeNext();
    },
  };
}

function openDatabase(factory: IDBFactory): Promise<IDBDatabase> {
  const opening = factory.open(DATABASE, 1);
  opening.onupgradeneeded = () => {
    if (!opening.result.objectStoreNames.contains(STORE)) opening.result.createObjectStore(STORE);
  };
  return request(opening);
}

function committed(transaction: IDBTransaction): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error);
  });
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}
