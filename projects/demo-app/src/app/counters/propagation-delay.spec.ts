import { TestBed } from '@angular/core/testing';
import { Subject } from 'rxjs';
import { PropagationDelay } from './propagation-delay';

describe('PropagationDelay', () => {
  let delay: PropagationDelay;

  beforeEach(() => {
    delay = TestBed.inject(PropagationDelay);
  });

  afterEach(() => jest.useRealTimers());

  it('starts at a few hundred milliseconds', () => {
    expect(delay.ms()).toBe(PropagationDelay.DEFAULT_MS);
    expect(delay.ms()).toBeGreaterThanOrEqual(200);
  });

  it('keeps the delay a whole number within 0…MAX_MS and ignores NaN', () => {
    delay.set(-5);
    expect(delay.ms()).toBe(0);
    delay.set(123.6);
    expect(delay.ms()).toBe(124);
    delay.set(99_999);
    expect(delay.ms()).toBe(PropagationDelay.MAX_MS);
    delay.set(Number.NaN);
    expect(delay.ms()).toBe(PropagationDelay.MAX_MS);
  });

  it('lets values through synchronously at 0 ms', () => {
    delay.set(0);
    const seen: number[] = [];
    const values = new Subject<number>();
    values.pipe(delay.operator()).subscribe((v) => seen.push(v));
    values.next(1);
    expect(seen).toEqual([1]);
  });

  it('holds each value for the delay current when it arrives', () => {
    jest.useFakeTimers();
    const seen: number[] = [];
    const values = new Subject<number>();
    values.pipe(delay.operator()).subscribe((v) => seen.push(v));

    delay.set(500);
    values.next(1);
    delay.set(100); // applies to the next value, not to the one already waiting
    values.next(2);
    jest.advanceTimersByTime(100);
    expect(seen).toEqual([2]);
    jest.advanceTimersByTime(400);
    expect(seen).toEqual([2, 1]);
  });
});
