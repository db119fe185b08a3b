import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { count, expect, expectAllCounts, increment, openCounters, test } from './fixtures';

const README_SCREENSHOT = resolve(__dirname, '../docs/demo.png');

// The screenshot of the README: the counters page caught mid-flight, with the flow log filled.
// It is written to docs/demo.png when missing or with `npm run e2e -- -u`, so ordinary runs leave
// the committed picture alone; every run attaches it to the report.
test('screenshot of the counters page for the README', async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await openCounters(page);
  await increment(page, 'counter-replica-1');
  await increment(page, 'counter-source');
  await increment(page, 'counter-replica-3');
  await expectAllCounts(page, 3);

  // A slow network: Replica 2's Input has reached the Source, whose State is still on its way.
  await page.getByTestId('delay').fill('2000');
  await increment(page, 'counter-replica-2');
  await expect(count(page, 'counter-source')).toHaveText('4', { timeout: 4000 });
  await expect(count(page, 'counter-replica-1')).toHaveText('3');
  await page.mouse.move(0, 0); // no hover highlight in the picture

  const update = testInfo.config.updateSnapshots;
  const path =
    !existsSync(README_SCREENSHOT) || update === 'all' || update === 'changed'
      ? README_SCREENSHOT
      : testInfo.outputPath('demo.png');
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach('demo', { path, contentType: 'image/png' });

  await expectAllCounts(page, 4);
});
