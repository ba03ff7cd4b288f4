/**
 * Dead code finder on the TypeScript compiler API (knip cannot be installed from this mirror):
 * exported names no other module imports, and modules nothing imports. Files are only parsed
 * (no type checking), and module names are resolved with the checkout's tsconfig, so workspace
 * packages resolve to their `source` files.
 *
 * Public API is used by definition: what a package.json `exports` map names, agents (agent.ts, loaded
 * by `ocfkit build`), benchmarks (loaded by bench/run.ts), configuration files and the scripts
 * package.json runs. A name that only tests import counts as unused unless it lives in a test helper
 * (a file under a test/ or testing/ folder, or a *.test.ts).
 *
 * Run on its own: `npx tsx conformance/test/unused-exports.ts` (prints what it finds, exit 1 if anything).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';

interface Module {
  file: string;
  /** Names declared here and exported (`export function f`, `export { f }`, `export default`). */
  local: Set<string>;
  /** `export { a as b } from './x'`: b → (x, a). */
  reexports: Map<string, { from: string; name: string }>;
  /** `export * from './x'`. */
  stars: string[];
  /** What this module imports: module → names ('*' for a namespace or dynamic import). */
  imports: Map<string, Set<string>>;
  /** Identifiers referred to in this module beyond their declaration (a local use of an export). */
  referenced: Set<string>;
  /** String literals naming a .ts file (a module run by path: `tsx some/main.ts`). */
  paths: string[];
}

interface Finding {
  file: string;
  /** The export's name; undefined: the whole file is imported by nothing. */
  name?: string;
  /** Imported by tests only (and not a test helper). */
  testsOnly?: boolean;
  /** Used inside its own module: only the `export` is superfluous, not the code. */
  usedLocally?: boolean;
}

const isTest = (f: string) => /\.test(-d)?\.ts$/.test(f);
const isTestHelper = (f: string) => isTest(f) || /(^|\/)(test|testing)\//.test(f);

