/*
 * Benchmark page for case 4 (Angular end to end), built with `ng build` in production mode and
 * driven by bench/cases/angular-e2e.ts through headless Chromium. Not part of the demo app.
 *
 *   ?mode=sync&n=100    one Source and n-1 Replica components, each with its own SyncViewModel
 *   ?mode=signal&n=100  n components bound to one shared signal in a root service (the baseline)
 *
 * Both render the same template. `window.benchClick(index)` clicks the button of component `index`
 * and resolves with the milliseconds until every component's DOM shows the new count.
 */
import {
  ChangeDetectionStrategy,
  Component,
  Injectable,
  inject,
  provideZonelessChangeDetection,
  signal,
} from '@angular/core';
import { bootstrapApplication } from '@angular/platform-browser';
import { provideSyncViewModel, SyncViewModel, type InputHandler } from 'ballast-sync';

type CounterInput = { readonly type: 'Increment'; readonly by: number };
interface CounterState {
  readonly count: number;
}

const counterHandler: InputHandler<CounterInput, never, CounterState> = (input, scope) =>
  scope.updateState((state) => ({ count: state.count + input.by }));

@Injectable()
class BenchCounterViewModel extends SyncViewModel<CounterInput, never, CounterState> {
  constructor() {
    super({ name: 'bench-counter', initialState: { count: 0 }, inputHandler: counterHandler });
  }
}

/** The baseline: what sharing one service with a signal costs. */
@Injectable({ providedIn: 'root' })
class SharedCounter {
  readonly state = signal<CounterState>({ count: 0 });
  trySend(input: CounterInput): boolean {
    this.state.update((state) => ({ count: state.count + input.by }));
    return true;
  }
}

const template = `<span class="count">{{ vm.state().count }}</span>
  <button type="button" (click)="vm.trySend({ type: 'Increment', by: 1 })">+</button>`;

@Component({
  selector: 'bench-sync-source',
  template,
  changeDetection: ChangeDetectionStrategy.OnPush,
  providers: [provideSyncViewModel(BenchCounterViewModel, { role: 'source' })],
  host: { class: 'counter' },
})
class SyncSourceCounterComponent {
  readonly vm = inject(BenchCounterViewModel);
}

@Component({
  selector: 'bench-sync-replica',
  template,
  changeDetection: ChangeDetectionStrategy.OnPush,
  providers: [provideSyncViewModel(BenchCounterViewModel, { role: 'replica' })],
  host: { class: 'counter' },
})
class SyncReplicaCounterComponent {
  readonly vm = inject(BenchCounterViewModel);
}

@Component({
  selector: 'bench-signal-counter',
  template,
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'counter' },
})
class SignalCounterComponent {
  readonly vm = inject(SharedCounter);
}

const params = new URLSearchParams(location.search);
const mode = params.get('mode') === 'signal' ? 'signal' : 'sync';
const n = Math.max(2, Number(params.get('n') ?? 100));

@Component({
  selector: 'bench-root',
  imports: [SyncSourceCounterComponent, SyncReplicaCounterComponent, SignalCounterComponent],
  template: ` @if (mode === 'sync') {
      <bench-sync-source />
      @for (i of replicas; track i) {
        <bench-sync-replica />
      }
    } @else {
      @for (i of all; track i) {
        <bench-signal-counter />
      }
    }`,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
class BenchRootComponent {
  readonly mode = mode;
  readonly replicas = Array.from({ length: n - 1 }, (_, i) => i);
  readonly all = Array.from({ length: n }, (_, i) => i);
}

function counts(): HTMLElement[] {
  return Array.from(document.querySelectorAll<HTMLElement>('.count'));
}

function allShow(spans: readonly HTMLElement[], expected: string): boolean {
  for (const span of spans) if (span.textContent !== expected) return false;
  return true;
}

function macrotask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Clicks component `index` and resolves with the ms until every component shows the new count. */
function benchClick(index: number): Promise<number> {
  const spans = counts();
  const buttons = Array.from(document.querySelectorAll<HTMLButtonElement>('.counter button'));
  const expected = String(Number(spans[0]?.textContent) + 1);
  const root = document.querySelector('bench-root') as HTMLElement;
  return new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      if (!allShow(spans, expected)) return;
      const elapsed = performance.now() - start;
      observer.disconnect();
      resolve(elapsed);
    });
    observer.observe(root, { subtree: true, characterData: true, childList: true });
    const start = performance.now();
    buttons[index]?.click();
  });
}

/** Resolves once n components are rendered and agree on the count. */
async function ready(): Promise<{ mode: string; n: number }> {
  for (;;) {
    const spans = counts();
    if (spans.length === n && allShow(spans, spans[0]?.textContent ?? '')) return { mode, n };
    await macrotask();
  }
}

Object.assign(window, { benchClick, benchReady: ready() });

bootstrapApplication(BenchRootComponent, { providers: [provideZonelessChangeDetection()] }).catch(
  (error: unknown) => console.error(error),
);
