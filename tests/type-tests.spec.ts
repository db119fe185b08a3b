/**
 * @jest-environment node
 */
// Jest transpiles without type-checking (isolatedModules), so type-level guarantees are checked
// here with the compiler API. A `// @ts-expect-error` line that no longer errors is a diagnostic
// too, so each tests/types/*.types.ts fails as soon as an expected error disappears.
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as ts from 'typescript';

jest.setTimeout(60_000);

const root = resolve(__dirname, '..');
const typesDir = join(root, 'tests', 'types');

function readOptions(configFile: string, overrides: ts.CompilerOptions): ts.ParsedCommandLine {
  const { config, error } = ts.readConfigFile(configFile, ts.sys.readFile);
  if (error) throw new Error(format([error]));
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, root, undefined, configFile);
  return { ...parsed, options: { ...parsed.options, ...overrides, noEmit: true } };
}

function format(diagnostics: readonly ts.Diagnostic[]): string {
  return ts.formatDiagnostics(diagnostics, {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => root,
    getNewLine: () => '\n',
  });
}

let previous: ts.Program | undefined;
function diagnosticsOf(rootNames: readonly string[], options: ts.CompilerOptions): string {
  const program = ts.createProgram({ rootNames, options, oldProgram: previous });
  previous = program;
  return format(ts.getPreEmitDiagnostics(program));
}

const rootOptions = readOptions(join(root, 'tsconfig.json'), {}).options;
const typeFiles = readdirSync(typesDir)
  .filter((f) => f.endsWith('.types.ts'))
  .sort();

describe('type-level tests (tests/types/*.types.ts)', () => {
  it('finds at least one file', () => {
    expect(typeFiles.length).toBeGreaterThan(0);
  });

  it.each(typeFiles)('%s type-checks with no diagnostics', (file) => {
    expect(diagnosticsOf([join(typesDir, file)], rootOptions)).toBe('');
  });
});

describe('spec sources', () => {
  // tsconfig.spec.json says CommonJS for ts-jest; checking needs the bundler resolution of the
  // root config, since Angular 21 types (e.g. @angular/core/testing) are reachable only via exports.
  it('type-check with no diagnostics', () => {
    const spec = readOptions(join(root, 'tsconfig.spec.json'), {
      module: rootOptions.module,
      moduleResolution: rootOptions.moduleResolution,
    });
    expect(diagnosticsOf(spec.fileNames, spec.options)).toBe('');
  });
});
