import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { PropagationDelay } from './propagation-delay';

/** A slider and a number field for the artificial propagation delay. */
@Component({
  selector: 'app-delay-control',
  template: `
    <label for="delay-ms">Propagation delay</label>
    <input
      type="range"
      min="0"
      max="2000"
      step="50"
      aria-label="Propagation delay slider"
      [value]="delay.ms()"
      (input)="set($event)"
    />
    <input
      id="delay-ms"
      type="number"
      min="0"
      [max]="max"
      step="50"
      data-testid="delay"
      [value]="delay.ms()"
      (input)="set($event)"
    />
    <span>ms each way: Replica → Source, then Source → everyone</span>
  `,
  styles: `
    :host {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.5rem;
    }
    label {
      font-weight: 600;
    }
    input[type='number'] {
      width: 5rem;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class DelayControl {
  protected readonly delay = inject(PropagationDelay);
  protected readonly max = PropagationDelay.MAX_MS;

  protected set(event: Event): void {
    const field = event.target as HTMLInputElement;
    if (field.value !== '') this.delay.set(field.valueAsNumber);
  }
}