function scriptFiles(root: string): string[] {
  const files: string[] = [];
  const workspaces = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces?: string[] }).workspaces ?? [];
  for (const pkg of ['package.json', ...workspaces.map((w) => join(w, 'package.json'))]) {
    const json = JSON.parse(readFileSync(join(root, pkg), 'utf8')) as {
      exports?: Record<string, { source?: string }>;
      scripts?: Record<string, string>;
    };
    const dir = dirname(pkg);
    for (const e of Object.values(json.exports ?? {})) if (e.source) files.push(join(dir, e.source));
    for (const s of Object.values(json.scripts ?? {})) for (const m of s.matchAll(/(\S+\.ts)\b/g)) files.push(join(dir, m[1] as string));
  }
  return files.map((f) => f.replace(/^\.\//, ''));
}

/** Files whose exports are public (used by whatever loads them) and which need no importer. */
function isEntry(f: string, scripts: Set<string>): boolean {
  return (
    scripts.has(f) || /(^|\/)agent\.ts$/.test(f) || /\.bench\.ts$/.test(f) || /(^|\/)[\w-]+\.config\.ts$/.test(f) || f === 'bench/run.ts'
  );
}

/** Whether an identifier refers to a binding (not a declaration's own name, a property name or an export list entry). */
function isReference(id: ts.Identifier): boolean {
  const p = id.parent;
  if ((ts.isPropertyAccessExpression(p) || ts.isQualifiedName(p)) && (ts.isPropertyAccessExpression(p) ? p.name : p.right) === id)
    return false;
  if (ts.isExportSpecifier(p) || ts.isImportSpecifier(p) || ts.isImportClause(p) || ts.isNamespaceImport(p)) return false;
  if (
    (ts.isPropertyAssignment(p) || ts.isPropertySignature(p) || ts.isPropertyDeclaration(p) || ts.isMethodDeclaration(p)) &&
    p.name === id
  )
    return false;
  const declares =
    ts.isFunctionDeclaration(p) ||
    ts.isClassDeclaration(p) ||
    ts.isInterfaceDeclaration(p) ||
    ts.isTypeAliasDeclaration(p) ||
    ts.isEnumDeclaration(p) ||
    ts.isVariableDeclaration(p);
  return !(declares && (p as ts.NamedDeclaration).name === id);
}

function parseModule(root: string, file: string, resolve: (spec: string, from: string) => string | undefined): Module {
  const text = readFileSync(join(root, file), 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const m: Module = { file, local: new Set(), reexports: new Map(), stars: [], imports: new Map(), referenced: new Set(), paths: [] };
  const use = (spec: string, name: string) => {
    const target = resolve(spec, file);
    if (target === undefined) return;
    const names = m.imports.get(target) ?? new Set<string>();
    m.imports.set(target, names);
    names.add(name);
  };
  const exported = (n: ts.Node) => ts.canHaveModifiers(n) && (ts.getModifiers(n) ?? []).some((k) => k.kind === ts.SyntaxKind.ExportKeyword);
  const isDefault = (n: ts.Node) =>
    ts.canHaveModifiers(n) && (ts.getModifiers(n) ?? []).some((k) => k.kind === ts.SyntaxKind.DefaultKeyword);
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier)) {
      const spec = st.moduleSpecifier.text;
      const c = st.importClause;
      if (!c) use(spec, '*');
      else {
        if (c.name) use(spec, 'default');
        if (c.namedBindings && ts.isNamespaceImport(c.namedBindings)) use(spec, '*');
        if (c.namedBindings && ts.isNamedImports(c.namedBindings))
          for (const el of c.namedBindings.elements) use(spec, (el.propertyName ?? el.name).text);
      }
    } else if (ts.isExportDeclaration(st)) {
      const spec = st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier) ? st.moduleSpecifier.text : undefined;
      if (spec !== undefined) {
        const target = resolve(spec, file);
        if (!st.exportClause) {
          if (target) m.stars.push(target);
        } else if (ts.isNamedExports(st.exportClause)) {
          for (const el of st.exportClause.elements)
            if (target) m.reexports.set(el.name.text, { from: target, name: (el.propertyName ?? el.name).text });
        } else if (target) m.reexports.set(st.exportClause.name.text, { from: target, name: '*' });
      } else if (st.exportClause && ts.isNamedExports(st.exportClause))
        for (const el of st.exportClause.elements) m.local.add(el.name.text);
    } else if (ts.isExportAssignment(st)) m.local.add('default');
    else if (exported(st)) {
      if (isDefault(st)) m.local.add('default');
      else if (ts.isVariableStatement(st)) {
        for (const d of st.declarationList.declarations) if (ts.isIdentifier(d.name)) m.local.add(d.name.text);
      } else if (
        (ts.isFunctionDeclaration(st) ||
          ts.isClassDeclaration(st) ||
          ts.isInterfaceDeclaration(st) ||
          ts.isTypeAliasDeclaration(st) ||
          ts.isEnumDeclaration(st)) &&
        st.name
      )
        m.local.add(st.name.text);
    }
  }
  // Dynamic imports and `typeof import('x')` anywhere: the whole module is used.
  const visit = (n: ts.Node) => {
    if (ts.isIdentifier(n) && isReference(n)) m.referenced.add(n.text);
    else if (ts.isStringLiteralLike(n) && /^[\w./-]+\.ts$/.test(n.text)) m.paths.push(n.text.replace(/^(\.\.?\/)+/, ''));
    if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = n.arguments;
      if (arg && ts.isStringLiteralLike(arg)) use(arg.text, '*');
    } else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument) && ts.isStringLiteral(n.argument.literal)) {
      use(n.argument.literal.text, n.qualifier && ts.isIdentifier(n.qualifier) ? n.qualifier.text : '*');
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return m;
}

/**
 * Every unused export and unimported file under `root` (a checkout with package.json workspaces).
 *
 * @example
 * for (const f of findUnused(process.cwd())) console.log(f.file, f.name ?? '(file)');
 */
