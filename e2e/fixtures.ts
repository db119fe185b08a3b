import { test as base, expect, type Locator, type Page } from '@playwright/test';

/**
 * `test` with one automatic check: the page raised no uncaught error and logged no console error
 * or warning during the test.
 */
export const test = base.extend<{ pageProblems: string[] }>({
  pageProblems: [
    async ({ page }, use) => {
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(`uncaught: ${error.stack ?? error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warning') {
          const { url } = message.location();
          problems.push(`console.${message.type()}: ${message.text()}${url ? ` (${url})` : ''}`);
        }
      });
      await use(problems);
      expect(problems, 'errors or warnings in the page').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** The test ids of the seven counters, Source first. */
export const COUNTERS = [
  'counter-source',
  'counter-replica-1',
  'counter-replica-2',
  'counter-replica-3',
  'counter-spectator-1',
  'counter-spectator-2',
  'counter-spectator-3',
] as const;

export type CounterId = (typeof COUNTERS)[number];

/** The number a counter shows. */
export function count(page: Page, counter: CounterId): Locator {
  return page.getByTestId(counter).getByTestId('count');
}

export async function increment(page: Page, counter: CounterId): Promise<void> {
  await page.getByTestId(counter).getByTestId('increment').click();
}

export async function decrement(page: Page, counter: CounterId): Promise<void> {
  await page.getByTestId(counter).getByTestId('decrement').click();
}

/** Expects every counter to show `value`. */
export async function expectAllCounts(page: Page, value: number): Promise<void> {
  for (const counter of COUNTERS) await expect(count(page, counter)).toHaveText(String(value));
}

/** Opens the counters page and sets the propagation delay (0: as fast as the app goes). */
export async function openCounters(page: Page, delayMs = 0): Promise<void> {
  await page.goto('/');
  // Every counter has its status line; "connected" once it follows the Source.
  await expect(page.getByText('connected', { exact: true })).toHaveCount(COUNTERS.length);
  await page.getByTestId('delay').fill(String(delayMs));
}
