import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Findings } from './findings';
import { interpreterCheck } from './interpreter-check';
import { ruleById } from './rules';

const dir = mkdtempSync(join(tmpdir(), 'ocfkit-interp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function verdict(firstLine: string, execdPath?: string) {
  const file = join(dir, 'agent');
  writeFileSync(file, `${firstLine}\n`, { mode: 0o755 });
  const f = new Findings();
  interpreterCheck(f, file, execdPath);
  const [r] = f.results([ruleById('agent.interpreter-on-path')]);
  return [r?.status, r?.severity, r?.findings.map((x) => x.message)];
}

describe('agent.interpreter-on-path', () => {
  it("passes an env interpreter found on execd's PATH", () => {
    expect(verdict('#!/usr/bin/env sh', '/nonexistent/bin:/usr/bin')).toEqual([
      'passed',
      'warning',
      ["#!/usr/bin/env sh finds /usr/bin/sh on execd's PATH"],
    ]);
  });

  it("warns when the interpreter is not on execd's PATH, saying how to fix it", () => {
    expect(verdict('#!/usr/bin/env node', '/nonexistent/bin')).toEqual([
      'failed',
      'warning',
      [
        "#!/usr/bin/env node: no node on execd's PATH (/nonexistent/bin), so Pacemaker could run no action of it; install with `ocfkit install` (it writes Node's absolute path) or build with --shebang auto",
      ],
    ]);
  });

  it('passes an absolute interpreter', () => {
    expect(verdict('#!/usr/bin/node')[0]).toBe('passed');
  });
});
