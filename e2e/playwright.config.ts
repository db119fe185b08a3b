import { defineConfig } from '@playwright/test';
import { resolve } from 'node:path';
import { chromiumArgs, chromiumExecutable } from './chromium';
import { SYNC_SERVER_PORT } from './sync-server-port';

// Browser tests of the demo app. They drive Debian's Chromium (never a downloaded browser) against
// `ng serve` on a dedicated port, so a running `npm start` on 4200 does not interfere.
const port = Number(process.env['E2E_PORT'] ?? 4300);
const baseURL = `http://localhost:${port}`;
const ci = !!process.env['CI'];

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  outputDir: resolve(__dirname, '../test-results/e2e'),
  timeout: 30_000,
  expect: { timeout: 5_000 },
  forbidOnly: ci,
  // A test that needs a retry is flaky, and CI counts flaky as failed: no retries.
  retries: 0,
  workers: ci ? 2 : undefined,
  reporter: [['list']],
  use: {
    baseURL,
    viewport: { width: 1280, height: 900 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        browserName: 'chromium',
        launchOptions: {
          executablePath: chromiumExecutable,
          args: chromiumArgs,
        },
      },
    },
  ],
  webServer: {
    command: `npx ng serve demo-app --port ${port} --watch=false`,
    // Its proxy forwards /ballast-sync to the sync server the "On the server" tests start.
    env: { BALLAST_SYNC_PORT: String(SYNC_SERVER_PORT) },
    cwd: resolve(__dirname, '..'),
    url: baseURL,
    reuseExistingServer: !ci,
    timeout: 120_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
