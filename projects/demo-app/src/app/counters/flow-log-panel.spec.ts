import { TestBed } from '@angular/core/testing';
import type { SyncNotification } from 'ballast-sync';
import { Subject } from 'rxjs';
import { find, texts } from '../../testing/demo-testing.spec-helper';
import type { CounterInput, CounterState, CounterViewModel } from './counter-view-model';
import { FlowLog } from './flow-log';
import { FlowLogPanel } from './flow-log-panel';

describe('FlowLogPanel', () => {
  function setUp() {
    TestBed.configureTestingModule({ providers: [FlowLog] });
    const notifications = new Subject<SyncNotification<CounterInput, CounterState>>();
    const viewModel = {
      observeSyncNotifications: () => notifications.asObservable(),
    } as unknown as CounterViewModel;
    TestBed.runInInjectionContext(() => TestBed.inject(FlowLog).track(viewModel, () => 'Source'));
    return { fixture: TestBed.createComponent(FlowLogPanel), notifications };
  }

  it('says so while nothing travelled', async () => {
    const { fixture } = setUp();
    await fixture.whenStable();
    expect(texts(fixture, 'li')).toEqual(['Nothing yet: click a counter.']);
  });

  it('shows each entry with its time, kind and text, newest first', async () => {
    const { fixture, notifications } = setUp();
    const input = {
      protocol: 1 as const,
      id: 'r1:1',
      clientId: 'r1',
      incarnation: 'r1',
      seq: 1,
      firstUnacknowledged: 1,
      to: 's1',
      seen: 1,
    };
    notifications.next({
      type: 'InputReceived',
      input: { ...input, input: { type: 'Increment' } },
      duplicate: false,
    });
    notifications.next({
      type: 'StatePublished',
      state: {
        protocol: 1,
        sourceId: 's',
        incarnation: 's1',
        version: 2,
        state: { count: 1 },
        acks: {},
      },
      republished: false,
    });
    await fixture.whenStable();

    const entries = fixture.nativeElement.querySelectorAll('[data-testid="flow-entry"]');
    expect(Array.from(entries, (e: Element) => e.getAttribute('data-kind'))).toEqual([
      'published',
      'received',
    ]);
    expect(texts(fixture, '.kind')).toEqual(['State', 'Input']);
    expect(texts(fixture, '.text')).toEqual([
      'Source → all: State v2 (count 1)',
      'Source ← client r1: Increment #1',
    ]);
    expect(find(fixture, 'time').textContent).toMatch(/^\d\d:\d\d:\d\d\.\d\d\d$/);
  });
});
