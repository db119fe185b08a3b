/*
 * A headless Chromium for the browser benchmarks (cases 4 and 5): Debian's build with the project's
 * flags, a throw-away profile, and one fake origin whose files the case serves, cross-origin
 * isolated so that performance.now() has 5 µs resolution instead of 100 µs.
 */
import { chromium, type BrowserContext } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumArgs, chromiumExecutable } from '../../e2e/chromium';

/** The browser of a case; `close()` also removes its profile. */
export interface IsolatedBrowser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** Opens the browser and serves `origin` from `fileFor(pathname)`. */
export async function openIsolatedBrowser(
  profileName: string,
  origin: string,
  fileFor: (pathname: string) => string,
): Promise<IsolatedBrowser> {
  const profile = mkdtempSync(join(tmpdir(), `ballast-bench-${profileName}-`));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumExecutable,
    headless: true,
    args: chromiumArgs,
  });
  await context.route(`${origin}/**`, (route) =>
    route.fulfill({
      path: fileFor(new URL(route.request().url()).pathname),
      headers: {
        'Cross-Origin-Opener-Policy': 'same-origin',
        'Cross-Origin-Embedder-Policy': 'require-corp',
      },
    }),
  );
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
