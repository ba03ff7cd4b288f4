import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AgentConfig, expand, missingRequirement } from './config/agent-config';
import type { ProfileName } from './profiles/profiles';
import type { OpRecord } from './runner/agent-runner';
import { createNetns } from './runner/netns';
import { runSuite, type SuiteReport } from './suite';
import type { AgentTarget } from './target';

/** The outcome of checking one configured agent: a report, or why it was skipped. */
export type AgentOutcome = { report: SuiteReport } | { skipped: string; failsUnderCi: boolean };

/**
 * Checks one agent as its `conformance.json` says: skips it (with the reason) when the host lacks
 * what it needs, expands `${TMP}`/`${NIC}`, creates and removes a network namespace when asked.
 *
 * @example
 * const out = await runConfiguredAgent(resolveTarget('agents/dist/ocf/resource.d/ocfkit/Dummy'), loadAgentConfig('agents/Dummy/conformance.json'));
 */
export async function runConfiguredAgent(
  target: AgentTarget,
  cfg: AgentConfig,
  opts: { profile?: ProfileName; onOp?: (rec: OpRecord) => void; extraParams?: Record<string, string> } = {},
): Promise<AgentOutcome> {
  const missing = missingRequirement(cfg);
  if (missing !== undefined) return { skipped: missing, failsUnderCi: cfg.ci !== false };
  const tmp = mkdtempSync(join(tmpdir(), `ocfkit-conformance-${target.type}-`));
  chmodSync(tmp, 0o755);
  const rig = cfg.netns ? createNetns(target.path, cfg.netns.address) : undefined;
  try {
    const vars = { TMP: tmp, ...(rig ? { NIC: rig.nic } : {}) };
    const params = { ...expand(cfg.params, vars), ...opts.extraParams };
    const second = expand(cfg.second, vars);
    const invalid = expand(cfg.invalid, vars);
    const report = await runSuite(target, {
      params,
      ...(second ? { second } : {}),
      ...(invalid ? { invalid } : {}),
      ...(opts.profile ? { profile: opts.profile } : {}),
      ...(rig ? { wrapperPath: rig.wrapperPath } : {}),
      ...(opts.onOp ? { onOp: opts.onOp } : {}),
    });
    return { report };
  } finally {
    rig?.remove();
    rmSync(tmp, { recursive: true, force: true });
  }
}
