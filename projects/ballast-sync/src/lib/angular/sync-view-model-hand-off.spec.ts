import { Component, inject, makeStateKey, TransferState } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideBallastSync, provideSyncViewModel, withTransferState } from 'ballast-sync';
import {
  CounterViewModel,
  ReplicaCounterComponent,
  settle,
  SourceCounterComponent,
  type CounterState,
} from '../../spec/counter.fixtures';

describe('initialState on the per-component options', () => {
  it('a Source starts from the given State (a value or a factory) and publishes it', async () => {
    let calls = 0;
    @Component({
      selector: 'bs-stored-source',
      template: '',
      providers: [
        provideSyncViewModel(CounterViewModel, {
          role: 'source',
          initialState: () => (calls++, { count: 41, label: 'from storage' }),
        }),
      ],
    })
    class StoredSourceComponent {
      readonly vm = inject(CounterViewModel);
    }
    const source = TestBed.createComponent(StoredSourceComponent).componentInstance.vm;
    const replica = TestBed.createComponent(ReplicaCounterComponent).componentInstance.vm;
    await settle();

    expect(calls).toBe(1);
    expect(source.state()).toEqual({ count: 41, label: 'from storage' });
    expect(replica.state()).toEqual({ count: 41, label: 'from storage' });
  });

  it('an undefined initialState, or a factory that throws, is a clear error', () => {
    expect(() =>
      provideSyncViewModel(CounterViewModel, { role: 'source', initialState: undefined }),
    ).toThrow(/^ballast-sync: provideSyncViewModel\(CounterViewModel\): initialState is undefined/);
    @Component({
      selector: 'bs-broken-source',
      template: '',
      providers: [
        provideSyncViewModel(CounterViewModel, {
          role: 'source',
          initialState: () => {
            throw new Error('storage is empty');
          },
        }),
      ],
    })
    class BrokenSourceComponent {
      readonly vm = inject(CounterViewModel);
    }
    expect(() => TestBed.createComponent(BrokenSourceComponent)).toThrow(
      /^ballast-sync: the initialState factory of CounterViewModel threw: storage is empty/,
    );
  });
});

describe('withTransferState(), in the browser', () => {
  const key = makeStateKey<CounterState>('ballast-sync:counter');

  it('every instance of a channel starts from the State the server rendered', async () => {
    TestBed.configureTestingModule({ providers: [provideBallastSync(withTransferState())] });
    TestBed.inject(TransferState).set(key, { count: 5, label: 'server' });
    const replica = TestBed.createComponent(ReplicaCounterComponent);
    // The first paint, before any sync: already the server's State.
    replica.detectChanges();
    expect(replica.nativeElement.querySelector('[data-testid="count"]').textContent).toBe('5');
    const source = TestBed.createComponent(SourceCounterComponent).componentInstance.vm;
    await settle();

    expect(source.state().count).toBe(5);
    expect(replica.componentInstance.vm.state().count).toBe(5);
  });

  it('without the feature, the transferred State is not used', () => {
    TestBed.inject(TransferState).set(key, { count: 5, label: 'server' });
    const source = TestBed.createComponent(SourceCounterComponent).componentInstance.vm;
    expect(source.state().count).toBe(0);
  });
});
