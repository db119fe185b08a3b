import { ApplicationConfig, provideZonelessChangeDetection } from '@angular/core';
import { provideRouter } from '@angular/router';
import { provideBallastSync, withInMemoryAdapter } from 'ballast-sync';
import { routes } from './app.routes';

export const appConfig: ApplicationConfig = {
  providers: [
    provideZonelessChangeDetection(),
    provideRouter(routes),
    // The default, spelled out: every SyncViewModel of the app shares one in-memory transport.
    provideBallastSync(withInMemoryAdapter()),
  ],
};
