/**
 * Running an agent as root WITHOUT CAP_SYS_PTRACE — Docker's and Podman's default. Root then
 * cannot read /proc/<pid>/cwd or exe of another user's process (here: the postgres-owned
 * postmaster), exactly as inside a container with default capabilities.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/** setpriv arguments that drop CAP_SYS_PTRACE from the bounding and inheritable sets for what it runs. */
const DROP_PTRACE = ['--bounding-set=-sys_ptrace', '--inh-caps=-sys_ptrace'];

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The absolute path of a command on PATH (the command itself when not found). */
function onPath(cmd: string): string {
  for (const d of (process.env.PATH ?? '/usr/bin:/bin').split(':')) {
    if (d && existsSync(join(d, cmd))) return join(d, cmd);
  }
  return cmd;
}

/**
 * Writes `<dir>/<name of agent>`: an executable that runs `agent` through setpriv without
 * CAP_SYS_PTRACE when started by root (as ocf-tester, crm_resource or the conformance suite
 * would), and unchanged for anyone else (meta-data as `nobody`: only root may shrink the
 * bounding set). Returns its path.
 *
 * @example
 * const agent = noPtraceWrapper(built, join(dir, 'noptrace')); // .../noptrace/pgsql
 */
export function noPtraceWrapper(agent: string, dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const path = join(dir, basename(agent));
  // Absolute paths, node too (the agent's `#!/usr/bin/env node` would search PATH): the
  // conformance suite runs some actions with nothing on PATH.
  const node = quote(process.execPath);
  const script = [
    '#!/bin/sh',
    "# Runs the agent as root without CAP_SYS_PTRACE (Docker's default capability set).",
    `[ "$(${quote(onPath('id'))} -u)" = 0 ] || exec ${node} ${quote(agent)} "$@"`,
    `exec ${quote(onPath('setpriv'))} ${DROP_PTRACE.join(' ')} -- ${node} ${quote(agent)} "$@"`,
    '',
  ].join('\n');
  writeFileSync(path, script);
  chmodSync(path, 0o755);
  return path;
}

/**
 * Whether `/proc/<pid>/cwd` is readable, with and without CAP_SYS_PTRACE — the premise of these
 * tests is `{ withPtrace: true, withoutPtrace: false }` (anything else means they test nothing).
 */
export function cwdReadable(pid: number): { withPtrace: boolean; withoutPtrace: boolean } {
  const read = (prefix: string[]) =>
    spawnSync(prefix[0] ?? 'readlink', [...prefix.slice(1), `/proc/${pid}/cwd`], { encoding: 'utf8' }).status === 0;
  return { withPtrace: read(['readlink']), withoutPtrace: read(['setpriv', ...DROP_PTRACE, '--', 'readlink']) };
}
