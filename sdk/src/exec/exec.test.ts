import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OCF } from '../codes';
import { defineAgent } from '../define-agent';
import { runAction } from '../testing';
import { processesWithEnv } from '../testing/processes';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ocfkit-run-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const shellish = defineAgent({
  name: 'Cmd',
  version: '1',
  shortdesc: 's',
  longdesc: 'l',
  params: {
    word: { type: 'string', shortdesc: 'word', default: 'x' },
    out: { type: 'string', shortdesc: 'out', required: true },
    secret: { type: 'string', shortdesc: 'secret', default: '' },
  },
  status: () => 'stopped',
  actions: {
    start: () => {},
    stop: () => {},
    async notify(ctx) {
      const r = await ctx.exec('printf', ['%s', ctx.params.word]);
      await ctx.exec('sh', ['-c', 'cat > "$1"', 'sh', ctx.params.out], { input: r.stdout });
      return OCF.SUCCESS;
    },
    async migrate_to(ctx) {
      // A long child (with a grandchild) that the deadline must kill.
      await ctx.exec('sh', ['-c', `echo $$ > ${ctx.params.out}; sleep 300 & wait`]);
      return OCF.SUCCESS;
    },
    async 'reload-agent'(ctx) {
      await ctx.exec('sh', ['-c', 'echo "denied for $1" >&2; exit 3', 'sh', ctx.params.secret], { redact: [ctx.params.secret] });
      return OCF.SUCCESS;
    },
  },
});

describe('ctx.exec', () => {
  it('passes parameters as argv words, never through the shell', async () => {
    const out = join(dir, 'out');
    const marker = join(dir, 'pwned');
    const word = `$(touch ${marker}); \`touch ${marker}\` '"; touch ${marker}`;
    const r = await runAction(shellish, 'notify', { params: { word, out } });
    expect(r.rc).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(word);
    expect(existsSync(marker)).toBe(false);
  });

  it('kills the command and its children when the deadline fires', async () => {
    const out = join(dir, 'pid');
    const r = await runAction(shellish, 'migrate_to', { params: { out }, timeoutMs: 2000 });
    expect(r.rc).toBe(1);
    expect(r.exitReason).toMatch(/^migrate_to did not complete within 2s|killed: action deadline reached/);
    expect(readFileSync(out, 'utf8')).toMatch(/^\d+\n$/);
    // Neither the shell nor its `sleep 300` child may survive (re-parented or not).
    expect(processesWithEnv(`OCF_RESKEY_out=${out}`)).toEqual([]);
  });

  it('turns a failing command into 1 with its stderr, secrets redacted', async () => {
    const r = await runAction(shellish, 'reload-agent', { params: { out: '/x', secret: 'hunter2' } });
    expect(r.rc).toBe(1);
    expect(r.exitReason).toBe('sh -c echo "denied for $1" >&2; exit 3 sh *** exited 3: denied for ***');
  });
});

describe('ctx.exec env', () => {
  const envAgent = defineAgent({
    name: 'EnvCmd',
    version: '1',
    shortdesc: 's',
    longdesc: 'l',
    params: { out: { type: 'string', shortdesc: 'out', required: true } },
    status: () => 'stopped',
    actions: {
      start: () => {},
      stop: () => {},
      async notify(ctx) {
        // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a template
        const script = 'printf "%s|%s|%s" "${OCF_RESKEY_out-unset}" "${KEEP-unset}" "${ADDED-unset}" > "$1"';
        await ctx.exec('sh', ['-c', script, 'sh', ctx.params.out], { env: { OCF_RESKEY_out: undefined, ADDED: 'new' } });
        return OCF.SUCCESS;
      },
    },
  });

  it('removes variables set to undefined and adds the others, keeping the rest', async () => {
    const out = join(dir, 'env');
    const r = await runAction(envAgent, 'notify', { params: { out }, env: { KEEP: 'kept' } });
    expect(r.rc).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe('unset|kept|new');
  });
});

describe('exec with input', () => {
  it("does not let bash source ~/.bashrc (stdin is a socket) as execd's environment, without SHLVL, would", async () => {
    const { writeFileSync } = await import('node:fs');
    const { createExec } = await import('./exec');
    const { createLogger } = await import('../log/logger');
    // An rc file that prints and swallows a line of stdin, as pyenv's init or a `read` can.
    writeFileSync(join(dir, '.bashrc'), 'echo RC-SOURCED >&2; read -r swallowed\n');
    const env = { PATH: process.env.PATH, HOME: dir };
    const log = createLogger({ env, tag: 't', writeStderr: () => {} });
    const exec = createExec({ env, signal: new AbortController().signal, log });
    const r = await exec('cat', [], { input: 'line 1\nline 2\n' });
    expect([r.stdout, r.stderr]).toEqual(['line 1\nline 2\n', '']);
  });
});

describe('ctx.exec runs argv directly', () => {
  const direct = defineAgent({
    name: 'Direct',
    version: '1',
    shortdesc: 's',
    longdesc: 'l',
    params: { program: { type: 'string', shortdesc: 'program', default: 'true' } },
    status: () => 'stopped',
    actions: {
      start: () => {},
      stop: () => {},
      async notify(ctx) {
        await ctx.exec(ctx.params.program);
        return OCF.SUCCESS;
      },
      async migrate_to(ctx) {
        // A daemon-like grandchild keeps the command's stdout open long after the command exits.
        const r = await ctx.exec('sh', ['-c', 'sleep 30 & echo started']);
        ctx.log.info(`said ${r.stdout.trim()} in ${r.durationMs < 5000 ? 'time' : `${r.durationMs} ms`}`);
        return OCF.SUCCESS;
      },
    },
  });

  it('a program named like a shell option is a program that cannot be found, not a no-op success', async () => {
    // Before: `exec -c` in bash ran nothing and exited 0.
    for (const program of ['-c', '--', '-']) {
      const r = await runAction(direct, 'notify', { params: { program } });
      expect([r.rc, r.exitReason]).toEqual([OCF.ERR_INSTALLED, `command not found: ${program}`]);
    }
  });

  it('returns when the command exits, even if a background child still holds its output open', async () => {
    const r = await runAction(direct, 'migrate_to', { timeoutMs: 20_000 });
    expect(r.rc).toBe(0);
    expect(r.stderr).toContain('said started in time');
  });
});
