import { realpathSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';
import type { PublishedEntry } from './publishedEntries.js';

const printer = ts.createPrinter({ removeComments: true, newLine: ts.NewLineKind.LineFeed });

/**
 * The compiler program that reads every entry's built declarations at once. Only our own declarations
 * are read: a third-party or lib file is given as empty, since the report prints declarations as written
 * and never needs their types (it keeps the check well under ten seconds).
 */
export function declarationsProgram(entries: readonly PublishedEntry[], root: string): ts.Program {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2023,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: [],
    noLib: true,
    noEmit: true,
  };
  const host = ts.createCompilerHost(options);
  const packagesDir = join(root, 'packages') + '/';
  const readSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, ...rest) =>
    realpathSync(fileName).startsWith(packagesDir)
      ? readSourceFile(fileName, languageVersion, ...rest)
      : ts.createSourceFile(fileName, '', languageVersion);
  return ts.createProgram({ rootNames: entries.map((entry) => entry.typesFile), options, host });
}

/** Where a declaration outside the entry's package comes from, e.g. `@janus/sqlite` or `zod`. */
function originOf(
  fileName: string,
  entry: PublishedEntry,
  packageNames: ReadonlyMap<string, string>,
): string {
  if (fileName.startsWith(entry.packageDir + sep) || fileName.startsWith(entry.packageDir + '/')) return '';
  for (const [dir, name] of packageNames) if (fileName.startsWith(dir + '/')) return name;
  const inModules = fileName.split('/node_modules/').pop() ?? fileName;
  const parts = inModules.split('/');
  return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1] ?? ''}` : (parts[0] ?? fileName);
}

// Declaration emit writes `import("./file.js").Name` for types it did not import by name; the file is an
// internal detail, so a move of it must not change the report.
function withoutRelativeImportTypes(text: string): string {
  return text.replace(/import\("\.{1,2}\/[^"]*"\)\./g, '');
}

function isTypeOnlyExport(symbol: ts.Symbol): boolean {
  return (symbol.declarations ?? []).some(
    (declaration) =>
      ts.isExportSpecifier(declaration) && (declaration.isTypeOnly || declaration.parent.parent.isTypeOnly),
  );
}

function declarationText(declaration: ts.Declaration): string {
  const sourceFile = declaration.getSourceFile();
  if (ts.isSourceFile(declaration)) return `namespace ${declaration.fileName} {}`;
  if (ts.isVariableDeclaration(declaration)) {
    const flags = ts.getCombinedNodeFlags(declaration);
    const keyword = flags & ts.NodeFlags.Const ? 'const' : flags & ts.NodeFlags.Let ? 'let' : 'var';
    return `${keyword} ${printer.printNode(ts.EmitHint.Unspecified, declaration, sourceFile)};`;
  }
  const printed = printer.printNode(ts.EmitHint.Unspecified, declaration, sourceFile);
  return printed.replace(/^(export\s+)?(default\s+)?(declare\s+)?/, '');
}

function declaredName(declaration: ts.Declaration): string | undefined {
  const name = ts.getNameOfDeclaration(declaration);
  return name && ts.isIdentifier(name) ? name.text : undefined;
}

/**
 * The report of one entry point: every exported name, in name order, with its declaration as the built
 * .d.ts declares it (comments left out). Markdown, still to be formatted by prettier.
 */
export function renderApiReport(
  program: ts.Program,
  entry: PublishedEntry,
  packageNames: ReadonlyMap<string, string>,
): string {
  const checker = program.getTypeChecker();
  const sourceFile = program.getSourceFile(entry.typesFile);
  if (sourceFile === undefined) throw new Error(`${entry.typesFile} is missing: build first (npx tsc -b)`);
  const moduleSymbol = checker.getSymbolAtLocation(sourceFile);
  const exported = moduleSymbol ? checker.getExportsOfModule(moduleSymbol) : [];
  const sorted = [...exported].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const blocks = sorted.map((symbol) => {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    const notes: string[] = [];
    // Only a value (a class, a function, a constant) can lose something by being exported as a type.
    if (target.flags & ts.SymbolFlags.Value && isTypeOnlyExport(symbol)) notes.push('type-only export');
    const lines = (target.declarations ?? []).map((declaration) => {
      const origin = originOf(declaration.getSourceFile().fileName, entry, packageNames);
      const name = declaredName(declaration);
      const prefix = [
        ...notes,
        ...(name !== undefined && name !== symbol.name ? [`declared as ${name}`] : []),
        ...(origin ? [`from ${origin}`] : []),
      ];
      const comment = prefix.length > 0 ? `// ${symbol.name}: ${prefix.join(', ')}\n` : '';
      return `${comment}export ${withoutRelativeImportTypes(declarationText(declaration))}`;
    });
    return lines.join('\n');
  });
  const importPath =
    entry.subpath === '.' ? entry.packageName : `${entry.packageName}/${entry.subpath.slice(2)}`;
  const typesFile = relative(entry.packageDir, entry.typesFile).split(sep).join('/');
  return [
    `# API report: \`${importPath}\``,
    '',
    `Every name \`${importPath}\` exports, with its declaration from the built \`${typesFile}\`.`,
    `Written by \`npm run api:update\` (do not edit by hand); \`npm test\` fails when it differs from the build,`,
    `so a change of this public surface shows in review as a diff of this file.`,
    '',
    '```ts',
    blocks.join('\n\n'),
    '```',
    '',
  ].join('\n');
}
