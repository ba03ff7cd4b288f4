import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchCib } from '../../test/scheduler/bench-cib.js';
import { exportCib } from '../cib/export.js';
import { importCib } from '../cib/import.js';
import { schedule } from '../core/schedule.js';
import { engineCommand, graphFormat, parseNow } from './engine.js';

const input = new URL('../../test/scheduler/stickiness/input.xml', import.meta.url).pathname;

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

describe('ocfkit engine simulate', () => {
  it('prints help', async () => {
    const c = capture();
    expect(await engineCommand.run(['simulate', '--help'], c.io)).toBe(0);
    expect(c.out.join('')).toContain('Usage: ocfkit engine simulate CIB.xml');
    expect(c.out.join('')).toContain('--graph-format FMT');
  });

  it('prints scores and the summary, and writes the graph and the post-transition CIB', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ocfkit-engine-cli-'));
    try {
      const c = capture();
      const graph = join(dir, 'graph.json');
      const output = join(dir, 'out.xml');
      expect(await engineCommand.run(['simulate', input, '--scores', '-G', graph, '-O', output, '--now', '1800000000'], c.io)).toBe(0);
      const text = c.out.join('');
      expect(text).toContain('pcmk__primitive_assign: sticky allocation score on node2: 100');
      expect(text).toContain('Transition Summary:');
      expect(JSON.parse(readFileSync(graph, 'utf8')).actions.length).toBeGreaterThan(0);
      // Nothing is left to do once the transition has been applied.
      expect(schedule({ cib: importCib(readFileSync(output, 'utf8')), now: 1_800_000_000 }).graph.actions).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--scores streams the score lines in bounded pieces while scheduling, before the summary (issue 21 item 4)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ocfkit-engine-cli-'));
    try {
      const file = join(dir, 'cib.xml');
      writeFileSync(file, exportCib(benchCib(20, 300, { steady: false })));
      const c = capture();
      expect(await engineCommand.run(['simulate', file, '--scores', '--now', '1800000000'], c.io)).toBe(0);
      const text = c.out.join('');
      const lines = text.split('\n').filter((l) => / allocation score on /.test(l));
      expect(lines.length).toBeGreaterThanOrEqual(20 * 300);
      expect(text.indexOf('Allocation scores:')).toBe(0);
      expect(text.lastIndexOf(' allocation score on ')).toBeLessThan(text.indexOf('Transition Summary:'));
      // Many writes of at most ~64 KiB each, not one string holding every line.
      const scoreWrites = c.out.filter((t) => t.includes(' allocation score on '));
      expect(scoreWrites.length).toBeGreaterThan(3);
      expect(Math.max(...scoreWrites.map((t) => t.length))).toBeLessThan(70 * 1024);
      // schedule() hands over each line as it computes it: as many calls as lines printed.
      let calls = 0;
      schedule({ cib: importCib(readFileSync(file, 'utf8')), now: 1_800_000_000, onScore: () => calls++ });
      expect(calls).toBe(lines.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes the graph as Pacemaker transition graph XML unless the file ends in .json or --graph-format says otherwise', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ocfkit-engine-cli-'));
    try {
      const run = async (file: string, ...extra: string[]) => {
        expect(await engineCommand.run(['simulate', input, '-G', join(dir, file), '-t', '1800000000', ...extra], capture().io)).toBe(0);
        return readFileSync(join(dir, file), 'utf8');
      };
      const xml = await run('graph.xml');
      expect(xml).toMatch(/^<transition_graph cluster-delay="60s" stonith-timeout="60s" [^>]*transition_id="0">\n/);
      expect(xml).toContain('<rsc_op id="6" operation="start" operation_key="loose_start_0" on_node="node1" on_node_uuid="1">');
      expect(await run('graph.out')).toBe(xml);
      expect(await run('graph.json', '--graph-format', 'xml')).toBe(xml);
      const json = JSON.parse(await run('graph.json'));
      expect(json.actions.map((a: { key: string }) => a.key)).toContain('loose_start_0');
      expect(JSON.parse(await run('graph.xml', '--graph-format', 'json'))).toEqual(json);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(graphFormat('G.JSON', undefined)).toBe('json');
    expect(graphFormat('graph', undefined)).toBe('xml');
  });

  it('names what is wrong', async () => {
    await expect(engineCommand.run(['simulate', input, '-G', '/tmp/g', '--graph-format', 'yaml'], capture().io)).rejects.toThrow(
      '--graph-format: "yaml" is not a graph format (expected xml or json)',
    );
    await expect(engineCommand.run(['simulate', input, '--graph-format', 'xml'], capture().io)).rejects.toThrow(
      '--graph-format only applies to --save-graph FILE',
    );
    await expect(engineCommand.run(['simulate'], capture().io)).rejects.toThrow('expected exactly one CIB file');
    await expect(engineCommand.run(['simulate', '/nonexistent.xml'], capture().io)).rejects.toThrow('cannot read /nonexistent.xml');
    await expect(engineCommand.run(['frobnicate'], capture().io)).rejects.toThrow('unknown engine subcommand "frobnicate"');
    expect(() => parseNow('yesterday')).toThrow('--now: "yesterday" is neither seconds since the epoch nor an ISO 8601 date');
    expect(parseNow('2027-01-15T08:00:00Z')).toBe(1_800_000_000);
  });
});
