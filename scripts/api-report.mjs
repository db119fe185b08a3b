// Public API reports of the built library, one per entry point, checked in under tests/api/.
//
//   npm run api:update   builds the library, then (re)writes tests/api/<entry>.api.md
//   npm run api:check    builds the library, then fails with a diff when the built API differs
//   node scripts/api-report.mjs --check --no-build   (.ci/run: right after its library build)
//
// The entry points are read from dist/ballast-sync/package.json `exports` (every subpath with
// `types`), so a new one is picked up by itself: until its report is generated, the check fails.
// A report lists the entry point's exports (re-exports resolved, with their kind) and its rolled-up
// .d.ts, normalized so that only a change of the surface shows: comments and TypeScript `private`
// members (other than constructors) are left out, imports and declarations are sorted by name,
// and the text is printed by the TypeScript printer, then Prettier, with fixed options.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import ts from 'typescript';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist', 'ballast-sync');
const reportsDir = join(root, 'tests', 'api');
const REPORT_SUFFIX = '.api.md';

const args = process.argv.slice(2);
const mode = args.includes('--update') ? 'update' : args.includes('--check') ? 'check' : undefined;
const unknown = args.filter((a) => !['--update', '--check', '--no-build'].includes(a));
if (!mode || unknown.length > 0) {
  console.error('usage: node scripts/api-report.mjs --check|--update [--no-build]');
  process.exit(2);
}

if (!args.includes('--no-build')) {
  const build = spawnSync('npm', ['run', 'build:lib'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) {
    console.error('api-report: the library build failed');
    process.exit(1);
  }
}

const manifestPath = join(dist, 'package.json');
if (!existsSync(manifestPath)) {
  console.error(
    `api-report: ${relative(root, manifestPath)} is missing: run \`npm run build:lib\``,
  );
  process.exit(1);
}
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));

