import { Routes } from '@angular/router';
import { provideBallastSync, withCrossTabTransport } from 'ballast-sync';
import { AcrossTabsPage } from './across-tabs/across-tabs-page';
import { CountersPage } from './counters/counters-page';
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
  { path: '**', redirectTo: '' },
];
