import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importCib } from '../cib/import.js';
import { schedule } from '../core/schedule.js';
import { engineCommand, parseNow } from './engine.js';

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

  it('names what is wrong', async () => {
    await expect(engineCommand.run(['simulate'], capture().io)).rejects.toThrow('expected exactly one CIB file');
    await expect(engineCommand.run(['simulate', '/nonexistent.xml'], capture().io)).rejects.toThrow('cannot read /nonexistent.xml');
    await expect(engineCommand.run(['frobnicate'], capture().io)).rejects.toThrow('unknown engine subcommand "frobnicate"');
    expect(() => parseNow('yesterday')).toThrow('--now: "yesterday" is neither seconds since the epoch nor an ISO 8601 date');
    expect(parseNow('2027-01-15T08:00:00Z')).toBe(1_800_000_000);
  });
});
