import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures';

type Panel = 'todos-replica' | 'todos-spectator' | 'todos-source';
const PANELS: readonly Panel[] = ['todos-replica', 'todos-spectator', 'todos-source'];

function panel(page: Page, id: Panel): Locator {
  return page.getByTestId(id);
}

async function addTodo(page: Page, id: Panel, title: string): Promise<void> {
  await panel(page, id).getByTestId('new-todo').fill(title);
  await panel(page, id).getByTestId('add-todo').click();
}

function todo(page: Page, id: Panel, title: string): Locator {
  return panel(page, id).getByTestId('todo').filter({ hasText: title });
}

async function expectEverywhere(page: Page, summary: string, titles: string[]): Promise<void> {
  for (const id of PANELS) {
    await expect(panel(page, id).getByTestId('summary')).toHaveText(summary);
    await expect(panel(page, id).getByTestId('todo-title')).toHaveText(titles);
  }
}

const SEED = ['Play with the sync counters', 'Add a todo from the Replica'];

test.describe('shared todos page', () => {
  test.beforeEach(async ({ page }) => {
    await page.goto('/');
    await page.getByRole('link', { name: 'Shared todos' }).click();
    await expect(page).toHaveURL(/\/todos$/);
  });

  test('shows the Replica, the Spectator and the Source with the same list', async ({ page }) => {
    await expectEverywhere(page, '1 of 2 done', SEED);
    await expect(panel(page, 'todos-replica')).toContainText('replica');
    await expect(panel(page, 'todos-spectator')).toContainText('spectator');
  });

  test('a todo added in the Replica reaches everyone, with a TodoAdded toast where it was handled', async ({
    page,
  }) => {
    await addTodo(page, 'todos-replica', 'Buy milk');
    await expectEverywhere(page, '1 of 3 done', [...SEED, 'Buy milk']);
    await expect(panel(page, 'todos-replica').getByTestId('new-todo')).toHaveValue('');
    // The Replica and the Source handled the Input and emitted the Event; the Spectator did not.
    await expect(panel(page, 'todos-replica').getByTestId('toast')).toHaveText(
      'TodoAdded: “Buy milk”',
    );
    await expect(panel(page, 'todos-source').getByTestId('toast')).toHaveText(
      'TodoAdded: “Buy milk”',
    );
    await expect(panel(page, 'todos-spectator').getByTestId('toast')).toHaveCount(0);
  });

  test('toggling and removing in the Replica update every count', async ({ page }) => {
    await todo(page, 'todos-replica', 'Add a todo from the Replica').getByTestId('toggle').check();
    await expectEverywhere(page, '2 of 2 done', SEED);
    await todo(page, 'todos-replica', 'Play with the sync counters').getByTestId('remove').click();
    await expectEverywhere(page, '1 of 1 done', [SEED[1] as string]);
  });

  test('a todo added in the Spectator stays local until the Source changes', async ({ page }) => {
    await addTodo(page, 'todos-spectator', 'Only here');
    await expect(panel(page, 'todos-spectator').getByTestId('summary')).toHaveText('1 of 3 done');
    await expect(panel(page, 'todos-spectator').getByTestId('toast')).toHaveText(
      'TodoAdded: “Only here”',
    );
    await expect(panel(page, 'todos-replica').getByTestId('todo')).toHaveCount(2);
    await expect(panel(page, 'todos-source').getByTestId('todo')).toHaveCount(2);

    await todo(page, 'todos-source', 'Play with the sync counters').getByTestId('toggle').uncheck();
    await expectEverywhere(page, '0 of 2 done', SEED);
  });

  test('opens directly at /todos with the State the server rendered, from the first paint on', async ({
    page,
  }) => {
    // Counts, from the first parsed node on, how many panels show the todo only the server has.
    await page.addInitScript(() => {
      const seen: number[] = [];
      (window as unknown as { seen: number[] }).seen = seen;
      const count = () =>
        Array.from(document.querySelectorAll('[data-testid="todo-title"]')).filter(
          (e) => e.textContent?.trim() === 'Rendered on the server',
        ).length;
      new MutationObserver(() => {
        const now = count();
        if (seen.at(-1) !== now) seen.push(now);
      }).observe(document, { childList: true, subtree: true, characterData: true });
    });
    const response = await page.goto('/todos');
    // The page as served already holds the server's State (and hands it over in ng-state).
    const html = (await response?.text()) ?? '';
    expect(html).toContain('Rendered on the server');
    expect(html).toContain('ballast-sync:todos');

    const titles = [...SEED, 'Rendered on the server'];
    await expectEverywhere(page, '1 of 3 done', titles);
    await expect(page).toHaveTitle('Shared todos · ballast-sync demo');
    // Hydration and the browser's Source started from the server's State: it never went away.
    const seen = await page.evaluate(() => (window as unknown as { seen: number[] }).seen);
    // Leading zeros are the HTML still being parsed; once shown, it never went away.
    const shown = seen.slice(seen.indexOf(3));
    expect(seen).toContain(3);
    expect(
      shown.every((n) => n === 3),
      `panels showing it over time: ${seen.join(', ')}`,
    ).toBe(true);
  });
});
