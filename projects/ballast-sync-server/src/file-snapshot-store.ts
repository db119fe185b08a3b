import { ballastError } from './errors.js';
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { type SnapshotStore, type SyncSnapshot } from 'ballast-sync/core';
import type { SnapshotStoreProvider } from './snapshot-stores.js';

/** Options of {@link FileSnapshotStore}. */
export interface FileSnapshotStoreOptions {
  /**
   * `'fsync'` (default): each snapshot is flushed to disk before it replaces the previous one, so
   * it survives a machine crash; `'os'`: left to the operating system (survives a process crash,
   * faster).
   */
  readonly durability?: 'fsync' | 'os';
}

/**
 * Keeps each channel's snapshot in a JSON file of one directory (`<channel>.snapshot.json`, the
 * name URI-encoded). A save writes a temporary file and renames it over the previous one, so a
 * crash at any moment leaves either the old or the new snapshot, never a torn one. Saves of a
 * channel are written one at a time; while one is written, later ones collapse into the latest.
 *
 * @example
 * const server = await createSyncServer({
 *   port: 8080, channels, snapshots: new FileSnapshotStore('/var/lib/my-app/snapshots'),
 * });
 */
export class FileSnapshotStore implements SnapshotStoreProvider {
  readonly directory: string;
  private readonly durability: 'fsync' | 'os';

  constructor(directory: string, options: FileSnapshotStoreOptions = {}) {
    if (typeof directory !== 'string' || directory === '') {
      throw ballastError(
        'new FileSnapshotStore(directory) needs the path of a directory (it is created if missing).',
      );
    }
    const durability = options.durability ?? 'fsync';
    if (durability !== 'fsync' && durability !== 'os') {
      throw ballastError(
        `FileSnapshotStore({ durability }) is 'fsync' or 'os'; got ${JSON.stringify(durability)}.`,
      );
    }
    this.directory = resolve(directory);
    this.durability = durability;
  }

  /** The file that holds a channel's snapshot. */
  fileFor(channel: string): string {
    return join(this.directory, `${encodeURIComponent(channel)}.snapshot.json`);
  }

  snapshotStoreFor<S>(channel: string): SnapshotStore<S> {
    return new ChannelFile<S>(this.directory, this.fileFor(channel), this.durability);
  }
}

class ChannelFile<S> implements SnapshotStore<S> {
  /** The latest serialized snapshot not written yet, and who waits for it. */
  private next: { text: string; written: Promise<void>; settle(error?: unknown): void } | undefined;
  private writing = false;
  private directoryReady = false;
  private readonly temp: string;

  constructor(
    private readonly directory: string,
    private readonly file: string,
    private readonly durability: 'fsync' | 'os',
  ) {
    this.temp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  }

  async load(): Promise<SyncSnapshot<S> | undefined> {
    await this.removeOrphans();
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    try {
      return JSON.parse(text) as SyncSnapshot<S>;
    } catch {
      throw ballastError(`${this.file} is not JSON`);
    }
  }

  save(snapshot: SyncSnapshot<S>): Promise<void> {
    // Serialized now: the file holds exactly this snapshot, whatever happens to the object later.
    const text = JSON.stringify(snapshot);
    if (this.next) {
      this.next.text = text; // collapses into the latest: one write for both
      return this.next.written;
    }
    let settle!: (error?: unknown) => void;
    const written = new Promise<void>((resolve, reject) => {
      settle = (error) => (error === undefined ? resolve() : reject(error));
    });
    this.next = { text, written, settle };
    if (!this.writing) void this.drain();
    return written;
  }

  private async drain(): Promise<void> {
    this.writing = true;
    while (this.next) {
      const job = this.next;
      this.next = undefined;
      try {
        await this.write(job.text);
        job.settle();
      } catch (error) {
        await rm(this.temp, { force: true }).catch(() => undefined);
        job.settle(
          ballastError(
            `could not write the snapshot ${this.file} (${(error as Error).message}); check that the directory is writable.`,
            { cause: error },
          ),
        );
      }
    }
    this.writing = false;
  }

  /**
   * Temp files of this channel left by a process that died mid-write (killed, crashed): the
   * snapshot itself is whole (the rename never happened), only the temp file remains.
   */
  private async removeOrphans(): Promise<void> {
    const prefix = `${basename(this.file)}.`;
    let names: string[];
    try {
      names = await readdir(this.directory);
    } catch {
      return; // no directory yet: nothing was ever written
    }
    for (const name of names) {
      const pid = Number(/^(\d+)-[0-9a-f]+\.tmp$/.exec(name.slice(prefix.length))?.[1]);
      if (!name.startsWith(prefix) || !pid || isRunning(pid)) continue;
      await rm(join(this.directory, name), { force: true }).catch(() => undefined);
    }
  }

  private async write(text: string): Promise<void> {
    if (!this.directoryReady) {
      await mkdir(this.directory, { recursive: true });
      this.directoryReady = true;
    }
    const handle = await open(this.temp, 'w');
    try {
      await handle.writeFile(text, 'utf8');
      if (this.durability === 'fsync') await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(this.temp, this.file);
  }
}

/** Whether a process of this machine is alive (a temp file of a live writer is left alone). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
