import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  inject,
  input,
  signal,
} from '@angular/core';
import { TodoViewModel, newTodoId } from './todo-view-model';

interface Toast {
  readonly id: number;
  readonly text: string;
}

/**
 * A todo list bound to the TodoViewModel its host component provides (the host chooses the role).
 * Counts come from `select()`; each `TodoAdded` Event shows a toast for a few seconds.
 */
@Component({
  selector: 'app-todo-panel',
  templateUrl: './todo-panel.html',
  styleUrl: './todo-panel.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '[class]': '"role-" + vm.role' },
})
export class TodoPanel {
  /** How long a toast stays, in milliseconds. */
  static readonly TOAST_MS = 4000;

  /** The heading, e.g. "Replica". */
  readonly title = input.required<string>();

  protected readonly vm = inject(TodoViewModel);
  protected readonly todos = this.vm.select((state) => state.todos);
  protected readonly total = this.vm.select((state) => state.todos.length);
  protected readonly done = this.vm.select((state) => state.todos.filter((t) => t.done).length);
  protected readonly allDone = computed(() => this.total() > 0 && this.done() === this.total());
  protected readonly toasts = signal<readonly Toast[]>([]);

  private nextToastId = 1;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  constructor() {
    this.vm.onEvent((event) => this.showToast(`TodoAdded: “${event.title}”`));
    inject(DestroyRef).onDestroy(() => this.timers.forEach(clearTimeout));
  }

  protected add(event: SubmitEvent, field: HTMLInputElement): void {
    event.preventDefault();
    const title = field.value.trim();
    if (title === '') return;
    this.vm.trySend({ type: 'Add', id: newTodoId(), title });
    field.value = '';
  }

  protected toggle(id: string): void {
    this.vm.trySend({ type: 'Toggle', id });
  }

  protected remove(id: string): void {
    this.vm.trySend({ type: 'Remove', id });
  }

  private showToast(text: string): void {
    const toast: Toast = { id: this.nextToastId++, text };
    this.toasts.update((toasts) => [...toasts, toast]);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.toasts.update((toasts) => toasts.filter((t) => t !== toast));
    }, TodoPanel.TOAST_MS);
    this.timers.add(timer);
  }
}
