import { Component, inject, PLATFORM_ID, provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { InMemorySyncTransport } from 'ballast-sync/core';
import { BroadcastChannelSyncTransport, type BroadcastChannelLike } from 'ballast-sync/cross-tab';
import { BroadcastChannel as NodeBroadcastChannel } from 'node:worker_threads';
// A test-only fake of navigator.locks (jsdom and Node have none).
import { FakeLockManager } from '../../../cross-tab/src/fake-web-locks.spec-helper';
import { CounterViewModel } from '../../spec/counter.fixtures';
import { provideBallastSync } from './provide-ballast-sync';
import { provideSyncViewModel } from './provide-sync-view-model';
import { BALLAST_SYNC_TRANSPORT } from './sync-tokens';
import { withCrossTabTransport } from './with-cross-tab-transport';

const settle = (ms = 30) => new Promise((resolve) => setTimeout(resolve, ms));

function nodeChannel(name: string): BroadcastChannelLike {
  const port = new NodeBroadcastChannel(`with-cross-tab-transport/${name}`);
  const like: BroadcastChannelLike = {
    onmessage: null,
    postMessage: (message) => port.postMessage(message),
    close: () => port.close(),
  };
  port.onmessage = (event) => like.onmessage?.(event as unknown as MessageEvent);
  return like;
}

@Component({
  selector: 'bs-elected-counter',
  template: `{{ vm.state().count }} {{ vm.activeRole() }}`,
  providers: [provideSyncViewModel(CounterViewModel, { role: 'elected' })],
})
class ElectedCounter {
  readonly vm = inject(CounterViewModel);
}

describe('withCrossTabTransport()', () => {
  it('in the browser: a BroadcastChannelSyncTransport, whose elected instance leads, closed with its injector', async () => {
    const locks = new FakeLockManager();
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        provideBallastSync(
          withCrossTabTransport({
            namespace: 'spec',
            locks: locks.client('tab'),
            createBroadcastChannel: nodeChannel,
          }),
        ),
      ],
    });
    const transport = TestBed.inject(BALLAST_SYNC_TRANSPORT);
    expect(transport).toBeInstanceOf(BroadcastChannelSyncTransport);
    const fixture = TestBed.createComponent(ElectedCounter);
    const vm = fixture.componentInstance.vm;
    expect(vm.activeRole()).toBe('replica'); // follows until the lock is granted
    for (let i = 0; i < 20 && vm.activeRole() !== 'source'; i++) await settle(10);
    expect(vm.activeRole()).toBe('source');
    vm.trySend({ type: 'Increment', by: 2 });
    await settle();
    await fixture.whenStable();
    expect(fixture.nativeElement.textContent).toBe('2 source');
    expect(locks.heldNames().length).toBeGreaterThan(0);

    TestBed.resetTestingModule(); // destroys the component, then the environment injector
    await settle();
    expect(locks.heldNames()).toEqual([]);
    expect((transport as BroadcastChannelSyncTransport).stats()).toEqual({});
  });

  it('on the server: an InMemorySyncTransport (no BroadcastChannel is touched)', () => {
    TestBed.configureTestingModule({
      providers: [
        { provide: PLATFORM_ID, useValue: 'server' },
        provideBallastSync(
          withCrossTabTransport({
            createBroadcastChannel: () => {
              throw new Error('touched on the server');
            },
          }),
        ),
      ],
    });
    expect(TestBed.inject(BALLAST_SYNC_TRANSPORT)).toBeInstanceOf(InMemorySyncTransport);
  });

  it('refuses options that are not an object, and bad options when the transport is created', () => {
    expect(() => withCrossTabTransport(null as never)).toThrow(
      /^ballast-sync: withCrossTabTransport\(options\) takes an options object/,
    );
    TestBed.configureTestingModule({
      providers: [provideBallastSync(withCrossTabTransport({ namespace: '' }))],
    });
    expect(() => TestBed.inject(BALLAST_SYNC_TRANSPORT)).toThrow(
      /^ballast-sync: BroadcastChannelSyncTransport: namespace must be a non-empty string/,
    );
  });
});
