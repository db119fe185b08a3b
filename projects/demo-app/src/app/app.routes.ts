import { Routes } from '@angular/router';
import { CountersPage } from './counters/counters-page';
import { TodosPage } from './todos/todos-page';

export const routes: Routes = [
  { path: '', component: CountersPage, title: 'Sync counters · ballast-sync demo' },
  { path: 'todos', component: TodosPage, title: 'Shared todos · ballast-sync demo' },
  { path: '**', redirectTo: '' },
];
