// Builds the published package ballast-sync-server into dist/ballast-sync-server:
//   node projects/ballast-sync-server/scripts/build.mjs
// It compiles against the built library (dist/ballast-sync, from `npx ng build ballast-sync`), so
// the output imports `ballast-sync/core` as the package it is.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const project = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(project, '..', '..');
const out = join(root, 'dist', 'ballast-sync-server');

if (!existsSync(join(root, 'dist', 'ballast-sync', 'types', 'ballast-sync-core.d.ts'))) {
  console.error('ballast-sync: build the library first: npx ng build ballast-sync');
  process.exit(1);
}
rmSync(out, { recursive: true, force: true });
const tsc = spawnSync(
  process.execPath,
  [
    join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
    '-p',
    join(project, 'tsconfig.build.json'),
  ],
  { stdio: 'inherit' },
);
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
copyFileSync(join(project, 'package.json'), join(out, 'package.json'));
copyFileSync(join(project, 'README.md'), join(out, 'README.md'));
console.log(`built ${out}`);
