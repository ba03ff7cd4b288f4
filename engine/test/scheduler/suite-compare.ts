/**
 * What the Pacemaker-suite harness compares between the two schedulers: the transition summary as
 * a set of "what happens to which resource where", and the final placement as `crm_mon` reads it
 * from each scheduler's output CIB.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseXml, type XmlElement } from '../../src/cib/xml-tree.js';

/**
 * The `Transition Summary:` lines of a crm_simulate-style output, normalized: the "due to ..."
 * explanation and the fencing reason dropped, the instance number of a clone instance dropped
 * (which anonymous instance does it is not part of the decision; crm_mon's placement below keeps
 * globally-unique instances apart), whitespace collapsed. Sorted, so equal sets compare equal.
 *
 * @example
 * transitionSet('Transition Summary:\n  * Start   ip:1   ( node1 )  due to x\n')
 * // ['Start ip ( node1 )']
 */
export function transitionSet(output: string): string[] {
  const lines = output.split('\n');
  const start = lines.findIndex((l) => l.startsWith('Transition Summary:'));
  if (start < 0) return [];
  const out: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith('  * ')) {
      if (line.trim() === '') break;
      continue;
    }
    let l = line.slice(4).trim();
    if (l.startsWith('Fence ')) l = l.replace(/^(Fence \([^)]*\) \S+).*$/, '$1');
    else l = l.replace(/\)\s+due to .*$/, ')').replace(/\)\s+blocked$/, ')');
    const words = l.replace(/\s+/g, ' ').split(' ');
    if (words.length > 1 && !l.startsWith('Fence ') && !l.startsWith('Shutdown ')) words[1] = (words[1] ?? '').replace(/:\d+$/, '');
    out.push(words.join(' ').replace(/\( /g, '(').replace(/ \)/g, ')'));
  }
  return out.sort();
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function* walk(e: XmlElement): Generator<XmlElement> {
  yield e;
  for (const c of e.children) yield* walk(c);
}

/**
 * Drops `cancel` entries from the operation history: crm_simulate records the cancellation of a
 * recurring monitor as one, which a real controller never writes, and Pacemaker then reads the
 * resource as active where it was stopped (see README, "Where the engine follows ...").
 */
function withoutCancels(cibXml: string): string {
  return cibXml.replace(/<lrm_rsc_op\b[^>]*\boperation="cancel"[^>]*?(\/>|>[\s\S]*?<\/lrm_rsc_op>)/g, '');
}

/** Whether a node's history holds two `lrm_resource` entries with one id (only old CIBs do). */
export function hasDuplicateHistory(cibXml: string): boolean {
  for (const state of cibXml.match(/<node_state\b[\s\S]*?<\/node_state>/g) ?? []) {
    const ids = [...state.matchAll(/<lrm_resource\b[^>]*?\bid="([^"]*)"/g)].map((m) => m[1]);
    if (new Set(ids).size !== ids.length) return true;
  }
  return false;
}

const attr = (element: string, name: string): string | undefined => new RegExp(`\\s${name}="([^"]*)"`).exec(element)?.[1];

/**
 * crm_simulate's output CIB with its results numbered as a live cluster numbers them, for an
 * input whose node holds two history entries of one resource: crm_simulate then finds neither
 * (its XPath lookup wants one match), records the result in a new entry numbered from call id 1,
 * and its CIB update merges every entry of that id into the first, so the result sits next to
 * older operations with call ids as high as its own, and crm_mon may read the older start as the
 * last operation (`inc6`: a moved instance read as active on both nodes). A live executor's call
 * ids only grow: each new result (an operation absent from the input) is renumbered above the
 * older operations of its entry. Any other output is returned unchanged.
 *
 * @example
 * crmSimulateResultsLast(inputXml, outputXml)
 */
export function crmSimulateResultsLast(inputXml: string, outputXml: string): string {
  if (!hasDuplicateHistory(inputXml)) return outputXml;
  const opKey = (op: string) => ['id', 'call-id', 'transition-key', 'last-rc-change'].map((a) => attr(op, a) ?? '').join('|');
  const old = new Set((inputXml.match(/<lrm_rsc_op\b[^>]*>/g) ?? []).map(opKey));
  return outputXml.replace(/<lrm_resource\b[^>]*[^/]>[\s\S]*?<\/lrm_resource>/g, (entry) => {
    const ops = entry.match(/<lrm_rsc_op\b[^>]*>/g) ?? [];
    const callId = (op: string) => Number(attr(op, 'call-id') ?? 0);
    const older = Math.max(0, ...ops.filter((op) => old.has(opKey(op))).map(callId));
    if (!ops.some((op) => !old.has(opKey(op)) && callId(op) <= older)) return entry;
    return entry.replace(/<lrm_rsc_op\b[^>]*>/g, (op) =>
      old.has(opKey(op)) ? op : op.replace(/\scall-id="(-?\d+)"/, (_, n: string) => ` call-id="${Number(n) + older}"`),
    );
  });
}

/**
 * Where crm_mon (`CIB_file=... crm_mon -1 -r --output-as=xml`) says every resource is, as sorted
 * lines `id role node,node` (anonymous clone instances all carry the clone's primitive id, so
 * equal placements give equal lists whatever their numbering). Throws when crm_mon fails.
 *
 * @example
 * await crmMonPlacement(outCibXml) // ['ip Started node1', 'web Stopped -']
 */
export async function crmMonPlacement(cibXml: string): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'ocfkit-crmmon-'));
  try {
    const file = join(dir, 'cib.xml');
    await writeFile(file, withoutCancels(cibXml));
    const r = await run('crm_mon', ['-1', '-r', '--output-as=xml'], { ...process.env, CIB_file: file });
    if (!r.stdout.includes('<resources')) throw new Error(`crm_mon failed (${r.code}): ${r.stderr.trim().slice(0, 500)}`);
    const root = parseXml(r.stdout);
    const out: string[] = [];
    for (const e of walk(root)) {
      if (e.name !== 'resource') continue;
      const nodes = e.children
        .filter((c) => c.name === 'node')
        .map((c) => c.attrs.name ?? '?')
        .sort();
      out.push(`${e.attrs.id} ${e.attrs.role} ${nodes.length ? nodes.join(',') : '-'}`);
    }
    return out.sort();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Lines of `a` not in `b` and of `b` not in `a`, as multisets, each prefixed with `-` / `+`. */
export function multisetDiff(pacemaker: string[], engine: string[]): string[] {
  const count = new Map<string, number>();
  for (const l of pacemaker) count.set(l, (count.get(l) ?? 0) + 1);
  for (const l of engine) count.set(l, (count.get(l) ?? 0) - 1);
  const out: string[] = [];
  for (const [l, n] of [...count].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    for (let i = 0; i < n; i++) out.push(`pacemaker: ${l}`);
    for (let i = 0; i < -n; i++) out.push(`ocfkit:    ${l}`);
  }
  return out;
}
