import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { clickIn, counts, find, settle, renderNow } from '../../testing/demo-testing.spec-helper';
import { FlowLog } from './flow-log';
import { PropagationDelay } from './propagation-delay';
import { ReplicaCounter } from './replica-counter';
import { SourceCounter } from './source-counter';

@Component({
  imports: [SourceCounter, ReplicaCounter],
  template: `<app-source-counter /><app-replica-counter [index]="1" />`,
})
class Host {}

describe('SourceCounter', () => {
  beforeEach(() => TestBed.configureTestingModule({ providers: [FlowLog] }));

  it('is the Source, with test id counter-source', async () => {
    TestBed.inject(PropagationDelay).set(0);
    const fixture = TestBed.createComponent(Host);
    await settle(fixture);
    const source = find(fixture, '[data-testid="counter-source"]');
    expect(find(source, '.role-badge').textContent).toBe('source');
    expect(find(source, 'h3').textContent).toBe('Source');
  });

  it('publishes its changes to the Replica', async () => {
    TestBed.inject(PropagationDelay).set(0);
    const fixture = TestBed.createComponent(Host);
    await settle(fixture);
    clickIn(fixture, 'counter-source', '[data-testid="increment"]');
    await settle(fixture);
    expect(counts(fixture)).toEqual({ 'counter-source': '1', 'counter-replica-1': '1' });
  });

  it('publishes its States after the propagation delay', async () => {
    const delay = TestBed.inject(PropagationDelay);
    delay.set(0);
    const fixture = TestBed.createComponent(Host);
    await settle(fixture);
    delay.set(80);
    clickIn(fixture, 'counter-source', '[data-testid="increment"]');
    renderNow(fixture);
    expect(counts(fixture)).toEqual({ 'counter-source': '1', 'counter-replica-1': '0' });
    await settle(fixture); // waits for the delayed publication
    expect(counts(fixture)).toEqual({ 'counter-source': '1', 'counter-replica-1': '1' });
  });
});
