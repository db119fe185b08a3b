import { ChangeDetectionStrategy, Component } from '@angular/core';
import { ServerReplicaTodos, ServerSpectatorTodos } from './server-todo-panels';

/** A todo list whose Source lives on the demo sync server (projects/demo-app/sync-server). */
@Component({
  selector: 'app-on-the-server-page',
  imports: [ServerReplicaTodos, ServerSpectatorTodos],
  template: `
    <section class="intro">
      <h2>On the server</h2>
      <p>
        The Source of this todo list is on the demo sync server (<code>npm run server</code>),
        reached through <code>withWebSocketTransport(&#123; url: '/ballast-sync' &#125;)</code>.
        Open this page in a second browser: both show the same list. Stop the server and keep
        editing: the Replica applies your changes at once, says <code>disconnected</code>, and
        delivers them once the server is back.
      </p>
    </section>
    <div class="panels">
      <app-server-replica-todos />
      <app-server-spectator-todos />
    </div>
  `,
  styleUrl: '../todos/todos-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class OnTheServerPage {}
