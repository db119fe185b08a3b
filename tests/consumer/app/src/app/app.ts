import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { provideSyncViewModel } from 'ballast-sync';
import { ClientType } from 'ballast-sync/core';
import { CounterViewModel } from './counter-view-model';

const template = `
  <output class="count">{{ vm.state().count }}</output>
  <span class="status">{{ vm.status() }}</span>
  <button type="button" (click)="vm.trySend({ type: 'Increment', by: 1 })">+1</button>`;

@Component({
  selector: 'app-source-counter',
  changeDetection: ChangeDetectionStrategy.OnPush,
  providers: [provideSyncViewModel(CounterViewModel, { role: ClientType.Source })],
  template,
})
export class SourceCounter {
  readonly vm = inject(CounterViewModel);
}

@Component({
  selector: 'app-replica-counter',
  changeDetection: ChangeDetectionStrategy.OnPush,
  providers: [provideSyncViewModel(CounterViewModel, { role: 'replica' })],
  template,
})
export class ReplicaCounter {
  readonly vm = inject(CounterViewModel);
}

@Component({
  selector: 'app-root',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [SourceCounter, ReplicaCounter],
  template: `<app-source-counter /> <app-replica-counter />`,
})
export class App {}
