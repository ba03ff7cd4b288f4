import { chmodSync, closeSync, mkdirSync, mkdtempSync, openSync, readSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findExecutable } from '@ocfkit/sdk';

/**
 * The interpreter `#!/usr/bin/env NAME` asks for, if the agent starts that way.
 *
 * @example
 * envInterpreter('agents/dist/ocf/resource.d/ocfkit/Dummy') // 'node'
 */
export function envInterpreter(agentPath: string): string | undefined {
  const buf = Buffer.alloc(256);
  let n = 0;
  try {
    const fd = openSync(agentPath, 'r');
    try {
      n = readSync(fd, buf, 0, buf.length, 0);
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
  const head = buf.toString('latin1', 0, n).split('\n')[0] ?? '';
  const m = /^#!\s*\S*\/env\s+(?:-S\s+)?([A-Za-z0-9_.+-]+)/.exec(head);
  return m?.[1];
}

/** Where a command is on the current PATH. */
function which(name: string): string | undefined {
  return findExecutable(name, (process.env.PATH ?? '').split(':'));
}

/**
 * The base system every node has whatever software it lacks (POSIX utilities, coreutils, grep,
 * sed, awk, findutils, procps, util-linux basics): a shell agent may use them anywhere, also in
 * meta-data (`$(basename $0)`), so hiding them would judge the sandbox, not the agent.
 */
const BASE_UTILITIES = [
  'sh', 'bash', 'dash', 'cat', 'basename', 'dirname', 'echo', 'printf', 'sed', 'grep', 'egrep', 'fgrep', 'awk', 'mawk', 'gawk',
  'tr', 'cut', 'head', 'tail', 'sort', 'uniq', 'wc', 'expr', 'test', '[', 'true', 'false', 'sleep', 'date', 'id', 'whoami',
  'hostname', 'uname', 'mkdir', 'rmdir', 'rm', 'cp', 'mv', 'ln', 'chmod', 'chown', 'chgrp', 'ls', 'touch', 'readlink',
  'realpath', 'stat', 'env', 'mktemp', 'tee', 'xargs', 'find', 'ps', 'kill', 'pgrep', 'pkill', 'logger', 'getopt', 'flock',
  'seq', 'od', 'tac', 'nohup', 'timeout', 'setsid', 'sync', 'df', 'du', 'which',
]; // biome-ignore format: a word list

/**
 * A directory to use as PATH when the agent's binaries must look absent (ocf-tester's
 * `OCF_TESTER_FAIL_HAVE_BINARY` case): it holds the base system ({@link BASE_UTILITIES}) and the
 * interpreter an `env` shebang needs (`node` for ocfkit agents), nothing else — no service
 * binary. Call `remove()` when done.
 *
 * @example
 * const sb = sandboxPath('/usr/lib/ocf/resource.d/ocfkit/Dummy'); // sb.dir: node, sh, cat, basename, ...
 */
export function sandboxPath(agentPath: string): { dir: string; remove(): void } {
  const root = mkdtempSync(join(tmpdir(), 'ocfkit-conformance-path-'));
  chmodSync(root, 0o755); // the unprivileged meta-data run must reach it
  const dir = join(root, 'bin');
  mkdirSync(dir, { mode: 0o755 });
  const interp = envInterpreter(agentPath);
  for (const name of new Set([...BASE_UTILITIES, ...(interp !== undefined ? [interp] : [])])) {
    const target = name === 'node' ? process.execPath : which(name);
    if (target !== undefined) symlinkSync(target, join(dir, name));
  }
  return { dir, remove: () => rmSync(root, { recursive: true, force: true }) };
}
