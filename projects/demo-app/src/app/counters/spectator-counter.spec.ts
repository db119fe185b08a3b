import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { clickIn, counts, find, settle } from '../../testing/demo-testing.spec-helper';
import { FlowLog } from './flow-log';
import { PropagationDelay } from './propagation-delay';
import { SourceCounter } from './source-counter';
import { SpectatorCounter } from './spectator-counter';

@Component({
  imports: [SourceCounter, SpectatorCounter],
  template: `<app-source-counter /><app-spectator-counter [index]="1" /><app-spectator-counter
      [index]="2"
    />`,
})
class Host {}

describe('SpectatorCounter', () => {
  beforeEach(async () => {
    TestBed.configureTestingModule({ providers: [FlowLog] });
    TestBed.inject(PropagationDelay).set(0);
  });

  it('is a Spectator named and test-id’d after its index', async () => {
    const fixture = TestBed.createComponent(Host);
    await settle(fixture);
    const spectator = find(fixture, '[data-testid="counter-spectator-2"]');
    expect(find(spectator, '.role-badge').textContent).toBe('spectator');
    expect(find(spectator, 'h3').textContent).toBe('Spectator 2');
  });

  it('keeps its Inputs local until the next State of the Source overwrites them', async () => {
    const fixture = TestBed.createComponent(Host);
    await settle(fixture);
    clickIn(fixture, 'counter-spectator-1', '[data-testid="increment"]');
    clickIn(fixture, 'counter-spectator-1', '[data-testid="increment"]');
    await settle(fixture);
    expect(counts(fixture)).toEqual({
      'counter-source': '0',
      'counter-spectator-1': '2',
      'counter-spectator-2': '0',
    });

    clickIn(fixture, 'counter-source', '[data-testid="decrement"]');
    await settle(fixture);
    expect(counts(fixture)).toEqual({
      'counter-source': '-1',
      'counter-spectator-1': '-1',
      'counter-spectator-2': '-1',
    });
  });
});
