/*
 * Case 7 — bundle size: what a typical import adds to a production app, minified and gzipped.
 * Each import is bundled by esbuild the way the Angular CLI's application builder bundles an app
 * for production: its JavaScript transformer (@angular/build's own, with the Angular linker and
 * its advanced optimisations), the CLI's conditions and main fields, `pure: ['forwardRef']`,
 * minification, and the production defines (ngDevMode, ngJitMode, ngServerMode, ngHmrMode =
 * false). @angular/* is external (every Angular app has it); everything else the import pulls in
 * — the package, rxjs, tslib — is counted. Ours comes from the BUILT package (dist/ballast-sync).
 *
 *   7a  ballast-sync: SyncViewModel, provideSyncViewModel, versus @ngrx/store's equivalent:
 *       Store, provideStore, createAction, createReducer, on, props (goal: no bigger)
 *   7b  the same, versus @ngrx/signals' equivalent: signalStore, withState, withMethods, patchState
 *   7c, 7d  where our bytes go, versus @ngrx/store again (no goal): the engine alone (BasicViewModel:
 *       Inputs, Events, side jobs, interceptors; no sync, no Angular), then the engine with the
 *       sync layer and the in-memory adapter (what 7a adds the Angular layer to)
 */
import { JavaScriptTransformer } from '@angular/build/private';
import { build, type Plugin } from 'esbuild';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { builtPackage, root } from '../lib/built-package';
import { progress, ratio, writeOutput, type CaseResult, type Measurement } from '../lib/results';

const IMPORTS = {
  ours: "export { SyncViewModel, provideSyncViewModel } from 'ballast-sync';",
  ngrxStore:
    "export { Store, provideStore, createAction, createReducer, on, props } from '@ngrx/store';",
  ngrxSignals: "export { signalStore, withState, withMethods, patchState } from '@ngrx/signals';",
  engine: "export { BasicViewModel } from 'ballast-sync/core';",
  engineAndSync:
    "export { BasicViewModel, BallastSyncInterceptor, DefaultSyncConnection, InMemorySyncAdapter } from 'ballast-sync/core';",
} as const;

/** The CLI's JavaScript pass over every .js/.mjs file (linker + advanced optimisations). */
function angularJavaScript(transformer: JavaScriptTransformer): Plugin {
  return {
    name: 'angular-javascript',
    setup(esbuild) {
      esbuild.onLoad({ filter: /\.[cm]?js$/ }, async (args) => {
        const { sideEffects } = await esbuild.resolve(args.path, {
          kind: 'import-statement',
          resolveDir: root,
        });
        const contents = await transformer.transformFile(args.path, false, sideEffects);
        return { contents, loader: 'js', resolveDir: dirname(args.path) };
      });
    },
  };
}

async function bundle(
  name: keyof typeof IMPORTS,
  dir: string,
  packageParent: string,
  transformer: JavaScriptTransformer,
): Promise<Measurement> {
  const entry = join(dir, `${name}.mjs`);
  writeFileSync(entry, `${IMPORTS[name]}\n`);
  const result = await build({
    entryPoints: [entry],
    absWorkingDir: root,
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['es2015', 'es2020', 'module', 'production'],
    mainFields: ['es2020', 'es2015', 'browser', 'module', 'main'],
    external: ['@angular/*'],
    nodePaths: [packageParent],
    // Not the root tsconfig: its paths would resolve 'ballast-sync' to the sources, not dist/.
    tsconfigRaw: '{}',
    minify: true,
    pure: ['forwardRef'],
    legalComments: 'none',
    define: { ngDevMode: 'false', ngJitMode: 'false', ngServerMode: 'false', ngHmrMode: 'false' },
    metafile: true,
    logLevel: 'silent',
    plugins: [angularJavaScript(transformer)],
  });
  const code = result.outputFiles[0]?.contents;
  if (!code) throw new Error(`case 7: esbuild produced nothing for ${name}`);
  const inputs = Object.keys(result.metafile.inputs);
  const bytesOf = (pattern: RegExp) =>
    Object.entries(result.metafile.outputs)
      .flatMap(([, output]) => Object.entries(output.inputs))
      .filter(([path]) => pattern.test(path))
      .reduce((sum, [, input]) => sum + input.bytesInOutput, 0);
  const gzip = gzipSync(code, { level: 9 }).length;
  progress(`case 7: ${name}: ${code.length} B minified, ${gzip} B gzip`);
  return {
    median_bytes: gzip,
    samples: 1,
    minified_bytes: code.length,
    brotli_bytes: brotliCompressSync(code, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
    }).length,
    rxjs_minified_bytes: bytesOf(/node_modules\/rxjs\//),
    files: inputs.length,
    import: IMPORTS[name],
  };
}

