import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type AgentConfig, expand, missingRequirement } from './config/agent-config';
import type { ProfileName } from './profiles/profiles';
import type { OpRecord } from './runner/agent-runner';
import { createNetns } from './runner/netns';
import { runSuite, type SuiteReport } from './suite';
import type { AgentTarget } from './target';

/** The outcome of checking one configured agent: a report, why it was skipped, or why its setup failed. */
export type AgentOutcome = { report: SuiteReport } | { skipped: string; failsUnderCi: boolean } | { error: string };

/** Runs a setup/teardown argv in the agent folder; returns why it failed, if it did. */
function runHook(what: string, argv: string[], cfg: AgentConfig, env: Record<string, string>): string | undefined {
  const [cmd, ...args] = argv;
  const command = cmd?.includes('/') && cfg.dir ? resolve(cfg.dir, cmd) : (cmd as string);
  const r = spawnSync(command, args, {
    cwd: cfg.dir ?? process.cwd(),
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 300_000,
  });
  if (r.error) return `${what} ${JSON.stringify(argv)} could not run: ${r.error.message}`;
  if (r.status !== 0)
    return `${what} ${JSON.stringify(argv)} exited ${r.status ?? r.signal}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`;
  return undefined;
}

/**
 * Checks one agent as its `conformance.json` says: skips it (with the reason) when the host lacks
 * what it needs, expands `${TMP}`/`${NIC}`, creates and removes a network namespace when asked,
 * runs its setup before and its teardown after (always).
 *
 * @example
 * const out = await runConfiguredAgent(resolveTarget('agents/dist/ocf/resource.d/ocfkit/Dummy'), loadAgentConfig('agents/Dummy/conformance.json'));
 */
export async function runConfiguredAgent(
  target: AgentTarget,
  cfg: AgentConfig,
  opts: { profile?: ProfileName; onOp?: (rec: OpRecord) => void; extraParams?: Record<string, string>; budgetMs?: number } = {},
): Promise<AgentOutcome> {
  const missing = missingRequirement(cfg);
  if (missing !== undefined) return { skipped: missing, failsUnderCi: cfg.ci !== false };
  const tmp = mkdtempSync(join(tmpdir(), `ocfkit-conformance-${target.type}-`));
  chmodSync(tmp, 0o755);
  const rig = cfg.netns ? createNetns(target.path, cfg.netns.address) : undefined;
  const hookEnv = { CONFORMANCE_TMP: tmp, ...(rig ? { CONFORMANCE_NETNS: rig.name, CONFORMANCE_NIC: rig.nic } : {}) };
  try {
    if (cfg.setup) {
      const failed = runHook('setup', cfg.setup, cfg, hookEnv);
      if (failed) return { error: failed };
    }
    const vars = { TMP: tmp, ...(rig ? { NIC: rig.nic } : {}) };
    const params = { ...expand(cfg.params, vars), ...opts.extraParams };
    const second = expand(cfg.second, vars);
    const invalid = expand(cfg.invalid, vars);
    const report = await runSuite(target, {
      params,
      ...(second ? { second } : {}),
      ...(invalid ? { invalid } : {}),
      ...(cfg.promotable ? { promotable: true } : {}),
      ...(cfg.clone ? { clone: true } : {}),
      ...(opts.profile ? { profile: opts.profile } : {}),
      ...(rig ? { wrapperPath: rig.wrapperPath } : {}),
      ...(opts.onOp ? { onOp: opts.onOp } : {}),
      ...(opts.budgetMs !== undefined ? { budgetMs: opts.budgetMs } : {}),
    });
    return { report };
  } finally {
    if (cfg.teardown) runHook('teardown', cfg.teardown, cfg, hookEnv);
    rig?.remove();
    rmSync(tmp, { recursive: true, force: true });
  }
}
