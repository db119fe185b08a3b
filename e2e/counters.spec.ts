import {
  COUNTERS,
  count,
  decrement,
  expect,
  expectAllCounts,
  increment,
  openCounters,
  test,
} from './fixtures';

test.describe('sync counters page', () => {
  test('shows one Source, three Replicas and three Spectators, all at 0', async ({ page }) => {
    await openCounters(page);
    await expect(page.getByTestId('counter-source')).toContainText('source');
    for (const i of [1, 2, 3]) {
      await expect(page.getByTestId(`counter-replica-${i}`)).toContainText(`Replica ${i}`);
      await expect(page.getByTestId(`counter-spectator-${i}`)).toContainText(`Spectator ${i}`);
    }
    await expectAllCounts(page, 0);
    await expect(page).toHaveTitle('Sync counters · ballast-sync demo');
  });

  test('a Replica click reaches every counter', async ({ page }) => {
    await openCounters(page);
    await increment(page, 'counter-replica-2');
    await increment(page, 'counter-replica-2');
    await expectAllCounts(page, 2);
    await decrement(page, 'counter-replica-3');
    await expectAllCounts(page, 1);
  });

  test('a Source click reaches every counter', async ({ page }) => {
    await openCounters(page);
    await increment(page, 'counter-source');
    await expectAllCounts(page, 1);
    await decrement(page, 'counter-source');
    await decrement(page, 'counter-source');
    await expectAllCounts(page, -1);
  });

  test('a Spectator click stays local until the Source changes', async ({ page }) => {
    await openCounters(page);
    await increment(page, 'counter-spectator-1');
    await increment(page, 'counter-spectator-1');
    await expect(count(page, 'counter-spectator-1')).toHaveText('2');
    // Nothing is forwarded: give a round trip the time it would need, then check nobody moved.
    await page.waitForTimeout(300);
    for (const counter of COUNTERS.filter((c) => c !== 'counter-spectator-1')) {
      await expect(count(page, counter)).toHaveText('0');
    }
    await expect(count(page, 'counter-spectator-1')).toHaveText('2');
    await expect(page.getByTestId('flow-entry')).toHaveCount(1); // the Source's initial State only

    // The Source's next State overwrites the Spectator's local change.
    await increment(page, 'counter-replica-1');
    await expectAllCounts(page, 1);
  });

  test('the delay control visibly delays propagation', async ({ page }) => {
    const delayMs = 600;
    await openCounters(page, delayMs);
    await expect(page.getByTestId('delay')).toHaveValue(String(delayMs));

    await increment(page, 'counter-replica-1');
    const clicked = Date.now();
    // The Replica applies its Input at once; the Input is still on its way to the Source.
    await expect(count(page, 'counter-replica-1')).toHaveText('1');
    await expect(count(page, 'counter-source')).toHaveText('0');
    await expect(count(page, 'counter-replica-2')).toHaveText('0');

    // One delay later the Source has it; one more and its State reached the others.
    await expect(count(page, 'counter-source')).toHaveText('1');
    const atSource = Date.now() - clicked;
    await expect(count(page, 'counter-replica-2')).toHaveText('1');
    await expectAllCounts(page, 1);
    const everywhere = Date.now() - clicked;
    expect(atSource).toBeGreaterThanOrEqual(delayMs - 100);
    expect(everywhere).toBeGreaterThanOrEqual(2 * delayMs - 100);

    // Back to 0 ms: the next click is everywhere well before one delay would have passed.
    await page.getByTestId('delay').fill('0');
    await increment(page, 'counter-replica-1');
    const fast = Date.now();
    await expectAllCounts(page, 2);
    expect(Date.now() - fast).toBeLessThan(2 * delayMs);
  });

  test('a Replica clicked faster than the round trip never shows a lower count (it rebases)', async ({
    page,
  }) => {
    // A round trip of 1.6 s: even on a loaded machine the 4 clicks (300 ms apart) come faster.
    await openCounters(page, 800);
    // Record every value the Replica's count shows, as it changes.
    await count(page, 'counter-replica-1').evaluate((element) => {
      const seen: string[] = [element.textContent ?? ''];
      (window as unknown as { seen: string[] }).seen = seen;
      new MutationObserver(() => seen.push(element.textContent ?? '')).observe(element, {
        characterData: true,
        childList: true,
        subtree: true,
      });
    });
    for (let click = 0; click < 4; click++) {
      await increment(page, 'counter-replica-1');
      await page.waitForTimeout(300);
    }
    await expectAllCounts(page, 4);

    const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
    const values = seen.map((text) => Number(text.trim()));
    expect(values, `the values shown: ${values.join(' → ')}`).toEqual(
      [...values].sort((a, b) => a - b),
    );
    expect(values.at(-1)).toBe(4);
    // States reflecting only the first clicks arrived while later ones were pending: rebased.
    await expect(page.locator('[data-kind="rebased"]').first()).toContainText('Replica 1: rebased');
  });

  test('the flow log shows the Inputs, States and acknowledgements that travelled', async ({
    page,
  }) => {
    await openCounters(page);
    const log = page.getByTestId('flow-log');
    await expect(log.getByTestId('flow-entry')).toHaveCount(1);
    await expect(log.getByTestId('flow-entry').first()).toContainText(
      'Source → all: State v1 (count 0)',
    );

    await increment(page, 'counter-replica-3');
    await expectAllCounts(page, 1);
    await expect(log.locator('[data-kind="forwarded"]')).toContainText(
      'Replica 3 → Source: Increment #1',
    );
    await expect(log.locator('[data-kind="received"]')).toContainText(
      'Source ← Replica 3: Increment #1',
    );
    await expect(log.locator('[data-kind="published"]').first()).toContainText(
      'Source → all: State v2 (count 1), acks Replica 3 #1',
    );
    await expect(log.locator('[data-kind="acknowledged"]')).toContainText(
      'Replica 3: Source acknowledged up to #1',
    );
  });

  test('counters continue where they were after visiting the todos page', async ({ page }) => {
    await openCounters(page);
    await increment(page, 'counter-source');
    await increment(page, 'counter-replica-2');
    await expectAllCounts(page, 2);
    await page.getByRole('link', { name: 'Shared todos' }).click();
    await expect(page.getByTestId('todos-replica')).toBeVisible();
    await page.getByRole('link', { name: 'Sync counters' }).click();
    // The new Source continues from the channel's latest State (start: 'continue', the default).
    await expectAllCounts(page, 2);
    await increment(page, 'counter-replica-1');
    await expectAllCounts(page, 3);
  });
});
