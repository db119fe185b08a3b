import { ballastError } from '../engine/errors';
import { InMemorySyncAdapter, type InMemorySyncAdapterStats } from './in-memory-sync-adapter';
import type { SyncTransport } from './sync-connection-adapter';

/**
 * In-memory channels by name: every ViewModel of an app that asks for channel "counter" shares one
 * {@link InMemorySyncAdapter}. The Angular layer provides one at root by default.
 *
 * @example
 * const transport = new InMemorySyncTransport();
 * const adapter = transport.adapterFor<Inputs, Events, State>('counter');
 */
export class InMemorySyncTransport implements SyncTransport {
  private readonly channels = new Map<string, InMemorySyncAdapter<unknown, unknown, unknown>>();

  adapterFor<I, E, S>(channel: string): InMemorySyncAdapter<I, E, S> {
    if (typeof channel !== 'string' || channel.trim() === '') {
      throw ballastError(
        `adapterFor(channel) needs a non-empty channel name; got ${JSON.stringify(channel)}.`,
      );
    }
    let adapter = this.channels.get(channel);
    if (!adapter) this.channels.set(channel, (adapter = new InMemorySyncAdapter()));
    return adapter as InMemorySyncAdapter<I, E, S>;
  }

  /** What every channel holds right now, by channel name. */
  stats(): Record<string, InMemorySyncAdapterStats> {
    return Object.fromEntries([...this.channels].map(([name, adapter]) => [name, adapter.stats()]));
  }
}
