import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findUnused, formatFinding } from './unused-exports';

const ROOT = join(import.meta.dirname, '..', '..');

describe('dead code check (exports nothing imports, files nothing imports)', () => {
  it('finds none in this checkout', () => {
    expect(findUnused(ROOT).map(formatFinding)).toEqual([]);
  }, 60_000);

  it('finds an unused export, an export used only in its module or only by tests, and an orphan file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ocfkit-unused-'));
    try {
      const files: Record<string, string> = {
        'package.json': JSON.stringify({ private: true, type: 'module', workspaces: ['pkg'], scripts: { tool: 'tsx pkg/tool.ts' } }),
        'tsconfig.json': JSON.stringify({
          compilerOptions: { module: 'ESNext', moduleResolution: 'Bundler', customConditions: ['source'] },
        }),
        'pkg/package.json': JSON.stringify({ name: 'pkg', exports: { '.': { source: './src/index.ts' } } }),
        // Public API: what the exports map names, and what it re-exports, are used by definition.
        'pkg/src/index.ts': "export { api } from './a';\nexport * from './star';\n",
        'pkg/src/star.ts': 'export const viaStar = 1;\n',
        'pkg/src/a.ts': [
          'export function api() { return local(); }',
          'export function local() { return 1; }',
          'export const unused = 2;',
          'export function onlyTested() { return 3; }',
          'export interface Shape { x: number }',
          "export { helper } from './b';",
        ].join('\n'),
        'pkg/src/b.ts': 'export const helper = 4;\nexport type Unread = string;\n',
        'pkg/src/c.ts': "import { type Shape } from './a';\nexport const used: Shape = { x: 1 };\n",
        'pkg/src/d.ts': "import { used } from './c';\nimport { helper } from './a';\nexport default used.x + helper;\n",
        'pkg/src/e.ts': "const d = await import('./d');\nexport const e = d;\n",
        'pkg/src/orphan.ts': 'export const lost = 5;\n',
        'pkg/src/a.test.ts': "import { onlyTested } from './a';\nimport { e } from './e';\nonlyTested(e);\n",
        'pkg/tool.ts': "import { e } from './src/e';\nexport const tool = e;\n",
      };
      for (const [f, text] of Object.entries(files)) {
        mkdirSync(join(dir, dirname(f)), { recursive: true });
        writeFileSync(join(dir, f), text);
      }
      execFileSync('git', ['init', '-q', dir]);
      expect(findUnused(dir).map(formatFinding)).toEqual([
        'pkg/src/a.ts: local (exported, used only in its own module)',
        'pkg/src/a.ts: onlyTested (exported, used by tests only)',
        'pkg/src/a.ts: unused (exported, used nowhere)',
        'pkg/src/b.ts: Unread (exported, used nowhere)',
        'pkg/src/orphan.ts: imported by nothing',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
