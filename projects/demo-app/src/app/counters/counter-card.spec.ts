import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideSyncViewModel } from 'ballast-sync';
import { find, settle } from '../../testing/demo-testing.spec-helper';
import { CounterCard } from './counter-card';
import { CounterViewModel } from './counter-view-model';
import { FlowLog } from './flow-log';

@Component({
  imports: [CounterCard],
  template: `<app-counter-card title="The Source" />`,
  providers: [provideSyncViewModel(CounterViewModel, { role: 'source' })],
})
class SourceHost {}

@Component({
  imports: [CounterCard],
  template: `<app-counter-card title="A Replica" />`,
  providers: [provideSyncViewModel(CounterViewModel, { role: 'replica' })],
})
class ReplicaHost {}

describe('CounterCard', () => {
  beforeEach(() => TestBed.configureTestingModule({ providers: [FlowLog] }));

  it('shows its title, role, count and sync status', async () => {
    const fixture = TestBed.createComponent(SourceHost);
    await settle(fixture);
    const card = find(fixture, 'app-counter-card');
    expect(find(card, 'h3').textContent).toBe('The Source');
    expect(find(card, '.role-badge').textContent).toBe('source');
    expect(card.classList).toContain('role-source');
    expect(find(card, '[data-testid="count"]').textContent).toBe('0');
    expect(find(card, '.status').textContent).toBe('connected');
  });

  it('sends Increment and Decrement from its buttons', async () => {
    const fixture = TestBed.createComponent(SourceHost);
    await settle(fixture);
    find(fixture, '[data-testid="increment"]').click();
    find(fixture, '[data-testid="increment"]').click();
    find(fixture, '[data-testid="decrement"]').click();
    await settle(fixture);
    expect(find(fixture, '[data-testid="count"]').textContent).toBe('1');
    expect(find(fixture, '[data-testid="increment"]').getAttribute('aria-label')).toBe(
      'Increment The Source',
    );
  });

  it('says when there is no Source to follow yet', async () => {
    const fixture = TestBed.createComponent(ReplicaHost);
    await settle(fixture);
    expect(find(fixture, '.status').textContent).toBe('waiting for a Source');
    expect(find(fixture, 'app-counter-card').classList).toContain('role-replica');
  });

  it('logs its ViewModel in the flow log under its title', async () => {
    const fixture = TestBed.createComponent(SourceHost);
    await settle(fixture);
    expect(
      TestBed.inject(FlowLog)
        .entries()
        .map((e) => e.text),
    ).toEqual(['The Source → all: State v1 (count 0)']);
  });
});
