/*
 * The built server package (dist/ballast-sync-server, ESM compiled by tsc against the built
 * library) next to the built library (dist/ballast-sync), as an app installs them: copied into
 * tmp/bench-server-XXXX/node_modules/{ballast-sync,ballast-sync-server}, so that the server's own
 * `import 'ballast-sync/core'` resolves to the built library, and `ws` and `rxjs` resolve from the
 * repository's node_modules. The library is rebuilt as bench/lib/built-package.ts does; the server
 * package (`node projects/ballast-sync-server/scripts/build.mjs`) when missing or older than its
 * sources or than the library.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { builtPackage, root } from './built-package';
import { progress } from './results';

const dist = join(root, 'dist', 'ballast-sync-server');
const sources = join(root, 'projects', 'ballast-sync-server');
const ENTRY = join(dist, 'lib', 'public-api.js');

export interface BuiltServerPackages {
  /** A node_modules folder holding ballast-sync and ballast-sync-server. */
  readonly modules: string;
  readonly info: Readonly<Record<string, unknown>>;
  remove(): void;
}

function newest(dir: string): number {
  let time = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) time = Math.max(time, newest(path));
    else if (entry.name.endsWith('.ts')) time = Math.max(time, statSync(path).mtimeMs);
  }
  return time;
}

export function builtServerPackages(): BuiltServerPackages {
  const library = builtPackage();
  try {
    const libraryBuilt = statSync(join(root, 'dist', 'ballast-sync', 'package.json')).mtimeMs;
    const serverBuilt = existsSync(ENTRY) ? statSync(ENTRY).mtimeMs : undefined;
    const rebuilt =
      serverBuilt === undefined ||
      serverBuilt < newest(join(sources, 'src')) ||
      serverBuilt < libraryBuilt;
    if (rebuilt) {
      progress('dist/ballast-sync-server is missing or stale: scripts/build.mjs');
      execFileSync(process.execPath, [join(sources, 'scripts', 'build.mjs')], {
        cwd: root,
        stdio: ['ignore', 'ignore', 'inherit'],
      });
    }
    mkdirSync(join(root, 'tmp'), { recursive: true });
    const copy = mkdtempSync(join(root, 'tmp', 'bench-server-'));
    const modules = join(copy, 'node_modules');
    cpSync(library.dir, join(modules, 'ballast-sync'), { recursive: true });
    // With its source maps: a CPU profile of the server then points at the .ts sources.
    cpSync(dist, join(modules, 'ballast-sync-server'), { recursive: true });
    return {
      modules,
      info: {
        ...library.info,
        built_server_package: {
          built_at: new Date(statSync(ENTRY).mtimeMs).toISOString(),
          rebuilt,
        },
      },
      remove: () => rmSync(copy, { recursive: true, force: true }),
    };
  } finally {
    library.remove();
  }
}
