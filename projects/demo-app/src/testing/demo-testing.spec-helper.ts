import type { ComponentFixture } from '@angular/core/testing';

/**
 * Lets sync happen, then renders: every SyncViewModel keeps the app unstable (Angular's
 * PendingTasks) until its Inputs ran and its sync work arrived, propagation delay included.
 */
export async function settle(fixture: ComponentFixture<unknown>): Promise<void> {
  await fixture.whenStable();
}

/** Renders what the ViewModels hold right now, without waiting for sync. */
export function renderNow(fixture: ComponentFixture<unknown>): void {
  fixture.detectChanges();
}

/** The element matching `selector` (fails the test when there is none). */
export function find(root: ComponentFixture<unknown> | Element, selector: string): HTMLElement {
  const element = rootElement(root).querySelector<HTMLElement>(selector);
  if (!element) throw new Error(`no element matches ${selector}`);
  return element;
}

/** The trimmed text of every element matching `selector`. */
export function texts(root: ComponentFixture<unknown> | Element, selector: string): string[] {
  return Array.from(
    rootElement(root).querySelectorAll(selector),
    (e) => e.textContent?.trim() ?? '',
  );
}

/** The count each counter shows, by its test id (e.g. `{ 'counter-source': '0' }`). */
export function counts(fixture: ComponentFixture<unknown>): Record<string, string> {
  const counters = rootElement(fixture).querySelectorAll<HTMLElement>('[data-testid^="counter-"]');
  return Object.fromEntries(
    Array.from(counters, (counter) => [
      counter.dataset['testid'] as string,
      find(counter, '[data-testid="count"]').textContent?.trim() ?? '',
    ]),
  );
}

/** Clicks the element matching `selector` inside the element with test id `testId`. */
export function clickIn(
  fixture: ComponentFixture<unknown>,
  testId: string,
  selector: string,
): void {
  find(find(fixture, `[data-testid="${testId}"]`), selector).click();
}

function rootElement(root: ComponentFixture<unknown> | Element): Element {
  return root instanceof Element ? root : (root.nativeElement as Element);
}
