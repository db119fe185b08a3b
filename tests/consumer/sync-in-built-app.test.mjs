// The consumer app's test (run by scripts/consumer-check.mjs, never on its own): loads the app's
// production build (CONSUMER_APP_BROWSER_DIR: index.html + its scripts) into jsdom, so what runs
// is exactly what `ng build` shipped — ballast-sync from the packed tarball, linked and
// tree-shaken — then checks that a click in the Replica reaches the Source.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { JSDOM } from 'jsdom';
import ts from 'typescript';

const browserDir = process.env.CONSUMER_APP_BROWSER_DIR;

/** jsdom runs no module scripts: evaluate each one as a module would run (strict, own scope). */
function loadApp(dir) {
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  const dom = new JSDOM(html, {
    url: 'http://localhost/',
    runScripts: 'outside-only',
    pretendToBeVisual: true, // requestAnimationFrame, used by Angular's zoneless scheduler
  });
  const errors = [];
  dom.window.addEventListener('error', (event) => errors.push(event.error ?? event.message));
  const consoleError = (...args) => errors.push(args.map(String).join(' '));
  dom.window.console.error = consoleError;
  const scripts = [...dom.window.document.querySelectorAll('script[src]')];
  assert.ok(scripts.length > 0, 'index.html loads no script');
  for (const script of scripts) {
    const src = script.getAttribute('src');
    const code = readFileSync(join(dir, src), 'utf8');
    const file = ts.createSourceFile(src, code, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
    const esm = file.statements.find((s) => ts.isImportDeclaration(s) || ts.isExportDeclaration(s));
    assert.equal(
      esm,
      undefined,
      `${src} imports or exports (a split bundle): jsdom cannot load it`,
    );
    dom.window.eval(`(function () {'use strict';\n${code}\n}).call(undefined);`);
  }
  return { dom, errors };
}

async function until(what, condition, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test('the built consumer app: a click in the Replica reaches the Source', async (t) => {
  assert.ok(browserDir, 'set CONSUMER_APP_BROWSER_DIR (run scripts/consumer-check.mjs)');
  const { dom, errors } = loadApp(browserDir);
  t.after(() => dom.window.close());
  const doc = dom.window.document;
  const counter = (role) => ({
    count: () => doc.querySelector(`app-${role}-counter .count`)?.textContent?.trim(),
    status: () => doc.querySelector(`app-${role}-counter .status`)?.textContent?.trim(),
    button: () => doc.querySelector(`app-${role}-counter button`),
  });
  const source = counter('source');
  const replica = counter('replica');
  const seen = () => JSON.stringify({ source: source.count(), replica: replica.count(), errors });

  await until(
    `both counters render 0 (${seen()})`,
    () => source.count() === '0' && replica.count() === '0',
  );
  await until(
    `the Replica is connected (${replica.status()})`,
    () => replica.status() === 'connected',
  );

  replica.button().click();
  replica.button().click();
  await until(`both show 2`, () => source.count() === '2' && replica.count() === '2').catch((e) => {
    throw new Error(`${e.message}: ${seen()}`);
  });

  source.button().click();
  await until(`both show 3`, () => source.count() === '3' && replica.count() === '3').catch((e) => {
    throw new Error(`${e.message}: ${seen()}`);
  });
  assert.deepEqual(errors, [], 'the app reported errors');
});
