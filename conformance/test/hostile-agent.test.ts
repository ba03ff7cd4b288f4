/**
 * An agent whose actions never return and whose meta-data is 10 MB: the suite reads the whole
 * document (it is well-formed) and stops at its time budget instead of waiting out every action.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Executor } from '@ocfkit/engine';
import { expect, it } from 'vitest';
import { parseMetaData } from '../src/checks/metadata-model';
import { runSuite } from '../src/suite';
import { resolveTarget } from '../src/target';

// ~10 MB of meta-data (one parameter whose longdesc repeats a line 160,000 times) unless SMALL is set.
const AGENT = `#!/bin/sh
LINES=160000; [ -e "\${0%/*}/SMALL" ] && LINES=1
case "$1" in
meta-data)
  printf '<?xml version="1.0"?>\\n<resource-agent name="Hangs" version="1">\\n<version>1.1</version>\\n'
  printf '<longdesc lang="en">Hangs</longdesc>\\n<shortdesc lang="en">Hangs</shortdesc>\\n<parameters>\\n'
  printf '<parameter name="state"><longdesc lang="en">\\n'
  yes 'A long line of documentation for the state parameter, fifty-odd bytes.' | head -n "$LINES"
  printf '</longdesc><shortdesc lang="en">state</shortdesc><content type="string"/></parameter>\\n</parameters>\\n<actions>\\n'
  for a in start stop monitor validate-all; do printf '<action name="%s" timeout="2s"/>\\n' "$a"; done
  printf '<action name="meta-data" timeout="5s"/>\\n</actions>\\n</resource-agent>\\n'
  exit 0;;
esac
exec sleep 3600
`;

function agent(small: boolean): { dir: string; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ocfkit-hangs-'));
  chmodSync(dir, 0o755); // meta-data also runs as nobody
  const path = join(dir, 'Hangs');
  writeFileSync(path, AGENT);
  chmodSync(path, 0o755);
  if (small) writeFileSync(join(dir, 'SMALL'), '');
  return { dir, path };
}

it('a 10 MB meta-data arrives whole and is well-formed', async () => {
  // Before: the executor's 1 MiB capture cut it, and the suite called it "not well-formed XML".
  const { dir, path } = agent(false);
  const ex = new Executor();
  try {
    ex.register({ id: 'h', provider: 'test', type: 'Hangs', path });
    const md = await ex.metaData('test', 'Hangs', { path });
    expect([md.rc, md.truncated, md.stdout.length > 10_000_000]).toEqual([0, false, true]);
    expect(parseMetaData(md.stdout)).toMatchObject({ name: 'Hangs', params: [{ name: 'state' }] });
  } finally {
    await ex.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

it('stops at its time budget when every action hangs, naming the checks it did not run', async () => {
  // Before: no budget; every action waited out its timeout, 381 s on such an agent.
  const { dir, path } = agent(true);
  try {
    const report = await runSuite(resolveTarget(path), { params: { state: join(dir, 'state') }, budgetMs: 3000 });
    const rule = report.results.find((r) => r.id === 'suite.budget');
    expect(rule?.status).toBe('failed');
    expect(rule?.findings[0]?.message).toMatch(/^the run's time budget of 3 s was spent after \d+ s; not run: .*two instances$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);
