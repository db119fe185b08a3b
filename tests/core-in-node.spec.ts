/**
 * @jest-environment node
 */
// ballast-sync/core and ballast-sync/testing must run unchanged in plain Node (a server hosts
// Source ViewModels with the same InputHandler as the browser): no Angular, no browser globals.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const root = resolve(__dirname, '..');

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourcesUnder(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

const entryPoints = ['projects/ballast-sync/core/src', 'projects/ballast-sync/testing/src'];
const files = entryPoints.flatMap((dir) => sourcesUnder(join(root, dir)));

describe('ballast-sync/core in plain Node', () => {
  it('imports nothing but rxjs, its own files and ballast-sync/core', () => {
    const imports = files.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/from '([^']+)'/g)].map(
        (m) => `${relative(root, file)} -> ${m[1]}`,
      ),
    );
    expect(imports.length).toBeGreaterThan(20);
    const foreign = imports.filter(
      (line) => !/-> (\.{1,2}\/|rxjs$|ballast-sync\/core$)/.test(line),
    );
    expect(foreign).toEqual([]);
  });

  it('uses no browser-only global (transports that need one live in their own entry points)', () => {
    const browserOnly =
      /\b(window|document|navigator|localStorage|sessionStorage|BroadcastChannel|WebSocket)\b/;
    const withoutComments = (code: string) =>
      code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    const offenders = files.filter((file) =>
      browserOnly.test(withoutComments(readFileSync(file, 'utf8'))),
    );
    expect(offenders.map((f) => relative(root, f))).toEqual([]);
  });

  it('syncs a Source and a Replica in a Node process without jsdom', () => {
    const output = execFileSync(
      process.execPath,
      ['--import', 'tsx', join(__dirname, 'node', 'core-round-trip.ts')],
      {
        cwd: root,
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    expect(JSON.parse(output)).toEqual({
      hasWindow: false,
      source: { total: 42 },
      replica: { total: 42 },
    });
  });
});
