/**
 * An ordering cycle (a → b → c → a) can never run. Pacemaker writes the graph anyway and its
 * transition engine gives up ("An invalid transition was produced"); the engine reports the cycle,
 * exits 1 and leaves the cycle's actions (and what is ordered after them) out of the graph.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireTool } from '@ocfkit/sdk/testing';
import { describe, expect, it } from 'vitest';
import { engineCommand } from '../../src/cli/engine.js';
import type { TransitionGraph } from '../../src/core/graph.js';
import { orderingCycles } from '../../src/core/order-cycles.js';

const input = new URL('fixtures/ordering-cycle.xml', import.meta.url).pathname;
const NOW = '1800000000';

async function simulate(dir: string): Promise<{ code: number; out: string; err: string; graph: TransitionGraph }> {
  const out: string[] = [];
  const err: string[] = [];
  const file = join(dir, 'graph.json');
  const code = await engineCommand.run(['simulate', input, '-G', file, '-t', NOW], {
    out: (t: string) => out.push(t),
    err: (t: string) => err.push(t),
  });
  return { code, out: out.join(''), err: err.join(''), graph: JSON.parse(readFileSync(file, 'utf8')) };
}

const resourceActions = (g: TransitionGraph) =>
  g.actions.map((a) => `${a.rsc} ${a.task}${a.intervalMs ? `=${a.intervalMs}` : ''} on ${a.node}`).sort();

describe('ordering cycles', () => {
  it('are reported with their actions, exit 1, and the saved graph holds only what can run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ocfkit-cycle-'));
    try {
      const r = await simulate(dir);
      expect(r.code).toBe(1);
      expect(r.err).toBe(
        'error: ordering cycle: a_start_0 on node1 → b_start_0 on node2 → c_start_0 on node3 → a_start_0 on node1 — these actions can never run (check the order constraints between them)\n',
      );
      expect(r.out).toContain('  * Start      a        ( node1 )  blocked\n');
      expect(r.out).toContain('  * Start      d        ( node1 )\n');
      expect(r.out).toMatch(/\* a\t\(ocf:heartbeat:Dummy\):\t Stopped\n(.*\n)*.*\* d\t\(ocf:heartbeat:Dummy\):\t Started node1\n$/);
      expect(orderingCycles(r.graph)).toEqual([]);
      const starts = r.graph.actions.filter((a) => a.task === 'start' || (a.task === 'monitor' && a.intervalMs > 0));
      expect(starts.map((a) => a.key)).toEqual(['d_start_0']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(requireTool(['crm_simulate']))(
    'leave the actions crm_simulate manages to run before it calls the transition invalid',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'ocfkit-cycle-'));
      try {
        const ours = await simulate(dir);
        writeFileSync(join(dir, 'in.xml'), readFileSync(input));
        const sim = spawnSync('crm_simulate', ['-x', join(dir, 'in.xml'), '-S', '-t', '2027-01-15T08:00:00Z'], { encoding: 'utf8' });
        // Pacemaker fails too, but only once it has run what it could.
        expect(sim.status).not.toBe(0);
        expect(sim.stderr).toContain('An invalid transition was produced');
        const text = sim.stdout;
        const executed = text
          .split('\n')
          .filter((l) => l.startsWith('  * Resource action:'))
          .map((l) => l.replace(/^ {2}\* Resource action: +/, '').replace(/ +/g, ' '))
          .sort();
        expect(resourceActions(ours.graph)).toEqual(executed);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it('are found among many acyclic orderings, each cycle once', () => {
    const actions = Array.from({ length: 2000 }, (_, id) => ({
      id,
      key: `r${id}_start_0`,
      task: 'start' as const,
      node: 'n',
      intervalMs: 0,
      probe: false,
      pseudo: false,
    }));
    const edges = actions.slice(1).map((a) => ({ before: a.id - 1, after: a.id }));
    edges.push({ before: 1500, after: 1200 }, { before: 10, after: 10 + 1 }, { before: 30, after: 20 });
    expect(orderingCycles({ actions, edges }).map((c) => [c[0], c.length])).toEqual([
      [20, 11],
      [1200, 301],
    ]);
  });
});
