import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNetns } from '../src/runner/netns';
import { runSuite } from '../src/suite';
import { resolveTarget } from '../src/target';
import { prepare, type TableEntry } from './agent-table';

/** One error-level rule an agent failed, with what the suite saw. */
interface ErrorFinding {
  rule: string;
  messages: string[];
}

/** What the suite said about one Debian agent. */
export interface AgentSweep {
  agent: string;
  errors: ErrorFinding[];
  /** Warning-level rules that did not hold (reported, never failing). */
  warnings: string[];
  /** The suite could not run at all (agent missing, namespace not created); the reason. */
  crashed?: string;
  durationMs: number;
}

/** The stable key of one error finding: `heartbeat:Squid probe.binaries-hidden`. */
export const findingKey = (agent: string, rule: string): string => `${agent} ${rule}`;

/**
 * Runs the conformance suite on one installed agent with the table's parameters: a fresh scratch
 * directory (what the row names created in it), a private network namespace when flagged, and
 * both removed afterwards.
 *
 * @example
 * const s = await sweepAgent(loadAgentTable().find((e) => e.agent === 'heartbeat:Squid')!);
 * s.errors.map((e) => e.rule) // ['probe.binaries-hidden']
 */
async function sweepAgent(entry: TableEntry): Promise<AgentSweep> {
  const began = Date.now();
  const scratch = mkdtempSync(join(tmpdir(), `ocfkit-debian-${entry.agent.replace(':', '-')}-`));
  chmodSync(scratch, 0o755);
  let rig: ReturnType<typeof createNetns> | undefined;
  try {
    const target = resolveTarget(`ocf:${entry.agent}`);
    if (entry.netns) rig = createNetns(target.path, '192.0.2.1/24');
    const params = prepare(entry, scratch, rig?.nic);
    const report = await runSuite(target, {
      params,
      ...(entry.promotable ? { promotable: true } : {}),
      ...(rig ? { wrapperPath: rig.wrapperPath } : {}),
    });
    const failed = report.results.filter((r) => r.status === 'failed');
    return {
      agent: entry.agent,
      errors: failed.filter((r) => r.severity === 'error').map((r) => ({ rule: r.id, messages: r.findings.map((f) => f.message) })),
      warnings: failed.filter((r) => r.severity === 'warning').map((r) => r.id),
      durationMs: Date.now() - began,
    };
  } catch (err) {
    return { agent: entry.agent, errors: [], warnings: [], crashed: (err as Error).message, durationMs: Date.now() - began };
  } finally {
    rig?.remove();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Sweeps `entries` with at most `jobs` agents at a time, in table order of completion.
 *
 * @example
 * const all = await sweep(loadAgentTable(), 3, (s) => console.log(s.agent));
 */
export async function sweep(entries: readonly TableEntry[], jobs: number, onDone?: (s: AgentSweep) => void): Promise<AgentSweep[]> {
  const out: AgentSweep[] = new Array(entries.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < entries.length; i = next++) {
      const s = await sweepAgent(entries[i] as TableEntry);
      out[i] = s;
      onDone?.(s);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, jobs) }, worker));
  return out;
}
