/*
 * A stand-in for a template that reads a signal: a live reactive consumer (what Angular's template
 * consumer is), marked dirty when what it read changes, and re-run only when `render()` is called,
 * as change detection would. It lets the benchmark observe signals the way an app does, without an
 * app: writes pay for notifying a live consumer, reads happen once per render.
 */
import { createWatch, type Watch } from '@angular/core/primitives/signals';

export interface View {
  /** Re-reads what the view shows, if something it read changed since the last render. */
  render(): void;
  /** How many times the view re-ran (its first render included). */
  readonly renders: number;
  destroy(): void;
}

export function view(read: () => unknown): View {
  let dirty = false;
  let renders = 0;
  const watch: Watch = createWatch(
    () => {
      renders++;
      read();
    },
    () => (dirty = true),
    false,
  );
  watch.run();
  return {
    render: () => {
      if (!dirty) return;
      dirty = false;
      watch.run();
    },
    get renders() {
      return renders;
    },
    destroy: () => watch.destroy(),
  };
}
