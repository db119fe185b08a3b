import { ApplicationConfig, provideZonelessChangeDetection } from '@angular/core';
import { provideClientHydration } from '@angular/platform-browser';
import { provideRouter } from '@angular/router';
import { provideBallastSync, withInMemoryTransport, withTransferState } from 'ballast-sync';
import { routes } from './app.routes';

export const appConfig: ApplicationConfig = {
  providers: [
    provideZonelessChangeDetection(),
    provideRouter(routes),
    provideClientHydration(),
    // The default transport, spelled out: every SyncViewModel of the app shares one in-memory
    // transport. withTransferState(): the browser starts from the State the server rendered.
    provideBallastSync(withInMemoryTransport(), withTransferState()),
  ],
};
