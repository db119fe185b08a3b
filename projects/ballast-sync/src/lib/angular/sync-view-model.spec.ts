import {
  Component,
  createEnvironmentInjector,
  effect,
  EnvironmentInjector,
  inject,
  Injectable,
  InjectionToken,
  Injector,
  runInInjectionContext,
  signal,
} from '@angular/core';
import { TestBed, type ComponentFixture } from '@angular/core/testing';
import {
  BALLAST_SYNC_TRANSPORT,
  DefaultSyncConnection,
  InMemorySyncTransport,
  provideBallastSync,
  provideSyncViewModel,
  type SyncConnection,
  withInMemoryAdapter,
  withSyncConnection,
  withSyncTransport,
} from 'ballast-sync';
import {
  CounterViewModel,
  OtherCounterViewModel,
  ReplicaCounterComponent,
  settle,
  SourceCounterComponent,
  SpectatorCounterComponent,
} from '../../spec/counter.fixtures';

@Component({
  selector: 'bs-host',
  imports: [SourceCounterComponent, ReplicaCounterComponent, SpectatorCounterComponent],
  template: ` <bs-source-counter testId="source" />
    @for (i of replicas; track i) {
      <bs-replica-counter [testId]="'replica-' + i" />
    }
    @for (i of spectators; track i) {
      <bs-spectator-counter [testId]="'spectator-' + i" />
    }`,
})
class HostComponent {
  readonly replicas = [1, 2, 3];
  readonly spectators = [1, 2];
}

function counts(fixture: ComponentFixture<unknown>): Record<string, string> {
  const element = fixture.nativeElement as HTMLElement;
  return Object.fromEntries(
    Array.from(
      element.querySelectorAll<HTMLElement>(
        '[data-testid^="source"], [data-testid^="replica"], [data-testid^="spectator"]',
      ),
    ).map((counter) => [
      counter.dataset['testid'] as string,
      counter.querySelector('[data-testid="count"]')?.textContent?.trim() ?? '',
    ]),
  );
}

function click(fixture: ComponentFixture<unknown>, testId: string): void {
  const element = fixture.nativeElement as HTMLElement;
  element
    .querySelector<HTMLButtonElement>(`[data-testid="${testId}"] [data-testid="increment"]`)
    ?.click();
}

async function render(): Promise<ComponentFixture<HostComponent>> {
  const fixture = TestBed.createComponent(HostComponent);
  await settle();
  await fixture.whenStable();
  return fixture;
}

async function stable(fixture: ComponentFixture<unknown>): Promise<void> {
  await settle();
  await fixture.whenStable();
}

