import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { buildAgent } from '@ocfkit/sdk/build';

/** Repository root (agents/Dummy/test → ../../..). */
const ROOT = resolve(import.meta.dirname, '../../..');

/** The `ocfkit` CLI as a user runs it. */
export function ocfkit(args: string[], cwd = ROOT) {
  return spawnSync(process.execPath, [join(ROOT, 'conformance/bin/ocfkit.js'), ...args], { cwd, encoding: 'utf8' });
}

/** Builds the Dummy agent into `out` and returns the executable's path. */
export async function buildDummy(out: string, provider = 'ocfkit'): Promise<string> {
  return (await buildAgent(join(ROOT, 'agents/Dummy/agent.ts'), { out, provider })).output;
}

/** Runs a command with an environment free of OCF variables from the test runner. */
export function run(cmd: string, args: string[], env: Record<string, string> = {}) {
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('OCF_')) base[k] = v;
  delete base.NODE_EXTRA_CA_CERTS;
  return spawnSync(cmd, args, { encoding: 'utf8', env: { ...base, ...env } });
}
