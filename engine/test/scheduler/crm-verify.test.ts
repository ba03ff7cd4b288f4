/** Every CIB the engine exports must satisfy Pacemaker's own validator. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireTool } from '@ocfkit/sdk/testing';
import { describe, expect, it } from 'vitest';
import { exportCib } from '../../src/cib/export.js';
import { importCib } from '../../src/cib/import.js';
import { crmVerify } from './crm-simulate.js';
import { profileFor } from './differential.js';
import { generateCib } from './generator.js';

describe.skipIf(requireTool(['crm_verify']))('exported CIBs pass crm_verify', () => {
  it('the sample CIB (groups, clones, promotable clone, rules, defaults, history)', async () => {
    const xml = exportCib(importCib(readFileSync(new URL('fixtures/sample-cib.xml', import.meta.url), 'utf8')));
    expect(await crmVerify(xml)).toBeUndefined();
  });

  // ~100 scenarios at 0.3-1 s each: the default 60 s ran out at load 20.
  it('every golden scenario, re-exported', { timeout: 240_000 }, async () => {
    const here = fileURLToPath(new URL('.', import.meta.url));
    const dirs = readdirSync(here, { withFileTypes: true }).filter((d) => d.isDirectory() && existsSync(join(here, d.name, 'input.xml')));
    expect(dirs.length).toBeGreaterThanOrEqual(10);
    // Two crm_verify processes at a time (one per core on CI); every scenario's complaint is kept.
    const complaints: string[] = [];
    const queue = [...dirs];
    const worker = async () => {
      for (let d = queue.shift(); d !== undefined; d = queue.shift()) {
        const problem = await crmVerify(exportCib(importCib(readFileSync(join(here, d.name, 'input.xml'), 'utf8'))));
        if (problem) complaints.push(`${d.name}: ${problem}`);
      }
    };
    await Promise.all([worker(), worker()]);
    expect(complaints.sort()).toEqual([]);
  });

  it('the configuration of 40 generated CIBs (their status is deliberately odd: orphans, unclean nodes)', async () => {
    const complaints: string[] = [];
    for (let seed = 1; seed <= 40; seed++) {
      const problem = await crmVerify(exportCib({ ...generateCib(seed, profileFor(seed)), status: [] }));
      if (problem) complaints.push(`seed ${seed}: ${problem}`);
    }
    expect(complaints).toEqual([]);
  });

  it('rejects what Pacemaker rejects (the check can fail)', async () => {
    const xml = exportCib(importCib(readFileSync(new URL('fixtures/sample-cib.xml', import.meta.url), 'utf8'))).replace(
      'class="ocf" provider="ocfkit"',
      'class="bogus" provider="ocfkit"',
    );
    expect(await crmVerify(xml)).toMatch(/error|invalid/i);
  });
});
