import { ballastError } from '../engine/errors';
import { InMemoryChannel, type InMemorySyncAdapterStats } from './in-memory-channel';
import { inMemoryAdapterOn, type InMemorySyncAdapter } from './in-memory-sync-adapter';
import type { SyncTransport } from './sync-connection-adapter';

/**
 * In-memory channels by name: every ViewModel of an app that asks for channel "counter" shares
 * one channel. The Angular layer provides one at root by default.
 *
 * A channel's state exists only while it has a participant (a Source, a State reader, a link
 * observer or a queued delivery), so a long-lived app with a channel per document does not grow.
 * An adapter from `adapterFor(name)` stays valid forever: it looks its channel up by name on each
 * call, so every adapter of one name (obtained before or after the channel was forgotten) reaches
 * the same channel.
 *
 * @example
 * const transport = new InMemorySyncTransport();
 * const adapter = transport.adapterFor<Inputs, Events, State>('counter');
 */
export class InMemorySyncTransport implements SyncTransport {
  private readonly channels = new Map<string, InMemoryChannel<unknown, unknown>>();

  /**
   * The adapter of channel `channel`: a light handle, so calling it again returns another object
   * that reaches the same channel.
   *
   * @example
   * const replica = new DefaultSyncConnection({ clientType: 'replica', adapter: transport.adapterFor('counter') });
   */
  adapterFor<I, E, S>(channel: string): InMemorySyncAdapter<I, E, S> {
    if (typeof channel !== 'string' || channel.trim() === '') {
      throw ballastError(
        `adapterFor(channel) needs a non-empty channel name; got ${JSON.stringify(channel)}.`,
      );
    }
    return inMemoryAdapterOn<I, E, S>({
      find: () => this.channels.get(channel) as InMemoryChannel<I, S> | undefined,
      open: () => this.open(channel) as InMemoryChannel<I, S>,
    });
  }

  /**
   * What every live channel holds right now, by channel name; a channel nobody uses is absent.
   *
   * @example
   * expect(transport.stats()).toEqual({}); // every ViewModel was cleared
   */
  stats(): Record<string, InMemorySyncAdapterStats> {
    return Object.fromEntries([...this.channels].map(([name, channel]) => [name, channel.stats()]));
  }

  private open(name: string): InMemoryChannel<unknown, unknown> {
    const live = this.channels.get(name);
    if (live) return live;
    const channel: InMemoryChannel<unknown, unknown> = new InMemoryChannel(() => {
      // Only this channel's own entry: a newer channel of the same name is never removed.
      if (this.channels.get(name) === channel) this.channels.delete(name);
    });
    this.channels.set(name, channel);
    return channel;
  }
}
