export { openCopy, openTempDir, removeTempDirs } from './open-copy';
export { makeTestPki, type TestPki } from './pki';
export { processesWithEnv } from './processes';
export { requireTool } from './require-tool';

import { spawn } from 'node:child_process';
import { parseExitReason } from '../codes';
import type { Agent } from '../define-agent';
import type { ParamSpecs } from '../params/types';
import { execute } from '../runtime/execute';

/** What one action produced. */
export interface ActionResult {
  rc: number;
  stdout: string;
  stderr: string;
  exitReason: string | undefined;
}

/** How {@link runAction} and {@link runExecutable} run an action: parameters, environment, timeout. */
export interface RunActionOptions {
  /** Parameters, set as `OCF_RESKEY_<name>`. */
  params?: Record<string, string>;
  /** Extra environment (e.g. `OCF_RESKEY_CRM_meta_interval`). Merged over a Pacemaker-like base. */
  env?: Record<string, string | undefined>;
  /** Resource id (`OCF_RESOURCE_INSTANCE`); default `test`. */
  instance?: string;
  /** `CRM_meta_timeout` in ms; default 20000. */
  timeoutMs?: number;
  /** Recurring interval in ms; omit for a probe/start/stop. */
  intervalMs?: number;
}

/** The environment execd gives an agent (contract §3.1), for tests. */
export function agentEnv(type: string, options: RunActionOptions = {}): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    OCF_ROOT: '/usr/lib/ocf',
    OCF_RA_VERSION_MAJOR: '1',
    OCF_RA_VERSION_MINOR: '1',
    OCF_RESOURCE_INSTANCE: options.instance ?? 'test',
    OCF_RESOURCE_TYPE: type,
    OCF_RESOURCE_PROVIDER: 'ocfkit',
    OCF_EXIT_REASON_PREFIX: 'ocf-exit-reason:',
    OCF_RESKEY_CRM_meta_timeout: String(options.timeoutMs ?? 20_000),
    OCF_RESKEY_crm_feature_set: '3.16.1',
  };
  if (options.intervalMs) env.OCF_RESKEY_CRM_meta_interval = String(options.intervalMs);
  for (const [k, v] of Object.entries(options.params ?? {})) env[`OCF_RESKEY_${k}`] = v;
  return { ...env, ...options.env };
}

/**
 * Runs one action of an agent in this process (from source) and captures what it printed.
 *
 * @example
 * const r = await runAction(Dummy, 'start', { params: { state: '/tmp/d.state' } });
 * expect(r.rc).toBe(0);
 */
export async function runAction<P extends ParamSpecs>(
  agent: Agent<P>,
  action: string,
  options: RunActionOptions = {},
): Promise<ActionResult> {
  let stdout = '';
  let stderr = '';
  const rc = await execute(agent, {
    action,
    env: agentEnv(agent.name, options),
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    tty: false,
  });
  return { rc, stdout, stderr, exitReason: parseExitReason(stderr) };
}

/**
 * Runs one action of a built agent executable (or any OCF agent) as a child process.
 *
 * @example
 * const r = await runExecutable('dist/ocf/resource.d/ocfkit/Dummy', 'monitor', { params: { state } });
 */
export function runExecutable(path: string, action: string, options: RunActionOptions = {}): Promise<ActionResult> {
  const type = path.split('/').pop() ?? path;
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(agentEnv(type, options))) if (v !== undefined) env[k] = v;
  return new Promise((resolve, reject) => {
    const child = spawn(path, [action], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ rc: code ?? (signal ? 128 : 1), stdout, stderr, exitReason: parseExitReason(stderr) }));
  });
}
