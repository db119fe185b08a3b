import { ChangeDetectionStrategy, Component, inject, input } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideSyncViewModel } from 'ballast-sync';
import {
  CounterViewModel,
  ReplicaCounterComponent,
  settle,
  SourceCounterComponent,
} from '../../spec/counter.fixtures';

@Component({
  selector: 'bs-fresh-source-counter',
  template: `<span data-testid="count">{{ vm.state().count }}</span>`,
  changeDetection: ChangeDetectionStrategy.OnPush,
  providers: [provideSyncViewModel(CounterViewModel, { role: 'source', start: 'fresh' })],
})
class FreshSourceCounterComponent {
  readonly vm = inject(CounterViewModel);
}

@Component({
  selector: 'bs-elected-counter',
  template: `<span data-testid="count">{{ vm.state().count }}</span>
    <span data-testid="active-role">{{ vm.activeRole() }}</span>`,
  changeDetection: ChangeDetectionStrategy.OnPush,
  providers: [provideSyncViewModel(CounterViewModel, { role: 'elected' })],
  host: { '[attr.data-testid]': 'testId()' },
})
class ElectedCounterComponent {
  readonly vm = inject(CounterViewModel);
  readonly testId = input('elected');
}

describe('a Source that comes back (a routed component shown again)', () => {
  it("continues from the channel's latest State by default; Replicas wait for it meanwhile", async () => {
    const replica = TestBed.createComponent(ReplicaCounterComponent);
    let source = TestBed.createComponent(SourceCounterComponent);
    await settle();
    for (let i = 0; i < 3; i++) replica.componentInstance.vm.trySend({ type: 'Increment', by: 1 });
    source.componentInstance.vm.trySend({ type: 'Increment', by: 2 });
    await settle();
    expect(replica.componentInstance.vm.state().count).toBe(5);

    source.destroy();
    await settle();
    expect(replica.componentInstance.vm.status()).toBe('waiting-for-source');
    replica.componentInstance.vm.trySend({ type: 'Increment', by: 1 }); // kept for the next Source
    source = TestBed.createComponent(SourceCounterComponent);
    await settle();

    expect(source.componentInstance.vm.state().count).toBe(6); // 5, then the kept Input
    expect(replica.componentInstance.vm.state().count).toBe(6);
    expect(replica.componentInstance.vm.status()).toBe('connected');
  });

  it("with start: 'fresh' it starts from initialState, and Replicas follow it", async () => {
    const replica = TestBed.createComponent(ReplicaCounterComponent);
    const first = TestBed.createComponent(SourceCounterComponent);
    await settle();
    replica.componentInstance.vm.trySend({ type: 'Increment', by: 4 });
    await settle();
    first.destroy();
    const fresh = TestBed.createComponent(FreshSourceCounterComponent);
    await settle();

    expect(fresh.componentInstance.vm.state().count).toBe(0);
    expect(replica.componentInstance.vm.state().count).toBe(0);
  });
});

describe("role 'elected'", () => {
  it('one instance is the Source (activeRole), and another takes over, continuing, when it is destroyed', async () => {
    const fixtures = [1, 2, 3].map(() => TestBed.createComponent(ElectedCounterComponent));
    await settle();
    const roles = () => fixtures.map((f) => f.componentInstance.vm.activeRole());
    expect(roles()).toEqual(['source', 'replica', 'replica']);
    fixtures.forEach((f) => f.componentInstance.vm.trySend({ type: 'Increment', by: 1 }));
    await settle();
    expect(fixtures.map((f) => f.componentInstance.vm.state().count)).toEqual([3, 3, 3]);

    fixtures[0]?.destroy();
    fixtures[1]?.componentInstance.vm.trySend({ type: 'Increment', by: 10 });
    await settle();
    const [, second, third] = fixtures;
    expect([second, third].map((f) => f?.componentInstance.vm.activeRole())).toEqual([
      'source',
      'replica',
    ]);
    expect(second?.componentInstance.vm.state().count).toBe(13);
    expect(third?.componentInstance.vm.state().count).toBe(13);
    second?.detectChanges();
    expect(
      (second?.nativeElement as HTMLElement).querySelector('[data-testid="active-role"]')
        ?.textContent,
    ).toBe('source');
  });

  it('an unknown start option is a clear error', () => {
    expect(() =>
      provideSyncViewModel(CounterViewModel, { role: 'source', start: 'later' as never }),
    ).toThrow(/^ballast-sync: .*start must be 'continue' or 'fresh'; got "later"/);
  });
});
