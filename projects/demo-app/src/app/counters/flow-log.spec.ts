import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { clickIn, settle } from '../../testing/demo-testing.spec-helper';
import { FlowLog } from './flow-log';
import { PropagationDelay } from './propagation-delay';
import { ReplicaCounter } from './replica-counter';
import { SourceCounter } from './source-counter';

@Component({
  imports: [SourceCounter, ReplicaCounter],
  template: `<app-source-counter /><app-replica-counter [index]="1" />`,
  providers: [FlowLog],
})
class Host {}

describe('FlowLog', () => {
  async function setUp() {
    TestBed.inject(PropagationDelay).set(0);
    const fixture = TestBed.createComponent(Host);
    await settle(fixture);
    return { fixture, log: fixture.debugElement.injector.get(FlowLog) };
  }

  it('records what travels, newest first, from the real notifications', async () => {
    const { fixture, log } = await setUp();
    expect(log.entries().map((e) => e.text)).toEqual(['Source → all: State v1 (count 0)']);

    clickIn(fixture, 'counter-replica-1', '[data-testid="increment"]');
    await settle(fixture);

    expect(log.entries().map((e) => [e.kind, e.text])).toEqual([
      ['acknowledged', 'Replica 1: Source acknowledged up to #1'],
      ['published', 'Source → all: State v2 (count 1), acks Replica 1 #1'],
      ['received', 'Source ← Replica 1: Increment #1'],
      ['forwarded', 'Replica 1 → Source: Increment #1'],
      ['published', 'Source → all: State v1 (count 0)'],
    ]);
    expect(log.entries()[0]?.time).toMatch(/^\d\d:\d\d:\d\d\.\d\d\d$/);
  });

  it(`keeps the last ${FlowLog.SIZE} entries`, async () => {
    const { fixture, log } = await setUp();
    for (let i = 0; i < 5; i++) {
      clickIn(fixture, 'counter-replica-1', '[data-testid="increment"]');
      await settle(fixture);
    }
    expect(log.entries()).toHaveLength(FlowLog.SIZE);
    expect(log.entries()[0]?.text).toBe('Replica 1: Source acknowledged up to #5');
    const ids = log.entries().map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
  });
});