/** Entry points of the built package: `{ name: 'ballast-sync/core', types: <abs path>, file }`. */
function entryPoints() {
  const entries = [];
  const problems = [];
  for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
    if (subpath === './package.json') continue;
    const name = subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`;
    const types = typeof target === 'object' && target !== null ? target.types : undefined;
    if (typeof types !== 'string') {
      problems.push(`exports["${subpath}"] has no "types": ${JSON.stringify(target)}`);
      continue;
    }
    const file = `${name.replaceAll('/', '-')}${REPORT_SUFFIX}`;
    entries.push({ name, subpath, types: join(dist, types), file });
  }
  if (entries.length === 0) problems.push('package.json has no entry point in "exports"');
  return { entries: entries.sort((a, b) => cmp(a.name, b.name)), problems };
}

const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

// ---------------------------------------------------------------------------------------------
// Exports, resolved through re-exports with the type checker.

function exportTables(entries) {
  const paths = Object.fromEntries(entries.map((e) => [e.name, [e.types]]));
  const program = ts.createProgram(
    entries.map((e) => e.types),
    {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      baseUrl: dist,
      paths,
      types: [],
      skipLibCheck: true,
      noEmit: true,
    },
  );
  const checker = program.getTypeChecker();
  const entryOfFile = new Map(entries.map((e) => [resolve(e.types), e.name]));
  const origin = (sourceFile) => {
    const file = resolve(sourceFile.fileName);
    if (entryOfFile.has(file)) return entryOfFile.get(file);
    const nm = file.lastIndexOf('/node_modules/');
    return nm >= 0 ? file.slice(nm + '/node_modules/'.length) : relative(root, file);
  };
  const tables = new Map();
  for (const entry of entries) {
    const sourceFile = program.getSourceFile(entry.types);
    const moduleSymbol = sourceFile && checker.getSymbolAtLocation(sourceFile);
    if (!moduleSymbol) throw new Error(`cannot read the exports of ${entry.types}`);
    const rows = checker.getExportsOfModule(moduleSymbol).map((symbol) => {
      const target =
        symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      const declarations = target.declarations ?? [];
      const from = [...new Set(declarations.map((d) => origin(d.getSourceFile())))]
        .filter((o) => o !== entry.name)
        .join(', ');
      return { name: symbol.name, kind: kindOf(target), from };
    });
    const unresolved = rows.filter((r) => r.kind === 'unresolved');
    if (unresolved.length > 0) {
      throw new Error(
        `${entry.name}: cannot resolve ${unresolved.map((r) => r.name).join(', ')}: ` +
          'is the .d.ts complete?',
      );
    }
    tables.set(
      entry.name,
      rows.sort((a, b) => cmp(a.name, b.name)),
    );
  }
  return tables;
}

function kindOf(symbol) {
  const f = symbol.flags;
  const kinds = [];
  if (f & ts.SymbolFlags.Class) kinds.push('class');
  if (f & ts.SymbolFlags.Interface) kinds.push('interface');
  if (f & ts.SymbolFlags.TypeAlias) kinds.push('type');
  if (f & ts.SymbolFlags.Function) kinds.push('function');
  if (f & ts.SymbolFlags.Enum) kinds.push('enum');
  if (f & ts.SymbolFlags.Variable) {
    const list = symbol.declarations?.find(ts.isVariableDeclaration)?.parent;
    const flags = list ? ts.getCombinedNodeFlags(list) : 0;
    kinds.push(flags & ts.NodeFlags.Const ? 'const' : flags & ts.NodeFlags.Let ? 'let' : 'var');
  }
  if (f & (ts.SymbolFlags.ValueModule | ts.SymbolFlags.NamespaceModule)) kinds.push('namespace');
  return kinds.length > 0 ? kinds.join(' + ') : 'unresolved';
}

// ---------------------------------------------------------------------------------------------
// The .d.ts, normalized.

const isPrivateMember = (member) =>
  !ts.isConstructorDeclaration(member) &&
  !ts.isClassStaticBlockDeclaration(member) &&
  !!ts.getModifiers?.(member)?.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword);

function declaredName(statement) {
  if (ts.isVariableStatement(statement)) {
    return statement.declarationList.declarations.map((d) => d.name.getText()).join(',');
  }
  return statement.name?.getText();
}

function withoutPrivateMembers(statement) {
  if (!ts.isClassDeclaration(statement)) return statement;
  const members = statement.members.filter((m) => !isPrivateMember(m));
  if (members.length === statement.members.length) return statement;
  return ts.factory.updateClassDeclaration(
    statement,
    statement.modifiers,
    statement.name,
    statement.typeParameters,
    statement.heritageClauses,
    members,
  );
}

/** Sorts the names of `import { b, a }` / `export { b, a }`. */
function withSortedSpecifiers(statement) {
  const f = ts.factory;
  if (ts.isImportDeclaration(statement)) {
    const bindings = statement.importClause?.namedBindings;
    if (!bindings || !ts.isNamedImports(bindings)) return statement;
    const sorted = [...bindings.elements].sort((a, b) => cmp(a.name.text, b.name.text));
    return f.updateImportDeclaration(
      statement,
      statement.modifiers,
      f.updateImportClause(
        statement.importClause,
        statement.importClause.isTypeOnly,
        statement.importClause.name,
        f.updateNamedImports(bindings, sorted),
      ),
      statement.moduleSpecifier,
      statement.attributes,
    );
  }
  if (ts.isExportDeclaration(statement) && statement.exportClause) {
    const clause = statement.exportClause;
    if (!ts.isNamedExports(clause)) return statement;
    const sorted = [...clause.elements].sort((a, b) => cmp(a.name.text, b.name.text));
    return f.updateExportDeclaration(
      statement,
      statement.modifiers,
      statement.isTypeOnly,
      f.updateNamedExports(clause, sorted),
      statement.moduleSpecifier,
      statement.attributes,
    );
  }
  return statement;
}

async function normalizedDts(path) {
  const text = readFileSync(path, 'utf8');
  const sourceFile = ts.createSourceFile(
    path,
    text,
    ts.ScriptTarget.Latest,
    true,
    ts.ScriptKind.TS,
  );
  const groups = { imports: [], reexports: [], declarations: [], exports: [], other: [] };
  for (const statement of sourceFile.statements) {
    if (ts.isImportDeclaration(statement)) groups.imports.push(statement);
    else if (ts.isExportDeclaration(statement)) {
      (statement.moduleSpecifier ? groups.reexports : groups.exports).push(statement);
    } else if (declaredName(statement) !== undefined) groups.declarations.push(statement);
    else groups.other.push(statement);
  }
  const bySpecifier = (a, b) => cmp(a.moduleSpecifier.getText(), b.moduleSpecifier.getText());
  groups.imports.sort(bySpecifier);
  groups.reexports.sort(bySpecifier);
  // Stable: overloads and merged declarations of one name keep their order.
  groups.declarations.sort((a, b) => cmp(declaredName(a), declaredName(b)));
  groups.exports.sort((a, b) => Number(a.isTypeOnly) - Number(b.isTypeOnly));

  const printer = ts.createPrinter({ removeComments: true, newLine: ts.NewLineKind.LineFeed });
  const print = (statements) =>
    statements
      .map((s) => printer.printNode(ts.EmitHint.Unspecified, s, sourceFile))
      .join('\n')
      .trim();
  const sections = [
    print([...groups.imports, ...groups.reexports].map(withSortedSpecifiers)),
    print(groups.declarations.map(withoutPrivateMembers)),
    print(groups.other),
    print(groups.exports.map(withSortedSpecifiers)),
  ].filter((s) => s.length > 0);
  return prettier.format(sections.join('\n\n'), {
    parser: 'typescript',
    printWidth: 100,
    singleQuote: true,
    trailingComma: 'all',
    endOfLine: 'lf',
  });
}

// ---------------------------------------------------------------------------------------------

async function report(entry, table) {
  const exportLines = table.map(
    (r) => `| \`${r.name}\` | ${r.kind} | ${r.from ? `\`${r.from}\`` : ''} |`,
  );
  return [
    `# API report: \`${entry.name}\``,
    '',
    `Generated by \`npm run api:update\` from the built package (\`${relative(root, entry.types)}\`).`,
    'Do not edit: `npm run api:check` (run by .ci/run) fails when the built public API differs from',
    'this file. Comments and `private` members are left out; imports and declarations are sorted.',
    '',
    `## Exports (${table.length})`,
    '',
    '| name | kind | declared in |',
    '| --- | --- | --- |',
    ...exportLines,
    '',
    '## Declarations',
    '',
    '```ts',
    (await normalizedDts(entry.types)).trimEnd(),
    '```',
    '',
  ].join('\n');
}