describe('SyncViewModel in components (zoneless, OnPush)', () => {
  it('renders every role and shows a Replica click in every counter', async () => {
    const fixture = await render();
    expect(Object.values(counts(fixture))).toEqual(['0', '0', '0', '0', '0', '0']);

    click(fixture, 'replica-2');
    await stable(fixture);

    expect(counts(fixture)).toEqual({
      source: '1',
      'replica-1': '1',
      'replica-2': '1',
      'replica-3': '1',
      'spectator-1': '1',
      'spectator-2': '1',
    });
    const ids = fixture.debugElement.children.map(
      (child) => (child.componentInstance as SourceCounterComponent).vm.clientId,
    );
    expect(new Set(ids).size).toBe(6);
    const roles = Array.from(
      (fixture.nativeElement as HTMLElement).querySelectorAll('[data-testid="role"]'),
      (e) => e.textContent,
    );
    expect(roles).toEqual(['source', 'replica', 'replica', 'replica', 'spectator', 'spectator']);
  });

  it("keeps a Spectator's local change local until the Source changes", async () => {
    const fixture = await render();
    click(fixture, 'spectator-1');
    click(fixture, 'spectator-1');
    await stable(fixture);
    expect(counts(fixture)).toMatchObject({
      source: '0',
      'replica-1': '0',
      'spectator-1': '2',
      'spectator-2': '0',
    });

    click(fixture, 'source');
    await stable(fixture);
    expect(new Set(Object.values(counts(fixture)))).toEqual(new Set(['1']));
  });

  it('works with provideBallastSync(withInMemoryAdapter()) as with the root default', async () => {
    TestBed.configureTestingModule({ providers: [provideBallastSync(withInMemoryAdapter())] });
    const fixture = await render();
    click(fixture, 'replica-1');
    click(fixture, 'source');
    await stable(fixture);
    expect(new Set(Object.values(counts(fixture)))).toEqual(new Set(['2']));
  });

  it('keeps two ViewModel types apart even on one transport', async () => {
    const parent = TestBed.inject(EnvironmentInjector);
    const injectorFor = (providers: Parameters<typeof createEnvironmentInjector>[0]) =>
      createEnvironmentInjector(providers, parent);
    const counterSource = injectorFor([
      provideSyncViewModel(CounterViewModel, { role: 'source' }),
    ]).get(CounterViewModel);
    const otherSource = injectorFor([
      provideSyncViewModel(OtherCounterViewModel, { role: 'source' }),
    ]).get(OtherCounterViewModel);
    const otherReplica = injectorFor([
      provideSyncViewModel(OtherCounterViewModel, { role: 'replica' }),
    ]).get(OtherCounterViewModel);

    otherReplica.trySend({ type: 'Increment', by: 5 });
    await settle();

    expect(counterSource.state().count).toBe(0);
    expect(otherSource.state().count).toBe(105);
    expect(
      Object.keys((TestBed.inject(BALLAST_SYNC_TRANSPORT) as InMemorySyncTransport).stats()).sort(),
    ).toEqual(['counter', 'other-counter']);
  });
});

