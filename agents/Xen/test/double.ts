import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseListTable } from '../xl-list';

const DOUBLE = join(dirname(fileURLToPath(import.meta.url)), 'double');

/** A sandbox of the Xen toolstack double: one "network" of hosts, each a state directory. */
export interface XenSandbox {
  root: string;
  /** The environment that puts the double first on PATH for `host` with `tool` only. */
  env(host?: string, extra?: Record<string, string>): Record<string, string>;
  /** Runs the double's xl/xm (or the test controls, `ctl`) as `host`. */
  run(tool: 'xl' | 'xm' | 'ctl', args: string[], host?: string): { code: number | null; stdout: string; stderr: string };
  /** Domain names with their state letters on `host`, from a real `xl list` parse. */
  domains(host?: string): Record<string, string>;
  /** Writes a config file and returns its path. */
  config(name: string, text: string): string;
  cleanup(): void;
}

/**
 * Creates a sandbox with hosts `hosts` and a bin directory holding only `tool` (so the agent
 * finds xl or xm, as on a real dom0), plus `xen-double-ctl` for the tests.
 *
 * @example
 * const xen = sandbox('xl', ['node1', 'node2']);
 * await runAction(Xen, 'start', { params, env: xen.env('node1') });
 */
export function sandbox(tool: 'xl' | 'xm', hosts: readonly string[] = ['localhost'], extraEnv: Record<string, string> = {}): XenSandbox {
  const root = mkdtempSync(join(tmpdir(), 'ocfkit-xen-'));
  const bin = join(root, 'bin');
  mkdirSync(bin);
  symlinkSync(join(DOUBLE, tool), join(bin, tool));
  for (const h of hosts) mkdirSync(join(root, 'hosts', h), { recursive: true });
  const env = (host = hosts[0] ?? 'localhost', extra: Record<string, string> = {}) => ({
    PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    XEN_DOUBLE_DIR: root,
    XEN_DOUBLE_HOST: host,
    XEN_DOUBLE_SHUTDOWN_MS: '800',
    ...extraEnv,
    ...extra,
  });
  const run = (t: 'xl' | 'xm' | 'ctl', args: string[], host?: string) => {
    const file = t === 'ctl' ? join(DOUBLE, 'xen-double-ctl') : join(DOUBLE, t);
    const r = spawnSync(file, args, { env: env(host), encoding: 'utf8' });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  return {
    root,
    env,
    run,
    domains(host) {
      const out: Record<string, string> = {};
      for (const row of parseListTable(run(tool, ['list'], host).stdout)) if (row.name !== 'Domain-0') out[row.name] = row.state;
      return out;
    },
    config(name, text) {
      const file = join(root, `${name}.cfg`);
      writeFileSync(file, text);
      return file;
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}
