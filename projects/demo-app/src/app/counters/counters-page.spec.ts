import { TestBed } from '@angular/core/testing';
import { clickIn, counts, settle, texts } from '../../testing/demo-testing.spec-helper';
import { CountersPage } from './counters-page';
import { PropagationDelay } from './propagation-delay';

const ALL_AT = (value: string) => ({
  'counter-source': value,
  'counter-replica-1': value,
  'counter-replica-2': value,
  'counter-replica-3': value,
  'counter-spectator-1': value,
  'counter-spectator-2': value,
  'counter-spectator-3': value,
});

describe('CountersPage', () => {
  async function setUp() {
    TestBed.inject(PropagationDelay).set(0);
    const fixture = TestBed.createComponent(CountersPage);
    await settle(fixture);
    return fixture;
  }

  it('shows one Source, three Replicas and three Spectators at 0, and a legend of the roles', async () => {
    const fixture = await setUp();
    expect(counts(fixture)).toEqual(ALL_AT('0'));
    expect(texts(fixture, '.legend .role-badge')).toEqual(['source', 'replica', 'spectator']);
    expect(texts(fixture, '.status')).toEqual(Array(7).fill('connected'));
  });

  it('brings a Replica click to every counter and logs its flow', async () => {
    const fixture = await setUp();
    clickIn(fixture, 'counter-replica-3', '[data-testid="increment"]');
    await settle(fixture);
    expect(counts(fixture)).toEqual(ALL_AT('1'));
    expect(texts(fixture, '[data-testid="flow-entry"] .text')).toEqual([
      'Replica 3: Source acknowledged up to #1',
      'Source → all: State v2 (count 1), acks Replica 3 #1',
      'Source ← Replica 3: Increment #1',
      'Replica 3 → Source: Increment #1',
      'Source → all: State v1 (count 0)',
    ]);
  });

  it('keeps a Spectator click local until the Source changes', async () => {
    const fixture = await setUp();
    clickIn(fixture, 'counter-spectator-2', '[data-testid="decrement"]');
    await settle(fixture);
    expect(counts(fixture)).toEqual({ ...ALL_AT('0'), 'counter-spectator-2': '-1' });
    clickIn(fixture, 'counter-source', '[data-testid="increment"]');
    await settle(fixture);
    expect(counts(fixture)).toEqual(ALL_AT('1'));
  });
});
