import { expect, test, type BrowserContext, type Page } from '@playwright/test';

/*
 * The "Across tabs" page in real Chromium: one browser context is one origin, and each of its
 * pages is a tab sharing the counter through BroadcastChannel + Web Locks (+ IndexedDB).
 */

/** The problems (uncaught errors, console errors and warnings) of every tab a test opened. */
const problems = new Map<Page, string[]>();

async function openTab(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  const seen: string[] = [];
  problems.set(page, seen);
  page.on('pageerror', (error) => seen.push(`uncaught: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning')
      seen.push(`console.${message.type()}: ${message.text()}`);
  });
  await page.goto('/across-tabs');
  await expect(page.getByTestId('status')).toHaveText('connected');
  return page;
}

test.afterEach(() => {
  const all = [...problems.values()].flat();
  problems.clear();
  expect(all, 'errors or warnings in the tabs').toEqual([]);
});

const count = (page: Page) => page.getByTestId('count');
const role = (page: Page) => page.getByTestId('role');

/** Clicks +1 `times` in one synchronous burst (one task, as fast as the app can take them). */
async function burst(page: Page, times: number): Promise<void> {
  await page.evaluate((n) => {
    const button = document.querySelector<HTMLButtonElement>('[data-testid="increment"]');
    for (let i = 0; i < n; i++) button?.click();
  }, times);
}

async function tabName(page: Page): Promise<string> {
  return (await page.getByTestId('tab-name').textContent()) ?? '';
}

async function sources(pages: Page[]): Promise<Page[]> {
  const roles = await Promise.all(pages.map((p) => role(p).getAttribute('data-role')));
  return pages.filter((_, i) => roles[i] === 'source');
}

test.describe('across tabs', () => {
  test('three tabs converge: one is the Source, and a click in any tab reaches all', async ({
    context,
  }) => {
    const tabs = [await openTab(context), await openTab(context), await openTab(context)];
    await expect.poll(async () => (await sources(tabs)).length).toBe(1);
    await expect(role(tabs[0] as Page)).toHaveText('This tab is the Source');
    for (const [i, tab] of tabs.entries()) await burst(tab, i + 1);
    for (const tab of tabs) await expect(count(tab)).toHaveText('6');
    const names = await Promise.all(tabs.map(tabName));
    for (const tab of tabs) {
      await expect(tab.getByTestId('tab-clicks')).toHaveText(names.map((n, i) => `${n}: ${i + 1}`));
    }
  });

  test('closing the Source tab promotes another within 1 s; a burst from every tab during the failover is applied exactly once', async ({
    context,
  }) => {
    const tabs = [await openTab(context), await openTab(context), await openTab(context)];
    await expect.poll(async () => (await sources(tabs)).length).toBe(1);
    for (const tab of tabs) await burst(tab, 5);
    for (const tab of tabs) await expect(count(tab)).toHaveText('15');

    const [leader] = await sources(tabs);
    const survivors = tabs.filter((t) => t !== leader);
    const promoted = survivors.map((tab) =>
      tab.waitForFunction(
        () =>
          document.querySelector<HTMLElement>('[data-testid="role"]')?.dataset['role'] === 'source',
        undefined,
        { polling: 5, timeout: 5_000 },
      ),
    );
    const closedAt = Date.now();
    await (leader as Page).close();
    // Clicks while the election and the hand-over happen…
    await Promise.all(survivors.map((tab) => burst(tab, 10)));
    await Promise.any(promoted);
    const failoverMs = Date.now() - closedAt;
    // …and right after it.
    await Promise.all(survivors.map((tab) => burst(tab, 10)));

    for (const tab of survivors) await expect(count(tab)).toHaveText(String(15 + 2 * 20));
    const clicks = Object.fromEntries(
      await Promise.all(survivors.map(async (tab) => [await tabName(tab), 5 + 20] as const)),
    );
    for (const tab of survivors) {
      for (const [name, n] of Object.entries(clicks))
        await expect(tab.getByTestId('tab-clicks').filter({ hasText: name })).toHaveText(
          `${name}: ${n}`,
        );
    }
    expect((await sources(survivors)).length).toBe(1);
    expect(failoverMs, 'time from closing the Source tab to a new Source').toBeLessThan(1000);
    test.info().annotations.push({ type: 'failover', description: `${failoverMs} ms` });
  });

  test('a tab opened late shows the current State at once', async ({ context }) => {
    const first = await openTab(context);
    await burst(first, 7);
    await expect(count(first)).toHaveText('7');
    const late = await openTab(context); // resolves once its status says "connected"
    await expect(count(late)).toHaveText('7', { timeout: 1 });
    await expect(role(late)).toHaveText('This tab is a Replica');
  });

  test('the State survives closing every tab (snapshot in IndexedDB)', async ({ context }) => {
    const tabs = [await openTab(context), await openTab(context)];
    await burst(tabs[0] as Page, 3);
    await burst(tabs[1] as Page, 4);
    for (const tab of tabs) await expect(count(tab)).toHaveText('7');
    // The snapshot is written after each published State; give the last write time to commit.
    await (tabs[0] as Page).waitForTimeout(200);
    for (const tab of tabs) await tab.close();

    const reopened = await openTab(context);
    await expect(count(reopened)).toHaveText('7');
    await expect(role(reopened)).toHaveText('This tab is the Source');
    await burst(reopened, 1);
    await expect(count(reopened)).toHaveText('8');
  });

  test('two browser contexts (two users) never share', async ({ context, browser }) => {
    const mine = await openTab(context);
    const other = await browser.newContext({ baseURL: test.info().project.use.baseURL });
    try {
      const theirs = await openTab(other);
      await burst(mine, 3);
      await expect(count(mine)).toHaveText('3');
      await expect(role(theirs)).toHaveText('This tab is the Source');
      await mine.waitForTimeout(200);
      await expect(count(theirs)).toHaveText('0');
    } finally {
      await other.close();
    }
  });
});