export function findUnused(root: string): Finding[] {
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.ts'], { cwd: root, encoding: 'utf8' })
    .split('\n')
    .filter((f) => f !== '' && !f.endsWith('.d.ts') && !/(^|\/)(dist|node_modules|fixtures)\//.test(f));
  const known = new Set(files);
  const config = ts.getParsedCommandLineOfConfigFile(
    join(root, 'tsconfig.json'),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
  );
  const options = config?.options ?? {};
  const cache = new Map<string, string | undefined>();
  const resolve = (spec: string, from: string): string | undefined => {
    const key = `${dirname(from)}\0${spec}`;
    if (cache.has(key)) return cache.get(key);
    const r = ts.resolveModuleName(spec, join(root, from), options, ts.sys).resolvedModule;
    let out: string | undefined;
    if (r && !r.isExternalLibraryImport) {
      const rel = relative(root, realpathSync(r.resolvedFileName));
      out = known.has(rel) ? rel : undefined;
    } else if (r?.resolvedFileName.includes('/node_modules/@ocfkit/')) {
      const rel = relative(root, realpathSync(r.resolvedFileName));
      out = known.has(rel) ? rel : undefined;
    }
    cache.set(key, out);
    return out;
  };
  const modules = new Map(files.map((f) => [f, parseModule(root, f, resolve)]));
  const scripts = new Set(scriptFiles(root));

  // (file, name) → the kinds of user: 'source' or 'test'.
  const used = new Map<string, Set<'source' | 'test'>>();
  const mark = (file: string, name: string, by: 'source' | 'test', seen = new Set<string>()) => {
    const m = modules.get(file);
    if (!m || seen.has(`${file}\0${name}`)) return;
    seen.add(`${file}\0${name}`);
    if (name === '*') {
      for (const n of [...m.local, ...m.reexports.keys()]) mark(file, n, by, seen);
      for (const s of m.stars) mark(s, '*', by, seen);
      return;
    }
    const key = `${file}\0${name}`;
    const kinds = used.get(key) ?? new Set<'source' | 'test'>();
    used.set(key, kinds);
    kinds.add(by);
    const re = m.reexports.get(name);
    if (re) mark(re.from, re.name, by, seen);
    else if (!m.local.has(name)) for (const s of m.stars) mark(s, name, by, seen);
  };
  const importedFiles = new Set<string>();
  for (const m of modules.values()) {
    const by = isTestHelper(m.file) ? 'test' : 'source';
    for (const [target, names] of m.imports) {
      if (target !== m.file) importedFiles.add(target);
      for (const n of names) mark(target, n, by);
    }
    for (const s of m.stars) importedFiles.add(s);
    for (const p of m.paths.filter((p) => p.includes('/')))
      for (const f of modules.keys())
        if (f === p || f.endsWith(`/${p}`)) {
          importedFiles.add(f);
          mark(f, '*', by);
        }
    for (const r of m.reexports.values()) importedFiles.add(r.from);
    if (isEntry(m.file, scripts)) mark(m.file, '*', 'source');
  }

  const findings: Finding[] = [];
  for (const m of modules.values()) {
    const entry = isEntry(m.file, scripts);
    if (!entry && !isTest(m.file) && !importedFiles.has(m.file)) {
      findings.push({ file: m.file });
      continue;
    }
    if (entry) continue;
    for (const name of [...m.local, ...m.reexports.keys()].sort()) {
      const kinds = used.get(`${m.file}\0${name}`);
      const usedLocally = m.referenced.has(name);
      if (!kinds) findings.push({ file: m.file, name, ...(usedLocally ? { usedLocally } : {}) });
      else if (!kinds.has('source') && !isTestHelper(m.file) && !usedLocally) findings.push({ file: m.file, name, testsOnly: true });
    }
  }
  return findings.sort((a, b) => a.file.localeCompare(b.file) || (a.name ?? '').localeCompare(b.name ?? ''));
}

/** One line per finding, as the test and the script print them. */
export function formatFinding(f: Finding): string {
  if (f.name === undefined) return `${f.file}: imported by nothing`;
  const why = f.testsOnly
    ? 'exported, used by tests only'
    : f.usedLocally
      ? 'exported, used only in its own module'
      : 'exported, used nowhere';
  return `${f.file}: ${f.name} (${why})`;
}

if (process.argv[1] && realpathSync(process.argv[1]) === realpathSync(new URL(import.meta.url).pathname)) {
  const found = findUnused(process.cwd());
  for (const f of found) process.stdout.write(`${formatFinding(f)}\n`);
  process.stdout.write(`${found.length} unused\n`);
  process.exitCode = found.length > 0 ? 1 : 0;
}
