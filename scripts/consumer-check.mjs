// Consumer check: the built library works for an Angular 21 app that installs it from npm.
//
//   npm run consumer:check                               builds the library first
//   node scripts/consumer-check.mjs --no-build [--keep]  (.ci/run: right after its library build)
//
// 1. `npm pack` dist/ballast-sync into a temp folder (outside the repository, so nothing of the
//    workspace can be resolved from there).
// 2. Create a minimal app there from tests/consumer/app/ (no path mapping: `ballast-sync` is a
//    package), with a package.json of the workspace's exact @angular/*, rxjs, tslib, TypeScript
//    versions plus `ballast-sync: file:<tarball>`, and `npm install` it. The workspace's
//    package-lock.json seeds the install, so every transitive version is the one the workspace
//    tests and every tarball is in the npm cache that `npm ci` filled (--prefer-offline).
//    Only ballast-sync is not in that lock: it comes from the tarball alone (checked).
// 3. `ng build` the app (production: AOT, the linker on the library's partial declarations,
//    strict templates, and skipLibCheck off, so the package's .d.ts are type-checked; a generated
//    src/entry-points.ts imports every entry point of the package's `exports`).
// 4. Run tests/consumer/sync-in-built-app.test.mjs: the production bundle in jsdom; a click in
//    the Replica reaches the Source.
// The temp folder is removed at the end (--keep leaves it, and says where). Exit status 0 iff ok.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist', 'ballast-sync');
const args = process.argv.slice(2);
const unknown = args.filter((a) => !['--no-build', '--keep'].includes(a));
if (unknown.length > 0) {
  console.error('usage: node scripts/consumer-check.mjs [--no-build] [--keep]');
  process.exit(2);
}
const keep = args.includes('--keep');
const started = Date.now();
const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

class CheckFailed extends Error {}

/** Runs a command; its output is shown only when it fails (or with `show`). */
function run(label, command, commandArgs, options = {}) {
  const t0 = Date.now();
  const { show = false, ...spawnOptions } = options;
  const result = spawnSync(command, commandArgs, {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: show ? 'inherit' : 'pipe',
    ...spawnOptions,
    env: { ...process.env, CI: 'true', NG_CLI_ANALYTICS: 'false', ...spawnOptions.env },
  });
  const ok = result.status === 0;
  console.log(`${ok ? '✓' : '✗'} ${label} (${seconds(t0)})`);
  if (!ok) {
    if (!show) process.stdout.write(`${result.stdout ?? ''}${result.stderr ?? ''}`);
    if (result.error) console.error(result.error.message);
    throw new CheckFailed(`${label} failed`);
  }
  return result.stdout ?? '';
}

function check(condition, message) {
  if (!condition) throw new CheckFailed(message);
}

const temp = realpathSync(mkdtempSync(join(tmpdir(), 'ballast-sync-consumer-')));
const cleanUp = () => {
  if (keep) console.log(`kept ${temp}`);
  else rmSync(temp, { recursive: true, force: true });
};
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    cleanUp();
    process.exit(1);
  });
}