describe('SyncViewModel lifecycle', () => {
  it('clears its ViewModel when the component is destroyed; sending afterwards is a clear error', async () => {
    const fixture = TestBed.createComponent(ReplicaCounterComponent);
    await stable(fixture);
    const vm = fixture.componentInstance.vm;
    expect(vm.status()).toBe('waiting-for-source');

    fixture.destroy();

    expect(vm.status()).toBe('disconnected');
    expect(() => vm.trySend({ type: 'Increment', by: 1 })).toThrow(
      /^ballast-sync: trySend\(\) was called on ViewModel "counter" after it was cleared/,
    );
    await expect(vm.send({ type: 'Increment', by: 1 })).rejects.toThrow(/^ballast-sync: /);
  });

  it('is cleared when its injector is destroyed, whether or not a subclass ngOnDestroy() calls super', async () => {
    const log: string[] = [];
    @Injectable()
    class ForgetfulViewModel extends CounterViewModel {
      override ngOnDestroy(): void {
        log.push('forgetful'); // does not call super.ngOnDestroy()
      }
    }
    @Injectable()
    class PoliteViewModel extends CounterViewModel {
      override ngOnDestroy(): void {
        log.push('polite');
        super.ngOnDestroy();
      }
    }
    @Component({
      selector: 'bs-subclassed',
      template: '',
      providers: [
        provideSyncViewModel(ForgetfulViewModel, { role: 'replica' }),
        provideSyncViewModel(PoliteViewModel, { role: 'spectator' }),
      ],
    })
    class SubclassedComponent {
      readonly forgetful = inject(ForgetfulViewModel);
      readonly polite = inject(PoliteViewModel);
    }
    const fixture = TestBed.createComponent(SubclassedComponent);
    await stable(fixture);
    const { forgetful, polite } = fixture.componentInstance;
    const environment = TestBed.inject(EnvironmentInjector);
    const plain = Injector.create({
      providers: provideSyncViewModel(CounterViewModel, { role: 'replica' }),
      parent: environment,
    }).get(CounterViewModel);
    const injector = Injector.create({
      providers: provideSyncViewModel(ForgetfulViewModel, { role: 'replica' }),
      parent: environment,
    });
    const inInjector = injector.get(ForgetfulViewModel);

    fixture.destroy();
    injector.destroy();

    expect(log.sort()).toEqual(['forgetful', 'forgetful', 'polite']);
    for (const vm of [forgetful, polite, inInjector]) {
      expect(vm.status()).toBe('disconnected');
      expect(() => vm.trySend({ type: 'Increment', by: 1 })).toThrow(/after it was cleared/);
    }
    expect(plain.trySend({ type: 'Increment', by: 1 })).toBe(true); // its injector lives on
    const transport = TestBed.inject(BALLAST_SYNC_TRANSPORT) as InMemorySyncTransport;
    expect(transport.stats()['counter']?.stateReaders).toBe(1);
  });

  it('leaves no subscription behind after thousands of create/destroy cycles', async () => {
    const transport = TestBed.inject(BALLAST_SYNC_TRANSPORT) as InMemorySyncTransport;
    const source = TestBed.createComponent(SourceCounterComponent);
    await stable(source);
    for (let i = 0; i < 2000; i++) {
      const fixture = TestBed.createComponent(
        i % 2 === 0 ? ReplicaCounterComponent : SpectatorCounterComponent,
      );
      fixture.componentInstance.vm.trySend({ type: 'Increment', by: 1 });
      fixture.destroy();
    }
    await settle();
    expect(transport.stats()['counter']).toEqual({
      sources: 1,
      stateReaders: 0,
      linkObservers: 1, // the Source's own
      hasCurrentState: true,
      queuedDeliveries: 0,
    });

    source.destroy();
    // The channel is released once its last participant left.
    expect(transport.stats()['counter']).toBeUndefined();
  });

  it('reports its sync status as a signal', async () => {
    const replica = TestBed.createComponent(ReplicaCounterComponent);
    await stable(replica);
    expect(replica.componentInstance.vm.status()).toBe('waiting-for-source');
    const source = TestBed.createComponent(SourceCounterComponent);
    await stable(replica);
    expect(source.componentInstance.vm.status()).toBe('connected');
    expect(replica.componentInstance.vm.status()).toBe('connected');
  });
});

describe('select()', () => {
  it('derives a signal that changes only when its slice changes', async () => {
    const source = TestBed.createComponent(SourceCounterComponent).componentInstance.vm;
    const label = source.select((s) => s.label);
    const seen: string[] = [];
    const injector = TestBed.inject(Injector);
    effect(() => seen.push(label()), { injector });
    TestBed.tick();

    source.trySend({ type: 'Increment', by: 1 });
    TestBed.tick();
    source.trySend({ type: 'Increment', by: 1 });
    TestBed.tick();
    source.trySend({ type: 'Rename', label: 'renamed' });
    TestBed.tick();

    expect(source.state().count).toBe(2);
    expect(seen).toEqual(['counter', 'renamed']);
  });

  it('accepts a custom equality', () => {
    const source = TestBed.createComponent(SourceCounterComponent).componentInstance.vm;
    const parity = source.select((s) => ({ even: s.count % 2 === 0 }), {
      equal: (a, b) => a.even === b.even,
    });
    const first = parity();
    source.trySend({ type: 'Increment', by: 2 });
    expect(parity()).toBe(first);
    source.trySend({ type: 'Increment', by: 1 });
    expect(parity()).toEqual({ even: false });
  });
});

