import { Routes } from '@angular/router';
import { provideBallastSync, withCrossTabTransport, withWebSocketTransport } from 'ballast-sync';
import { AcrossTabsPage } from './across-tabs/across-tabs-page';
import { CountersPage } from './counters/counters-page';
import { OnTheServerPage } from './on-the-server/on-the-server-page';
import { TodosPage } from './todos/todos-page';

export const routes: Routes = [
  { path: '', component: CountersPage, title: 'Sync counters · ballast-sync demo' },
  { path: 'todos', component: TodosPage, title: 'Shared todos · ballast-sync demo' },
  {
    path: 'across-tabs',
    component: AcrossTabsPage,
    title: 'Across tabs · ballast-sync demo',
    // This page syncs with the same page in the app's other tabs (the others stay in memory).
    providers: [
      provideBallastSync(
        withCrossTabTransport({
          namespace: 'ballast-sync-demo',
          persist: ['across-tabs-counter'],
        }),
      ),
    ],
  },
  {
    path: 'on-the-server',
    component: OnTheServerPage,
    title: 'On the server · ballast-sync demo',
    // This page's Source is on the demo sync server, reached through the dev server's proxy
    // (projects/demo-app/proxy.conf.mjs).
    providers: [provideBallastSync(withWebSocketTransport({ url: '/ballast-sync' }))],
  },
  { path: '**', redirectTo: '' },
];
