/*
 * The built package (dist/ballast-sync, fesm2022), which memory, create/destroy and bundle cases
 * measure instead of the sources: what an app ships, with no transpiler in between. It is rebuilt
 * (`ng build ballast-sync`) when missing, incomplete or older than the library sources, then
 * copied, so that a concurrent rebuild of dist/ cannot change it under a running case.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { progress } from './results';

export const root = resolve(__dirname, '../..');
const dist = join(root, 'dist', 'ballast-sync');
const sources = join(root, 'projects', 'ballast-sync');
const FILES = ['package.json', 'fesm2022/ballast-sync.mjs', 'fesm2022/ballast-sync-core.mjs'];

/** A copy of the built package; `dir` resolves Angular and rxjs from the repository. */
export interface BuiltPackage {
  /** The package folder (holds package.json and fesm2022/). */
  readonly dir: string;
  /** Facts for results.json: when it was built, whether this run rebuilt it. */
  readonly info: Readonly<Record<string, unknown>>;
  remove(): void;
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (/\.(ts|json)$/.test(entry.name) && !entry.name.includes('.spec'))
      newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function builtAt(): number | undefined {
  if (!FILES.every((file) => existsSync(join(dist, file)))) return undefined;
  return Math.min(...FILES.map((file) => statSync(join(dist, file)).mtimeMs));
}

export function builtPackage(): BuiltPackage {
  let built = builtAt();
  const rebuilt = built === undefined || built < newestSource(sources);
  if (rebuilt) {
    progress(
      built === undefined
        ? 'dist/ballast-sync is missing or incomplete: ng build ballast-sync'
        : 'dist/ballast-sync is older than the sources: ng build ballast-sync',
    );
    execFileSync('npx', ['ng', 'build', 'ballast-sync'], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, CI: 'true', NG_CLI_ANALYTICS: 'false' },
    });
    built = builtAt();
    if (built === undefined) throw new Error('ng build ballast-sync left no complete dist/');
  }
  // Inside the repository, so that @angular/*, rxjs and tslib resolve from its node_modules.
  const tmp = join(root, 'tmp');
  mkdirSync(tmp, { recursive: true });
  const copy = mkdtempSync(join(tmp, 'bench-package-'));
  const dir = join(copy, 'ballast-sync');
  cpSync(dist, dir, { recursive: true, filter: (src) => !src.endsWith('.map') });
  return {
    dir,
    info: { built_package: { built_at: new Date(built as number).toISOString(), rebuilt } },
    remove: () => rmSync(copy, { recursive: true, force: true }),
  };
}
