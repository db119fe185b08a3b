import { provideZonelessChangeDetection } from '@angular/core';
import { bootstrapApplication } from '@angular/platform-browser';
import { provideBallastSync, withInMemoryTransport } from 'ballast-sync';
import { App } from './app/app';

bootstrapApplication(App, {
  providers: [provideZonelessChangeDetection(), provideBallastSync(withInMemoryTransport())],
}).catch((error: unknown) => console.error(error));