describe('events', () => {
  it('delivers Events to onEvent handlers, buffering them while there are none', async () => {
    const vm = TestBed.createComponent(SourceCounterComponent).componentInstance.vm;
    vm.trySend({ type: 'Announce', message: 'early' });
    const received: string[] = [];
    const ref = vm.onEvent((e) => received.push(e.message), { injector: TestBed.inject(Injector) });
    vm.trySend({ type: 'Announce', message: 'late' });
    await vm.whenIdle();
    expect(received).toEqual(['early', 'late']);
    ref.destroy();
  });

  it('onEvent outside an injection context and without an injector is a clear error', () => {
    const vm = TestBed.createComponent(SourceCounterComponent).componentInstance.vm;
    expect(() => vm.onEvent(() => undefined)).toThrow(
      /^ballast-sync: onEvent\(\) must be called in an injection context .* or be given \{ injector \}/,
    );
  });

  it('onEvent with an injector that is already destroyed is a clear error, and subscribes nothing', async () => {
    const vm = TestBed.createComponent(SourceCounterComponent).componentInstance.vm;
    const gone = createEnvironmentInjector([], TestBed.inject(EnvironmentInjector));
    gone.destroy();
    const received: string[] = [];
    expect(() => vm.onEvent((e) => received.push(e.message), { injector: gone })).toThrow(
      /^ballast-sync: onEvent\(\) on counter was given an injector that is already destroyed/,
    );
    vm.trySend({ type: 'Announce', message: 'nobody listens' });
    await vm.whenIdle();
    expect(received).toEqual([]);
  });

  it('a child toggled 20 times delivers one Event once, not 21 times', async () => {
    const vm = TestBed.createComponent(SourceCounterComponent).componentInstance.vm;
    const received: string[] = [];
    for (let i = 0; i < 20; i++) {
      const child = createEnvironmentInjector([], TestBed.inject(EnvironmentInjector));
      runInInjectionContext(child, () => vm.onEvent((e) => received.push(e.message)));
      child.destroy();
    }
    const last = createEnvironmentInjector([], TestBed.inject(EnvironmentInjector));
    runInInjectionContext(last, () => vm.onEvent((e) => received.push(e.message)));
    vm.trySend({ type: 'Announce', message: 'once' });
    await vm.whenIdle();
    expect(received).toEqual(['once']);
    last.destroy();
  });

  it('detaches an onEvent handler when its injector is destroyed', async () => {
    const vm = TestBed.createComponent(SourceCounterComponent).componentInstance.vm;
    const owner = createEnvironmentInjector([], TestBed.inject(EnvironmentInjector));
    const received: string[] = [];
    vm.onEvent((e) => received.push(e.message), { injector: owner });
    vm.trySend({ type: 'Announce', message: 'one' });
    await settle();
    owner.destroy();
    vm.trySend({ type: 'Announce', message: 'two' });
    await settle();
    expect(received).toEqual(['one']);
    const late: string[] = [];
    vm.onEvent((e) => late.push(e.message), { injector: TestBed.inject(Injector) });
    await settle();
    expect(late).toEqual(['two']); // buffered while nobody listened, delivered once
  });
});

