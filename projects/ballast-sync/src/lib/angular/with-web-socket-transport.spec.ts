import { Component, inject, PLATFORM_ID, provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { SyncedState } from 'ballast-sync/core';
import { WebSocketSyncTransport } from 'ballast-sync/websocket';
// A test-only fake WebSocket the test drives as the server.
import { fakeWebSockets } from '../../../websocket/src/fake-web-socket.spec-helper';
import { CounterViewModel, type CounterState } from '../../spec/counter.fixtures';
import { provideBallastSync, withStabilityTimeout } from './provide-ballast-sync';
import { provideSyncViewModel } from './provide-sync-view-model';
import { BALLAST_SYNC_TRANSPORT } from './sync-tokens';
import { withWebSocketTransport } from './with-web-socket-transport';

@Component({
  selector: 'bs-ws-counter',
  template: `{{ vm.state().count }} {{ vm.status() }}`,
  providers: [provideSyncViewModel(CounterViewModel, { role: 'replica' })],
})
class ReplicaCounter {
  readonly vm = inject(CounterViewModel);
}

const published = (version: number, count: number): SyncedState<CounterState> => ({
  protocol: 1,
  sourceId: 'server',
  incarnation: 'server-1',
  version,
  state: { count, label: 'from the server' },
  acks: {},
});

describe('withWebSocketTransport()', () => {
  it('in the browser: one WebSocketSyncTransport; the status says disconnected while the link is down; closed with its injector', async () => {
    const fakes = fakeWebSockets();
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        provideBallastSync(
          withWebSocketTransport({
            url: 'ws://sync.test/ballast-sync',
            WebSocket: fakes.WebSocket,
            onError: () => undefined,
          }),
        ),
      ],
    });
    expect(TestBed.inject(BALLAST_SYNC_TRANSPORT)).toBeInstanceOf(WebSocketSyncTransport);
    const fixture = TestBed.createComponent(ReplicaCounter);
    await fixture.whenStable();
    expect(fixture.nativeElement.textContent).toBe('0 disconnected');
    expect(fakes.sockets).toHaveLength(1); // opened by the first instance

    const socket = fakes.last();
    socket.accept();
    const clientId = fixture.componentInstance.vm.clientId;
    expect(socket.sentOfType('join')).toEqual([
      { type: 'join', channel: 'counter', clientId, role: 'replica' },
    ]);
    socket.receive({ type: 'joined', channel: 'counter', clientId, role: 'replica' });
    socket.receive({ type: 'state', channel: 'counter', state: published(1, 5) });
    await fixture.whenStable();
    expect(fixture.nativeElement.textContent).toBe('5 connected');

    socket.drop(1006);
    await fixture.whenStable();
    expect(fixture.nativeElement.textContent).toBe('5 disconnected');

    const transport = TestBed.inject(BALLAST_SYNC_TRANSPORT) as WebSocketSyncTransport;
    TestBed.resetTestingModule(); // destroys the component, then the environment injector
    expect(transport.stats()).toEqual({ socket: 'closed', channels: {} });
    await new Promise((resolve) => setTimeout(resolve, 600)); // past the first reconnect wait
    expect(fakes.sockets).toHaveLength(1); // it stopped reconnecting
  });

  it('on the server: never connects, renders the initial State as disconnected, and is stable at once', async () => {
    const WebSocket = jest.fn(() => {
      throw new Error('connected during a server render');
    });
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        { provide: PLATFORM_ID, useValue: 'server' },
        provideBallastSync(
          withWebSocketTransport({
            url: 'wss://sync.test/ballast-sync',
            WebSocket: WebSocket as never,
          }),
        ),
      ],
    });
    expect(TestBed.inject(BALLAST_SYNC_TRANSPORT)).not.toBeInstanceOf(WebSocketSyncTransport);
    const fixture = TestBed.createComponent(ReplicaCounter);
    const started = Date.now();
    await fixture.whenStable();
    expect(Date.now() - started).toBeLessThan(500);
    expect(fixture.nativeElement.textContent).toBe('0 disconnected');
    expect(WebSocket).not.toHaveBeenCalled();
  });

  it('on the server, an Input sent during the render holds it for the stability timeout at most', async () => {
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        { provide: PLATFORM_ID, useValue: 'server' },
        provideBallastSync(
          withWebSocketTransport({ url: 'wss://sync.test/ballast-sync' }),
          withStabilityTimeout(50),
        ),
      ],
    });
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const fixture = TestBed.createComponent(ReplicaCounter);
      fixture.componentInstance.vm.trySend({ type: 'Increment', by: 2 });
      await fixture.whenStable();
      expect(fixture.nativeElement.textContent).toBe('2 disconnected'); // applied locally
    } finally {
      warn.mockRestore();
    }
  });

  it('refuses bad options when the feature is made, on every platform', () => {
    expect(() => withWebSocketTransport(null as never)).toThrow(
      /^ballast-sync: withWebSocketTransport\(options\) takes an options object/,
    );
    expect(() => withWebSocketTransport({ url: '' })).toThrow(
      /^ballast-sync: WebSocketSyncTransport: url must be the sync server's address/,
    );
  });
});