try {
  check(!temp.startsWith(root + sep), `the temp folder ${temp} is inside the repository`);
  if (!args.includes('--no-build')) {
    run('npm run build:lib', 'npm', ['run', 'build:lib'], { cwd: root });
  }
  const manifestPath = join(dist, 'package.json');
  check(existsSync(manifestPath), 'dist/ballast-sync is missing: run `npm run build:lib` first');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const workspace = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

  // 1. Pack.
  const packed = JSON.parse(
    run('npm pack dist/ballast-sync', 'npm', ['pack', dist, '--json', '--pack-destination', temp], {
      cwd: temp,
    }),
  )[0];
  console.log(`  ${packed.filename}: ${packed.entryCount} files, ${packed.size} bytes`);

  // 2. The app, and its install.
  const app = join(temp, 'app');
  cpSync(join(root, 'tests', 'consumer', 'app'), app, { recursive: true });
  const pin = (name) => {
    const version = workspace.dependencies?.[name] ?? workspace.devDependencies?.[name];
    check(version, `the workspace package.json does not pin ${name}`);
    return version;
  };
  const pins = (names) => Object.fromEntries(names.map((name) => [name, pin(name)]));
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify(
      {
        name: 'ballast-sync-consumer',
        version: '0.0.0',
        private: true,
        dependencies: {
          ...pins([
            '@angular/common',
            '@angular/compiler',
            '@angular/core',
            '@angular/platform-browser',
            'rxjs',
            'tslib',
          ]),
          [manifest.name]: `file:../${packed.filename}`,
        },
        devDependencies: pins(['@angular/build', '@angular/compiler-cli', 'typescript']),
      },
      null,
      2,
    ) + '\n',
  );
  const entryPoints = Object.keys(manifest.exports ?? {})
    .filter((subpath) => subpath !== './package.json')
    .map((subpath) => (subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`));
  writeFileSync(
    join(app, 'src', 'entry-points.ts'),
    '// Generated by scripts/consumer-check.mjs: every entry point of the package type-checks.\n' +
      entryPoints.map((name, i) => `export * as entry${i} from '${name}';\n`).join(''),
  );
  const tsconfigPath = join(app, 'tsconfig.json');
  const tsconfig = JSON.parse(readFileSync(tsconfigPath, 'utf8'));
  tsconfig.files = [...tsconfig.files, 'src/entry-points.ts'];
  writeFileSync(tsconfigPath, JSON.stringify(tsconfig, null, 2) + '\n');
  cpSync(join(root, 'package-lock.json'), join(app, 'package-lock.json'));

  run(
    'npm install (the tarball + pinned Angular, from the npm cache)',
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'],
    { cwd: app },
  );
  const installed = join(app, 'node_modules', manifest.name);
  check(
    existsSync(installed) && !lstatSync(installed).isSymbolicLink(),
    `${manifest.name} is not installed as a package in ${relative(temp, installed)}`,
  );
  const lock = JSON.parse(readFileSync(join(app, 'package-lock.json'), 'utf8'));
  const copies = Object.entries(lock.packages).filter(
    ([path]) => path === `node_modules/${manifest.name}` || path.endsWith(`/${manifest.name}`),
  );
  check(
    copies.length === 1 && copies[0][1].resolved === `file:../${packed.filename}`,
    `${manifest.name} must come from the tarball only: ${JSON.stringify(copies)}`,
  );
  check(
    JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')).version === manifest.version,
    'the installed ballast-sync is not the packed version',
  );
  console.log(`  ${manifest.name}@${manifest.version} from ${packed.filename}`);

  // 3. Build. The app's own @angular/build and compiler do the work; the workspace's CLI only
  // drives them (it resolves the builder from the app's node_modules), which saves installing
  // the CLI's ~200 packages.
  const ng = join(root, 'node_modules', '@angular', 'cli', 'bin', 'ng.js');
  run('ng build (production)', process.execPath, [ng, 'build'], { cwd: app });
  const browserDir = join(app, 'dist', 'consumer', 'browser');
  check(existsSync(join(browserDir, 'index.html')), `no ${relative(temp, browserDir)}/index.html`);

  // 4. Test.
  run(
    'test: a click in the Replica reaches the Source (built app in jsdom)',
    process.execPath,
    [
      '--test',
      '--test-reporter=spec',
      join(root, 'tests', 'consumer', 'sync-in-built-app.test.mjs'),
    ],
    { cwd: root, env: { CONSUMER_APP_BROWSER_DIR: browserDir }, show: true },
  );
  console.log(`consumer check: ok (${seconds(started)})`);
  process.exitCode = 0;
} catch (error) {
  console.error(
    `consumer check: FAILED (${seconds(started)}): ${error instanceof CheckFailed ? error.message : error?.stack}`,
  );
  process.exitCode = 1;
} finally {
  cleanUp();
}
