import { Component, Injectable, Injector, inject } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import {
  provideBallastSync,
  provideSyncViewModel,
  SyncViewModel,
  withStabilityTimeout,
} from 'ballast-sync';
import {
  counterHandler,
  CounterViewModel,
  ReplicaCounterComponent,
  SourceCounterComponent,
  type CounterEvent,
  type CounterInput,
  type CounterState,
} from '../../spec/counter.fixtures';

/** A counter whose Source takes its time (or never settles, for a negative delay). */
@Injectable()
class SlowCounterViewModel extends SyncViewModel<CounterInput, CounterEvent, CounterState> {
  constructor() {
    super({
      name: 'slow-counter',
      initialState: { count: 0, label: 'slow' },
      inputHandler: async (input, scope) => {
        if (input.type !== 'Increment') return counterHandler(input, scope);
        if (input.by < 0) return new Promise<void>(() => undefined); // never settles
        await new Promise((resolve) => setTimeout(resolve, 30));
        scope.updateState((s) => ({ ...s, count: s.count + input.by }));
      },
    });
  }
}

@Component({
  selector: 'bs-slow-source',
  template: '{{ vm.state().count }}',
  providers: [provideSyncViewModel(SlowCounterViewModel, { role: 'source' })],
})
class SlowSourceComponent {
  readonly vm = inject(SlowCounterViewModel);
}

describe('Angular knows sync is in flight (PendingTasks)', () => {
  it('whenStable() waits until a Replica’s Input reached the Source and every instance shows it', async () => {
    const source = TestBed.createComponent(SourceCounterComponent);
    const replicas = [1, 2].map(() => TestBed.createComponent(ReplicaCounterComponent));
    await source.whenStable();
    replicas[0]?.componentInstance.vm.trySend({ type: 'Increment', by: 5 });
    await source.whenStable();

    expect(source.componentInstance.vm.state().count).toBe(5);
    expect(replicas.map((r) => r.componentInstance.vm.state().count)).toEqual([5, 5]);
    expect(source.nativeElement.querySelector('[data-testid="count"]').textContent).toBe('5');
  });

  it('whenStable() waits for an async handler, and whenSynced() too', async () => {
    const source = TestBed.createComponent(SlowSourceComponent);
    await source.whenStable();
    source.componentInstance.vm.trySend({ type: 'Increment', by: 2 });
    await source.whenStable();
    expect(source.componentInstance.vm.state().count).toBe(2);

    source.componentInstance.vm.trySend({ type: 'Increment', by: 3 });
    await source.componentInstance.vm.whenSynced();
    expect(source.componentInstance.vm.state().count).toBe(5);
  });

  it('a handler that never settles keeps the app unstable only until the stability timeout', async () => {
    TestBed.configureTestingModule({ providers: [provideBallastSync(withStabilityTimeout(50))] });
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const source = TestBed.createComponent(SlowSourceComponent);
      await source.whenStable();
      source.componentInstance.vm.trySend({ type: 'Increment', by: -1 });
      const started = Date.now();
      await source.whenStable();
      expect(Date.now() - started).toBeGreaterThanOrEqual(40);
      expect(warn).toHaveBeenCalledWith(
        expect.stringMatching(
          /^ballast-sync: slow-counter \(source\) kept the app unstable for 50 ms/,
        ),
      );
    } finally {
      warn.mockRestore();
    }
  });

  it('withStabilityTimeout() checks its argument', () => {
    expect(() => withStabilityTimeout(0)).toThrow(
      /^ballast-sync: withStabilityTimeout\(ms\) needs/,
    );
  });
});

describe('created during template rendering (a lazy getter in a template)', () => {
  @Component({
    selector: 'bs-lazy-replica',
    template: '<span data-testid="count">{{ lazy.state().count }}</span> {{ lazy.status() }}',
    providers: [provideSyncViewModel(CounterViewModel, { role: 'replica' })],
  })
  class LazyReplicaComponent {
    private readonly injector = inject(Injector);
    private vm: CounterViewModel | undefined;
    get lazy(): CounterViewModel {
      return (this.vm ??= this.injector.get(CounterViewModel));
    }
  }

  it('writes no signal inside the reactive context (no NG0600), and follows the Source', async () => {
    const source = TestBed.createComponent(SourceCounterComponent);
    source.componentInstance.vm.trySend({ type: 'Increment', by: 7 });
    const lazy = TestBed.createComponent(LazyReplicaComponent);
    await lazy.whenStable();

    expect(lazy.componentInstance.lazy.status()).toBe('connected');
    expect(lazy.nativeElement.textContent).toContain('7 connected');
  });
});

describe('options given as a factory', () => {
  it('a factory that throws is reported as a ballast-sync error naming the class, with the cause', () => {
    const cause = new Error('no ROLE provided');
    @Component({
      selector: 'bs-bad-options',
      template: '',
      providers: [
        provideSyncViewModel(CounterViewModel, () => {
          throw cause;
        }),
      ],
    })
    class BadOptionsComponent {
      readonly vm = inject(CounterViewModel);
    }
    let thrown: unknown;
    try {
      TestBed.createComponent(BadOptionsComponent);
    } catch (error) {
      thrown = error;
    }
    expect((thrown as Error).message).toMatch(
      /^ballast-sync: provideSyncViewModel\(CounterViewModel\): the options factory threw: no ROLE provided/,
    );
    expect((thrown as Error).cause).toBe(cause);
  });
});