function unifiedDiff(expectedPath, actual, label) {
  const dir = mkdtempSync(join(tmpdir(), 'api-report-'));
  try {
    const actualPath = join(dir, 'actual.md');
    writeFileSync(actualPath, actual);
    const { stdout, error } = spawnSync(
      'diff',
      [
        '-u',
        '--label',
        `${label} (checked in)`,
        '--label',
        `${label} (built)`,
        expectedPath,
        actualPath,
      ],
      { encoding: 'utf8' },
    );
    // Indented, so that its `---` / `+++` lines do not read like .ci/run's step results.
    const text = error ? `(no diff tool: ${error.message})` : stdout;
    return text.replace(/^(?=.)/gm, '    ');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const { entries, problems } = entryPoints();
  if (problems.length > 0) {
    for (const p of problems) console.error(`api-report: dist/ballast-sync/${p}`);
    return 1;
  }
  const tables = exportTables(entries);
  const reports = new Map();
  for (const entry of entries) reports.set(entry, await report(entry, tables.get(entry.name)));

  const existing = existsSync(reportsDir)
    ? readdirSync(reportsDir).filter((f) => f.endsWith(REPORT_SUFFIX))
    : [];
  const stale = existing.filter((f) => !entries.some((e) => e.file === f));
  const rel = (file) => relative(root, join(reportsDir, file));

  if (mode === 'update') {
    mkdirSync(reportsDir, { recursive: true });
    for (const [entry, text] of reports) {
      const path = join(reportsDir, entry.file);
      const before = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
      writeFileSync(path, text);
      const what = before === undefined ? 'created' : before === text ? 'unchanged' : 'updated';
      console.log(`${what.padEnd(9)} ${rel(entry.file)}  (${entry.name})`);
    }
    for (const file of stale) {
      rmSync(join(reportsDir, file));
      console.log(`removed   ${rel(file)}  (no such entry point any more)`);
    }
    return 0;
  }

  let failures = 0;
  for (const [entry, text] of reports) {
    const path = join(reportsDir, entry.file);
    if (!existsSync(path)) {
      failures++;
      console.error(
        `\n✗ ${entry.name}: new entry point with no API report (${rel(entry.file)}).\n` +
          '  Run `npm run api:update` and commit the new report.',
      );
    } else if (readFileSync(path, 'utf8') !== text) {
      failures++;
      console.error(`\n✗ ${entry.name}: the built public API differs from ${rel(entry.file)}:\n`);
      console.error(unifiedDiff(path, text, rel(entry.file)));
    } else {
      console.log(`✓ ${entry.name}: matches ${rel(entry.file)}`);
    }
  }
  for (const file of stale) {
    failures++;
    console.error(
      `\n✗ ${rel(file)}: no entry point of the built package has this report any more.`,
    );
  }
  if (failures > 0) {
    console.error(
      `\napi:check: ${failures} API report(s) out of date. If the change is on purpose, run ` +
        '`npm run api:update` and commit tests/api/; otherwise undo the change to the public API.',
    );
    return 1;
  }
  console.log(`api:check: ${entries.length} entry points match their API reports`);
  return 0;
}

process.exitCode = await main();
