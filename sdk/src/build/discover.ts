import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The file an agent folder must contain, default-exporting `defineAgent(...)`. */
export const AGENT_FILE = 'agent.ts';

/**
 * Finds agent source files: a path may be an agent file, a folder holding `agent.ts`, or a folder
 * whose direct subfolders hold one. Sorted, so builds are deterministic.
 *
 * @example
 * discoverAgents(['agents']) // ['/repo/agents/Dummy/agent.ts', '/repo/agents/IPaddr/agent.ts', ...]
 */
export function discoverAgents(paths: readonly string[]): string[] {
  const found = new Set<string>();
  for (const p of paths) {
    const abs = resolve(p);
    if (!existsSync(abs)) throw new Error(`no such file or directory: ${p}`);
    if (statSync(abs).isFile()) {
      found.add(abs);
      continue;
    }
    if (existsSync(join(abs, AGENT_FILE))) {
      found.add(join(abs, AGENT_FILE));
      continue;
    }
    for (const entry of readdirSync(abs, { withFileTypes: true })) {
      const candidate = join(abs, entry.name, AGENT_FILE);
      if (entry.isDirectory() && entry.name !== 'node_modules' && existsSync(candidate)) found.add(candidate);
    }
  }
  if (found.size === 0) throw new Error(`no agents found in ${paths.join(', ')} (an agent is a folder with ${AGENT_FILE})`);
  return [...found].sort();
}
