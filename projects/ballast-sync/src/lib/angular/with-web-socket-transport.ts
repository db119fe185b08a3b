import { DestroyRef, inject, PLATFORM_ID } from '@angular/core';
import { isPlatformBrowser } from '@angular/common';
import {
  ɵballastError as ballastError,
  type SyncConnectionAdapter,
  type SyncLinkState,
  type SyncTransport,
} from 'ballast-sync/core';
import {
  ɵresolveWebSocketOptions as resolveWebSocketOptions,
  WebSocketSyncTransport,
  type WebSocketSyncTransportOptions,
} from 'ballast-sync/websocket';
import { NEVER, Observable, throwError } from 'rxjs';
import { withSyncTransport, type BallastSyncFeature } from './provide-ballast-sync';

/**
 * Syncs every SyncViewModel of the app with a `ballast-sync-server`, which hosts each channel's
 * Source: give the app's instances the role `'replica'` (they send Inputs) or `'spectator'`. A
 * `WebSocketSyncTransport` from `ballast-sync/websocket`, created in the browser only (its one
 * socket opens when the first instance starts) and closed when its injector is destroyed.
 *
 * While the socket is down (offline, reconnecting) every instance's `status()` is
 * `'disconnected'`; a Replica keeps applying its Inputs locally, and they reach the Source once
 * it is back.
 *
 * The options are read outside any injection context: `token` is a plain function, called in the
 * browser before every connection attempt.
 *
 * On the server (SSR) nothing connects: the instances render their initial State (or their
 * `initialState` option) with the status `'disconnected'`, and the app is stable at once. An
 * Input sent during a server render applies to that render only (an offline instance never holds
 * the app unstable): send Inputs meant for the server from the browser (e.g. in `afterNextRender`).
 *
 * @example
 * bootstrapApplication(App, {
 *   providers: [
 *     provideZonelessChangeDetection(),
 *     provideBallastSync(withWebSocketTransport({ url: '/ballast-sync', token: () => sessionStorage.getItem('token') })),
 *   ],
 * });
 */
export function withWebSocketTransport(options: WebSocketSyncTransportOptions): BallastSyncFeature {
  if (options === null || typeof options !== 'object') {
    throw ballastError(
      typeof ngDevMode === 'undefined' || ngDevMode
        ? 'withWebSocketTransport(options) takes an options object, e.g. { url: "wss://example.com/ballast-sync" }.'
        : 121,
    );
  }
  resolveWebSocketOptions(options); // bad options fail at start-up, on the server too
  return withSyncTransport(() => {
    if (!isPlatformBrowser(inject(PLATFORM_ID))) return serverRenderTransport();
    const transport = new WebSocketSyncTransport(options);
    inject(DestroyRef).onDestroy(() => transport.close());
    return transport;
  });
}

/**
 * The transport of a server render: never connects, says `'disconnected'`, delivers no State and
 * drops Inputs (the browser's instances will sync).
 */
function serverRenderTransport(): SyncTransport {
  return {
    adapterFor: <I, E, S>(channel: string): SyncConnectionAdapter<I, E, S> => {
      const noSource = () =>
        ballastError(
          typeof ngDevMode === 'undefined' || ngDevMode
            ? `channel "${channel}": with withWebSocketTransport() the Source lives on the sync server; ` +
                "give this ViewModel the role 'replica' or 'spectator'."
            : 122,
        );
      return {
        sendSynchronizedStateToReplicas: () => {
          throw noSource();
        },
        readInputsFromReplicas: () => throwError(noSource),
        sendInputToSource: () => undefined,
        readStateFromSource: () => NEVER,
        observeLink: () =>
          new Observable<SyncLinkState>((subscriber) => subscriber.next('disconnected')),
      };
    },
  };
}
