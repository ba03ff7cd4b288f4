/** Runs Pacemaker's own scheduler (crm_simulate) on a cib.xml and reads back the result. */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importCib } from '../../src/cib/import.js';
import { unpack } from '../../src/core/unpack.js';
import { aggregate, uniqueBases } from './placement.js';

/** Seconds since the epoch → the ISO 8601 form `crm_simulate -t` takes. */
export function isoTime(now: number): string {
  return new Date(now * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function run(cmd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * `crm_simulate -x IN -S -O OUT -t NOW`: Pacemaker computes the transition, simulates every action
 * and writes the CIB as it is afterwards. Returns that CIB's XML and the tool's output.
 *
 * @example
 * const { outCib } = await crmSimulate(xml, 1_800_000_000);
 */
export async function crmSimulate(
  cibXml: string,
  now: number,
  extra: string[] = [],
  opts: { incomplete?: boolean } = {},
): Promise<{ outCib: string; stdout: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'ocfkit-sim-'));
  try {
    const input = join(dir, 'in.xml');
    const output = join(dir, 'out.xml');
    await writeFile(input, cibXml);
    const r = await run('crm_simulate', ['-x', input, '-S', '-Q', '-O', output, '-t', isoTime(now), ...extra]);
    // A transition crm_simulate itself cannot complete (a blocked promote leaves its clone's
    // pseudo actions waiting): with `incomplete`, its output CIB is still what Pacemaker decided.
    const incomplete = opts.incomplete === true && r.code === 1 && /Transition failed: terminated/.test(r.stderr);
    if (r.code !== 0 && !incomplete) throw new Error(`crm_simulate failed (${r.code}): ${r.stderr.trim().slice(0, 2000)}`);
    return { outCib: await readFile(output, 'utf8'), stdout: r.stdout };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `crm_verify -V -x`: undefined when the CIB is valid (warnings allowed), else the tool's errors. */
export async function crmVerify(cibXml: string): Promise<string | undefined> {
  const dir = await mkdtemp(join(tmpdir(), 'ocfkit-verify-'));
  try {
    const input = join(dir, 'cib.xml');
    await writeFile(input, cibXml);
    const r = await run('crm_verify', ['-V', '-x', input]);
    // Warnings (e.g. "Detected active orphan", from histories deliberately generated beyond
    // clone-max) leave the configuration valid; errors (schema, unknown references) do not. An
    // `on-fail` not allowed for its operation is reported as an error too, but Pacemaker resets it
    // to the default and runs: scenarios use such values on purpose to exercise that fallback.
    // A resource "might be active on 2 nodes" is an error about the history, not the
    // configuration (multiply-active-unclean has one on purpose).
    const lines = `${r.stdout}${r.stderr}`
      .trim()
      .split('\n')
      .filter(
        (l) =>
          !/Resetting 'on-fail'/.test(l) &&
          !/might be active on \d+ nodes/.test(l) &&
          !/Errors found during check: config not valid/.test(l),
      );
    const text = lines.join('\n').trim();
    return r.code === 0 || !/error/i.test(text) ? undefined : text;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Where every primitive is active in a (post-transition) CIB, as `rsc → "Role@node"` or
 * `"Stopped"`, read with the engine's own history unpacking.
 *
 * @example
 * placementOf(outCib, now).get('web') // 'Started@node2'
 */
export function placementOf(cibXml: string, now: number): Map<string, string> {
  const read = importCib(cibXml);
  // crm_simulate records the cancellation of recurring monitors as `cancel` history entries, which
  // a real controller never writes; Pacemaker itself then reads the resource as active again
  // (its own "Revised Cluster Status" shows it on two nodes). They are not part of the decision.
  const cib = {
    ...read,
    status: read.status.map((s) => ({ ...s, lrm: s.lrm.map((r) => ({ ...r, ops: r.ops.filter((o) => o.operation !== 'cancel') })) })),
  };
  const ws = unpack(cib, now);
  return aggregate(
    ws.primitives.map((p) => [p.id, p.runningOn.length === 0 ? 'Stopped' : `${p.role}@${p.runningOn.map((n) => n.uname).join(',')}`]),
    uniqueBases(cib),
  );
}
