import { Injectable, signal } from '@angular/core';
import { map, mergeMap, of, timer, type MonoTypeOperatorFunction } from 'rxjs';

/**
 * An artificial network delay for the sync counters page, so a person can watch Inputs travel to
 * the Source and States come back. The counters use {@link PropagationDelay.operator} as their
 * `bufferInputs` (Replicas) and `bufferStates` (Source).
 */
@Injectable({ providedIn: 'root' })
export class PropagationDelay {
  static readonly DEFAULT_MS = 400;
  static readonly MAX_MS = 5000;

  private readonly delayMs = signal(PropagationDelay.DEFAULT_MS);

  /** The current delay, in milliseconds. */
  readonly ms = this.delayMs.asReadonly();

  /** Sets the delay; a value that is not a number is ignored, others are kept within 0…MAX_MS. */
  set(ms: number): void {
    if (Number.isNaN(ms)) return;
    this.delayMs.set(Math.min(PropagationDelay.MAX_MS, Math.max(0, Math.round(ms))));
  }

  /**
   * An rxjs operator that holds each value for the delay current when the value arrives (so moving
   * the slider applies to the next Input or State at once). With 0 ms values pass through
   * synchronously.
   *
   * @example
   * provideSyncViewModel(CounterViewModel, () => ({
   *   role: 'replica',
   *   bufferInputs: inject(PropagationDelay).operator(),
   * }))
   */
  operator<T>(): MonoTypeOperatorFunction<T> {
    return mergeMap((value: T) => {
      const ms = this.delayMs();
      return ms > 0 ? timer(ms).pipe(map(() => value)) : of(value);
    });
  }
}
