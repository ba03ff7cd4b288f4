/**
 * Golden scheduler scenarios: every folder here with an `input.xml` holds the expected
 * `graph.txt`, `scores.txt` and `summary.txt`. Run with OCFKIT_UPDATE_GOLDEN=1 to regenerate them,
 * then review the change as a diff. Each scenario's final placement and its score lines are also
 * checked against crm_simulate, so a golden file cannot silently enshrine a wrong decision.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireTool } from '@ocfkit/sdk/testing';
import { describe, expect, it } from 'vitest';
import { exportCib } from '../../src/cib/export.js';
import { importCib } from '../../src/cib/import.js';
import type { TransitionGraph } from '../../src/core/graph.js';
import { schedule } from '../../src/core/schedule.js';
import { crmSimulate } from './crm-simulate.js';
import { compareCib, NOW } from './differential.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const update = process.env.OCFKIT_UPDATE_GOLDEN === '1';
const scenarios = readdirSync(here, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(here, d.name, 'input.xml')))
  .map((d) => d.name)
  .sort();

/** The graph as reviewable text: one action per line, then one ordering per line. */
function graphText(g: TransitionGraph): string {
  const name = (i: number) => {
    const a = g.actions[i];
    return a ? `${a.key}${a.pseudo ? ' (pseudo)' : ''} on ${a.node}` : `#${i}`;
  };
  return `${g.actions.map((_, i) => `action ${name(i)}`).join('\n')}\n${g.edges.map((e) => `order ${name(e.before)} -> ${name(e.after)}`).join('\n')}\n`;
}

function check(dir: string, file: string, actual: string): void {
  const path = join(dir, file);
  if (update || !existsSync(path)) writeFileSync(path, actual);
  expect(actual, `${path} (OCFKIT_UPDATE_GOLDEN=1 regenerates)`).toBe(readFileSync(path, 'utf8'));
}

const noPacemaker = requireTool(['crm_simulate']);

describe('golden scheduler scenarios', () => {
  it('has scenarios', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(10);
  });
  for (const name of scenarios) {
    const dir = join(here, name);
    it(name, async () => {
      const cib = importCib(readFileSync(join(dir, 'input.xml'), 'utf8'));
      const scores: string[] = [];
      const result = schedule({ cib, now: NOW, onScore: (line) => scores.push(line) });
      check(dir, 'graph.txt', graphText(result.graph));
      check(dir, 'scores.txt', `${scores.join('\n')}\n`);
      check(dir, 'summary.txt', result.summary);
      if (noPacemaker) return;
      // `pacemaker-incomplete.txt` says why crm_simulate cannot complete this transition itself.
      const incomplete = { incomplete: existsSync(join(dir, 'pacemaker-incomplete.txt')) };
      expect(await compareCib(cib, NOW, incomplete)).toEqual([]);
      // The scores are crm_simulate's own -s lines, in its order.
      const { stdout } = await crmSimulate(exportCib(cib), NOW, ['-s'], incomplete);
      expect(scores).toEqual(stdout.split('\n').filter((l) => / (allocation|promotion) score on /.test(l)));
    });
  }
});
