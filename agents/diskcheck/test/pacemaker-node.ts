/**
 * A real single-node Pacemaker cluster for tests, in private namespaces on this host
 * (fixtures/pacemaker-node.sh): commands run inside it through `nsenter`.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { requireTool } from '@ocfkit/sdk/testing';
import { runAsync } from './helpers';

export interface PacemakerNode {
  /** Host pid of the namespace's init. */
  pid: number;
  /** Runs a command inside the node's namespaces (env passed as given). */
  run(
    cmd: string,
    args: readonly string[],
    env?: Record<string, string>,
  ): Promise<{ status: number | null; stdout: string; stderr: string }>;
  /** The argv prefix that runs a command inside the node. */
  enter: readonly string[];
  close(): Promise<void>;
}

/** Why a namespaced Pacemaker node cannot run here (undefined when it can); throws under CI=true. */
export function pacemakerNodeMissing(): string | undefined {
  return requireTool(
    ['unshare', 'nsenter', 'corosync', 'corosync-cfgtool', 'pacemakerd', 'cibadmin', 'crm_mon', 'crm_resource', 'attrd_updater', 'ip'],
    () => {
      if (process.getuid?.() !== 0) return 'a namespaced Pacemaker node needs root';
      const probe = spawnSync('unshare', ['-m', '-n', '-i', '-u', '-p', '-f', '--mount-proc', 'true'], { encoding: 'utf8' });
      return probe.status === 0 ? undefined : `cannot create namespaces here (unshare: ${probe.stderr.trim()})`;
    },
  );
}

/**
 * Starts the node and resolves once it is online (about 3-6 s here).
 *
 * @example
 * const node = await pacemakerNode(workDir);
 * await node.run('attrd_updater', ['-n', 'x', '-U', '1']);
 */
export async function pacemakerNode(work: string): Promise<PacemakerNode> {
  const script = resolve(import.meta.dirname, 'fixtures/pacemaker-node.sh');
  const child: ChildProcess = spawn('unshare', ['-m', '-n', '-i', '-u', '-p', '-f', '--mount-proc', script, work], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  await new Promise<void>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`Pacemaker node not online within 90 s: ${out}`)), 90_000);
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out.includes('READY')) {
        clearTimeout(timer);
        ok();
      }
    });
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`Pacemaker node exited ${code}: ${out}`));
    });
  });
  const upid = child.pid as number;
  const pid = Number.parseInt(readFileSync(`/proc/${upid}/task/${upid}/children`, 'utf8').trim().split(/\s+/)[0] ?? '', 10);
  const enter = ['nsenter', '-t', String(pid), '-m', '-n', '-i', '-u', '-p', '--'];
  return {
    pid,
    enter,
    run: (cmd, args, env = { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin' }) =>
      runAsync('nsenter', [...enter.slice(1), cmd, ...args], env),
    async close() {
      // Killing the namespace's init ends every process in it.
      spawnSync('kill', ['-KILL', String(pid)]);
      if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.on('exit', r));
    },
  };
}
