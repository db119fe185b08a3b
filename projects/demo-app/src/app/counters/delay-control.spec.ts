import { TestBed } from '@angular/core/testing';
import { find } from '../../testing/demo-testing.spec-helper';
import { DelayControl } from './delay-control';
import { PropagationDelay } from './propagation-delay';

describe('DelayControl', () => {
  async function setUp() {
    const fixture = TestBed.createComponent(DelayControl);
    await fixture.whenStable();
    const number = find(fixture, '[data-testid="delay"]') as HTMLInputElement;
    const slider = find(fixture, 'input[type="range"]') as HTMLInputElement;
    return { fixture, number, slider, delay: TestBed.inject(PropagationDelay) };
  }

  function type(field: HTMLInputElement, value: string): void {
    field.value = value;
    field.dispatchEvent(new Event('input'));
  }

  it('shows the current delay in the slider and the number field', async () => {
    const { number, slider } = await setUp();
    expect(number.value).toBe(String(PropagationDelay.DEFAULT_MS));
    expect(slider.value).toBe(String(PropagationDelay.DEFAULT_MS));
  });

  it('sets the delay from the number field, and moves the slider', async () => {
    const { fixture, number, slider, delay } = await setUp();
    type(number, '600');
    await fixture.whenStable();
    expect(delay.ms()).toBe(600);
    expect(slider.value).toBe('600');
  });

  it('sets the delay from the slider, 0 included', async () => {
    const { fixture, number, slider, delay } = await setUp();
    type(slider, '0');
    await fixture.whenStable();
    expect(delay.ms()).toBe(0);
    expect(number.value).toBe('0');
  });

  it('ignores an empty field and keeps values within bounds', async () => {
    const { number, delay } = await setUp();
    type(number, '');
    expect(delay.ms()).toBe(PropagationDelay.DEFAULT_MS);
    type(number, '99999');
    expect(delay.ms()).toBe(PropagationDelay.MAX_MS);
  });
});