async function main(): Promise<void> {
  const pkg = builtPackage();
  mkdirSync(join(root, 'tmp'), { recursive: true });
  const dir = mkdtempSync(join(root, 'tmp', 'bench-bundle-'));
  const transformer = new JavaScriptTransformer(
    { sourcemap: false, advancedOptimizations: true, jit: false },
    1,
  );
  let sizes: Record<keyof typeof IMPORTS, Measurement>;
  try {
    const packageParent = dirname(pkg.dir);
    sizes = {
      ours: await bundle('ours', dir, packageParent, transformer),
      ngrxStore: await bundle('ngrxStore', dir, packageParent, transformer),
      ngrxSignals: await bundle('ngrxSignals', dir, packageParent, transformer),
      engine: await bundle('engine', dir, packageParent, transformer),
      engineAndSync: await bundle('engineAndSync', dir, packageParent, transformer),
    };
  } finally {
    await transformer.close();
    rmSync(dir, { recursive: true, force: true });
    pkg.remove();
  }
  const row = (
    name: string,
    baseline: string,
    base: Measurement,
    withGoal: boolean,
    ours: Measurement = sizes.ours,
  ): CaseResult => {
    const oursBytes = ours.median_bytes as number;
    const baseBytes = base.median_bytes as number;
    return {
      name,
      baseline,
      unit: 'bytes',
      ours,
      base,
      ratio: ratio(oursBytes, baseBytes),
      derived: {
        ours_minified_bytes: ours['minified_bytes'] as number,
        base_minified_bytes: base['minified_bytes'] as number,
        ours_brotli_bytes: ours['brotli_bytes'] as number,
        base_brotli_bytes: base['brotli_bytes'] as number,
      },
      ...(withGoal && {
        goal: {
          text: "ours ≤ NgRx Store's",
          met: oursBytes <= baseBytes,
        },
      }),
      notes:
        'gzip -9 of one esbuild bundle (minified, production defines, Angular CLI JavaScript transformer); @angular/* external; the package, rxjs and tslib counted.',
    };
  };
  writeOutput({
    cases: [
      row(
        '7a. bundle: SyncViewModel + provideSyncViewModel (gzip)',
        '@ngrx/store: Store, provideStore, createAction, createReducer, on, props',
        sizes.ngrxStore,
        true,
      ),
      row(
        '7b. bundle: SyncViewModel + provideSyncViewModel (gzip)',
        '@ngrx/signals: signalStore, withState, withMethods, patchState',
        sizes.ngrxSignals,
        false,
      ),
      row(
        '7c. bundle: the engine alone, BasicViewModel (gzip)',
        '@ngrx/store: Store, provideStore, createAction, createReducer, on, props',
        sizes.ngrxStore,
        false,
        sizes.engine,
      ),
      row(
        '7d. bundle: the engine + sync + in-memory adapter, no Angular (gzip)',
        '@ngrx/store: Store, provideStore, createAction, createReducer, on, props',
        sizes.ngrxStore,
        false,
        sizes.engineAndSync,
      ),
    ],
    info: {
      ...pkg.info,
      esbuild: readVersion('esbuild'),
      '@angular/build': readVersion('@angular/build'),
    },
  });
}

function readVersion(name: string): string {
  return (
    JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
