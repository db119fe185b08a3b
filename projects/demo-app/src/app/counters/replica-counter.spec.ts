import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { clickIn, counts, find, settle, renderNow } from '../../testing/demo-testing.spec-helper';
import { FlowLog } from './flow-log';
import { PropagationDelay } from './propagation-delay';
import { ReplicaCounter } from './replica-counter';
import { SourceCounter } from './source-counter';

@Component({
  imports: [SourceCounter, ReplicaCounter],
  template: `<app-source-counter /><app-replica-counter [index]="2" /><app-replica-counter
      [index]="3"
    />`,
})
class Host {}

describe('ReplicaCounter', () => {
  beforeEach(() => TestBed.configureTestingModule({ providers: [FlowLog] }));

  it('is a Replica named and test-id’d after its index', async () => {
    TestBed.inject(PropagationDelay).set(0);
    const fixture = TestBed.createComponent(Host);
    await settle(fixture);
    const replica = find(fixture, '[data-testid="counter-replica-2"]');
    expect(find(replica, '.role-badge').textContent).toBe('replica');
    expect(find(replica, 'h3').textContent).toBe('Replica 2');
  });

  it('forwards its Inputs to the Source, whose State reaches the other Replica', async () => {
    TestBed.inject(PropagationDelay).set(0);
    const fixture = TestBed.createComponent(Host);
    await settle(fixture);
    clickIn(fixture, 'counter-replica-2', '[data-testid="increment"]');
    clickIn(fixture, 'counter-replica-2', '[data-testid="increment"]');
    clickIn(fixture, 'counter-replica-3', '[data-testid="decrement"]');
    await settle(fixture);
    expect(counts(fixture)).toEqual({
      'counter-source': '1',
      'counter-replica-2': '1',
      'counter-replica-3': '1',
    });
  });

  it('applies its Input at once and forwards it after the propagation delay', async () => {
    const delay = TestBed.inject(PropagationDelay);
    delay.set(0);
    const fixture = TestBed.createComponent(Host);
    await settle(fixture);
    delay.set(80);
    clickIn(fixture, 'counter-replica-2', '[data-testid="increment"]');
    renderNow(fixture);
    expect(counts(fixture)).toEqual({
      'counter-source': '0',
      'counter-replica-2': '1',
      'counter-replica-3': '0',
    });
    // whenStable() waits for the whole round trip, the delay included.
    await settle(fixture);
    expect(counts(fixture)).toEqual({
      'counter-source': '1',
      'counter-replica-2': '1',
      'counter-replica-3': '1',
    });
  });
});
