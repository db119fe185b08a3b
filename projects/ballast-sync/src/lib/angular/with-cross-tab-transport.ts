import { DestroyRef, inject, PLATFORM_ID } from '@angular/core';
import { isPlatformBrowser } from '@angular/common';
import { ɵballastError as ballastError, InMemorySyncTransport } from 'ballast-sync/core';
import {
  BroadcastChannelSyncTransport,
  type BroadcastChannelSyncTransportOptions,
} from 'ballast-sync/cross-tab';
import { withSyncTransport, type BallastSyncFeature } from './provide-ballast-sync';

/**
 * Syncs every SyncViewModel of the app with the same ViewModels in the app's other tabs (same
 * origin): a `BroadcastChannelSyncTransport` from `ballast-sync/cross-tab`, created in the
 * browser only and closed when its injector is destroyed. On the server (SSR) it is an
 * `InMemorySyncTransport`: a server render starts from the ViewModels' initial State, and the
 * browser syncs once it boots.
 *
 * Give the instances that may lead the role `'elected'`: one tab's instance is the Source, and
 * when that tab closes another takes over from the latest State (`activeRole()` tells which).
 *
 * @example
 * bootstrapApplication(App, {
 *   providers: [
 *     provideZonelessChangeDetection(),
 *     provideBallastSync(withCrossTabTransport({ namespace: 'my-app', persist: ['todos'] })),
 *   ],
 * });
 */
export function withCrossTabTransport(
  options: BroadcastChannelSyncTransportOptions = {},
): BallastSyncFeature {
  if (options === null || typeof options !== 'object') {
    throw ballastError(
      typeof ngDevMode === 'undefined' || ngDevMode
        ? 'withCrossTabTransport(options) takes an options object, e.g. { namespace: "my-app" }.'
        : 120,
    );
  }
  return withSyncTransport(() => {
    if (!isPlatformBrowser(inject(PLATFORM_ID))) return new InMemorySyncTransport();
    const transport = new BroadcastChannelSyncTransport(options);
    inject(DestroyRef).onDestroy(() => transport.close());
    return transport;
  });
}
