/**
 * `--format crm` text loads into crm shell (`crm configure load update`, on a scratch CIB through
 * CIB_file) and `--format pcs` commands run with `pcs -f` on a scratch CIB: each gives the CIB
 * `--format xml` gives, up to the ids and orderings the tools choose.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireTool } from '@ocfkit/sdk/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { configOf, gen, here, OCFKIT_OCF_ROOT } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'ocfkit-cibgen-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(cmd: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, out: `${stdout}${stderr}` }),
    );
  });
}

/** An empty CIB file with the nodes the cluster's membership (pcs cluster setup, corosync) would have added. */
async function scratch(name: string, nodes: string[]): Promise<string> {
  const file = join(dir, name);
  const r = await run('cibadmin', ['--empty']);
  expect(r.code).toBe(0);
  writeFileSync(file, r.out);
  for (const [i, n] of nodes.entries())
    expect((await run('cibadmin', ['--create', '-o', 'nodes', '-X', `<node id="${i + 1}" uname="${n}"/>`], { CIB_file: file })).code).toBe(
      0,
    );
  return file;
}

async function output(sheet: string, format: string): Promise<string> {
  const r = await gen(here(sheet), '--ocf-root', OCFKIT_OCF_ROOT, '--format', format);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  return r.out;
}

describe.skipIf(requireTool(['crm', 'cibadmin']))('--format crm, loaded by crm shell', () => {
  it('every table of the sheet gives the same CIB as --format xml', async () => {
    const cib = join(dir, 'crm-all.xml');
    writeFileSync(cib, (await run('cibadmin', ['--empty'])).out);
    const text = join(dir, 'all.crm');
    writeFileSync(text, await output('all-tables.csv', 'crm'));
    const load = await run('crm', ['configure', 'load', 'update', text], { CIB_file: cib });
    expect(load.out).not.toMatch(/ERROR/);
    expect(load.code).toBe(0);
    expect(configOf(readFileSync(cib, 'utf8'))).toEqual(configOf(await output('all-tables.csv', 'xml')));
  });

  it("the PostgreSQL sheet too (crm shell only complains that this host's Pacemaker cannot see ocf:ocfkit:diskcheck)", async () => {
    const cib = join(dir, 'crm-pgsql.xml');
    writeFileSync(cib, (await run('cibadmin', ['--empty'])).out);
    const text = join(dir, 'pgsql.crm');
    writeFileSync(text, await output('pgsql-2node.csv', 'crm'));
    const load = await run('crm', ['-F', 'configure', 'load', 'update', text], { CIB_file: cib });
    const errors = load.out.split('\n').filter((l) => /ERROR/.test(l));
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) expect(e).toMatch(/ocf:ocfkit:diskcheck: (got no meta-data|no such resource agent)/);
    expect(configOf(readFileSync(cib, 'utf8'))).toEqual(configOf(await output('pgsql-2node.csv', 'xml')));
  });
});

describe.skipIf(requireTool(['pcs', 'cibadmin']))('--format pcs, run with pcs -f on a scratch CIB', () => {
  it('gives the same CIB as --format xml', { timeout: 300_000 }, async () => {
    const cib = await scratch('pcs.xml', ['srv01', 'srv02']);
    const script = join(dir, 'cluster.sh');
    writeFileSync(script, await output('pcs-compact.csv', 'pcs'));
    const r = await run('sh', [script], { CIB: cib });
    expect(r.out).not.toMatch(/Error/);
    expect(r.code).toBe(0);
    expect(configOf(readFileSync(cib, 'utf8'))).toEqual(configOf(await output('pcs-compact.csv', 'xml')));
  });
});