describe('misuse', () => {
  it('rejects a role that is not one of the three', () => {
    expect(() => provideSyncViewModel(CounterViewModel, { role: 'boss' as never })).toThrow(
      /^ballast-sync: provideSyncViewModel\(CounterViewModel\): role must be one of 'source', 'replica', 'spectator', 'elected'; got "boss"/,
    );
  });

  it('checks options given as a factory when the ViewModel is created', () => {
    TestBed.configureTestingModule({
      providers: [provideSyncViewModel(CounterViewModel, () => ({ role: 'judge' as never }))],
    });
    expect(() => TestBed.inject(CounterViewModel)).toThrow(
      /^ballast-sync: provideSyncViewModel\(CounterViewModel\): role must be one of/,
    );
  });

  it('rejects a class that is not a SyncViewModel', () => {
    class NotAViewModel {}
    expect(() => provideSyncViewModel(NotAViewModel as never, { role: 'replica' })).toThrow(
      /^ballast-sync: provideSyncViewModel\(\) needs a class that extends SyncViewModel; NotAViewModel does not/,
    );
  });

  it('explains how to provide a SyncViewModel created without a role', () => {
    TestBed.configureTestingModule({ providers: [CounterViewModel] });
    expect(() => TestBed.inject(CounterViewModel)).toThrow(
      /provideSyncViewModel\(CounterViewModel, \{ role:/,
    );
  });

  it('warns in dev mode, naming the channel, when a second Source takes over', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const first = TestBed.createComponent(SourceCounterComponent);
    TestBed.createComponent(SourceCounterComponent);
    await settle();
    expect(first.componentInstance.vm.status()).toBe('superseded');
    expect(warn).toHaveBeenCalledWith(
      expect.stringMatching(/^ballast-sync: the Source of channel "counter" was superseded/),
    );
    warn.mockRestore();
  });

  it('validates provideBallastSync features', () => {
    expect(() => provideBallastSync({} as never)).toThrow(
      /^ballast-sync: provideBallastSync\(\) takes features/,
    );
    expect(() => provideBallastSync(withInMemoryAdapter(), withInMemoryAdapter())).toThrow(
      /two transport features/,
    );
  });
});

describe('custom transport and connection through DI', () => {
  it('takes options from a factory run in the injection context', () => {
    const ROLE = new InjectionToken<'spectator'>('role');
    TestBed.configureTestingModule({
      providers: [
        { provide: ROLE, useValue: 'spectator' },
        provideSyncViewModel(CounterViewModel, () => ({ role: inject(ROLE) })),
      ],
    });
    expect(TestBed.inject(CounterViewModel).role).toBe('spectator');
  });

  it('uses the transport given by withSyncTransport', async () => {
    const custom = new InMemorySyncTransport();
    TestBed.configureTestingModule({
      providers: [provideBallastSync(withSyncTransport(() => custom))],
    });
    const fixture = TestBed.createComponent(SourceCounterComponent);
    await stable(fixture);
    expect(custom.stats()['counter']?.sources).toBe(1);
  });

  it('follows a connection of its own kind through its Observables (status, state, stability)', async () => {
    // Not a DefaultSyncConnection: the SyncViewModel observes it as any SyncConnection.
    const wrap = <I, E, S>(inner: DefaultSyncConnection<I, E, S>): SyncConnection<I, E, S> => ({
      clientType: inner.clientType,
      clientId: inner.clientId,
      connect: (scope, notifications) => inner.connect(scope, notifications),
      observeStatus: () => inner.observeStatus(),
      observeSyncNotifications: () => inner.observeSyncNotifications(),
      isSynced: () => inner.isSynced(),
      whenSynced: () => inner.whenSynced(),
    });
    TestBed.configureTestingModule({
      providers: [
        provideBallastSync(
          withSyncConnection((options) => wrap(new DefaultSyncConnection(options))),
        ),
      ],
    });
    const replica = TestBed.createComponent(ReplicaCounterComponent);
    await stable(replica);
    const vm = replica.componentInstance.vm;
    expect(vm.status()).toBe('waiting-for-source');

    const source = TestBed.createComponent(SourceCounterComponent);
    vm.trySend({ type: 'Increment', by: 2 });
    await source.whenStable(); // stability follows the wrapped connection's notifications
    await stable(replica);
    expect(vm.status()).toBe('connected');
    expect(vm.state().count).toBe(2);
    expect(source.componentInstance.vm.state().count).toBe(2);

    replica.destroy();
    expect(vm.status()).toBe('disconnected');
  });

  it('uses the connection factory given by withSyncConnection', async () => {
    const channels = signal<string[]>([]);
    TestBed.configureTestingModule({
      providers: [
        provideBallastSync(
          withSyncConnection((options) => {
            channels.update((c) => [...c, `${options.channel}:${options.clientType}`]);
            return new DefaultSyncConnection(options);
          }),
        ),
      ],
    });
    TestBed.createComponent(SpectatorCounterComponent);
    expect(channels()).toEqual(['counter:spectator']);
  });
});
