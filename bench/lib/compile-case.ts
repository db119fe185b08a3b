/*
 * Timed cases that run the library's sources (1, 2, 9) are bundled with esbuild before they run,
 * as an app's build would compile them: plain ES2022 for Node, no transpiler at run time. tsx,
 * which loads the other cases, wraps every function it creates in `__name()` (its keep-names
 * transform), and our hot paths create closures: that made a round trip up to 10× slower than the
 * same sources compiled, while the baselines (Angular, NgRx, from node_modules) paid nothing.
 * Packages stay external (Node loads them from node_modules, as the baselines always were), except
 * the workspace's own path aliases and CommonJS packages imported by name.
 */
import { build, type Plugin } from 'esbuild';
import { dirname, join, resolve } from 'node:path';

/** CommonJS packages whose named imports Node's ESM loader cannot resolve: bundled. */
const BUNDLED_PACKAGES = ['fast-json-patch'];

function externalPackages(): Plugin {
  return {
    name: 'external-packages',
    setup(esbuild) {
      esbuild.onResolve({ filter: /^[^./]/ }, (args) =>
        args.path.startsWith('ballast-sync') || BUNDLED_PACKAGES.includes(args.path)
          ? undefined // the tsconfig paths (the library's sources), or bundled
          : { path: args.path, external: true },
      );
    },
  };
}

/** Bundles `file` (a case) into `outDir`; returns the .mjs to run with node. */
export async function compileCase(root: string, file: string, outDir: string): Promise<string> {
  const entry = resolve(root, file);
  const outfile = join(outDir, file.replace(/[/\\]/g, '_').replace(/\.ts$/, '.mjs'));
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    tsconfig: join(root, 'tsconfig.json'),
    plugins: [externalPackages()],
    // The cases and bench/lib sit at the same depth, so __dirname-relative paths stay right.
    define: { __dirname: JSON.stringify(dirname(entry)) },
    logLevel: 'warning',
  });
  return outfile;
}
