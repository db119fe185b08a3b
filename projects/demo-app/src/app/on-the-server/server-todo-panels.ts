import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { provideSyncViewModel } from 'ballast-sync';
import { TodoPanel } from '../todos/todo-panel';
import { TodoViewModel } from '../todos/todo-view-model';

/** The link of the host's TodoViewModel to the server, as its `status()` signal says it. */
@Component({
  selector: 'app-link-status',
  template: `<p class="link" [class]="'link-' + vm.status()" data-testid="link-status">
    {{ vm.status() }}
  </p>`,
  styles: `
    .link {
      margin: 0 0 0.5rem;
      font-size: 0.85rem;
    }
    .link-connected {
      color: #1b7f3b;
    }
    .link-disconnected,
    .link-waiting-for-source {
      color: #b3261e;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class LinkStatus {
  protected readonly vm = inject(TodoViewModel);
}

/** A Replica of the server's todo list: edits apply at once, also offline, and reach the server. */
@Component({
  selector: 'app-server-replica-todos',
  imports: [TodoPanel, LinkStatus],
  template: `<app-link-status /><app-todo-panel title="Replica (this browser)" />`,
  changeDetection: ChangeDetectionStrategy.OnPush,
  providers: [provideSyncViewModel(TodoViewModel, { role: 'replica' })],
  host: { 'data-testid': 'server-todos-replica' },
})
export class ServerReplicaTodos {}

/** A Spectator of the server's todo list: it shows what the server holds. */
@Component({
  selector: 'app-server-spectator-todos',
  imports: [TodoPanel, LinkStatus],
  template: `<app-link-status /><app-todo-panel title="Spectator (the server's State)" />`,
  changeDetection: ChangeDetectionStrategy.OnPush,
  providers: [provideSyncViewModel(TodoViewModel, { role: 'spectator' })],
  host: { 'data-testid': 'server-todos-spectator' },
})
export class ServerSpectatorTodos {}
