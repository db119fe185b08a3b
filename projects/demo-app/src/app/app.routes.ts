import { Routes } from '@angular/router';
import { CountersPage } from './counters/counters-page';

export const routes: Routes = [
  { path: '', component: CountersPage, title: 'Sync counters · ballast-sync demo' },
  { path: '**', redirectTo: '' },
];
