/**
 * Seeded sequences of the edits a controller makes to its CIB between transitions, made the way
 * it makes them (copy-on-write, crmd/status.ts): a new operation result (success or failure, with
 * the fail count a failure sets), a transient attribute set or removed, a node going down, lost or
 * coming back, a resource's history cleaned up, quorum lost or regained, time passing, and now and
 * then a configuration change. Same seed, same sequence.
 */
import type { Cib, NvSet, Resource } from '../../src/core/cib-model.js';
import {
  clearNode,
  deleteResourceHistory,
  dropEntry,
  recordOps,
  setLost,
  setMembership,
  setTransientAttrs,
} from '../../src/crmd/status.js';
import { prng } from './generator.js';
import { lrmOp } from './history-gen.js';

/** The kinds of change {@link changeSequence} makes. */
type ChangeKind = 'op' | 'failure' | 'attr' | 'membership' | 'cleanup' | 'quorum' | 'time' | 'config';

/** One step: the next CIB, the time to schedule it at, and what changed. */
interface Step {
  kind: ChangeKind;
  what: string;
  cib: Cib;
  now: number;
}

/** History ids a controller would record results under: configured primitive ids (instances `:N` too). */
function historyIds(resources: readonly Resource[]): { id: string; class: string; provider?: string; type: string }[] {
  const out: { id: string; class: string; provider?: string; type: string }[] = [];
  const walk = (r: Resource) => {
    if (r.kind === 'primitive') out.push({ id: r.id, class: r.class, ...(r.provider ? { provider: r.provider } : {}), type: r.type });
    else if (r.kind === 'group') r.children.forEach(walk);
    else walk(r.child);
  };
  resources.forEach(walk);
  return out;
}

/**
 * `count` changes applied one after another to `start`, each step's CIB sharing everything it
 * did not change with the one before (as the controller's are).
 *
 * @example
 * for (const step of changeSequence(cib, NOW, 42, 10)) inc.update(step.cib);
 */
export function changeSequence(start: Cib, now: number, seed: number, count: number): Step[] {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T | undefined => xs[Math.floor(rnd() * xs.length)];
  const steps: Step[] = [];
  let cib = start;
  let t = now;
  let call = 1_000_000;
  const kinds: ChangeKind[] = ['op', 'op', 'op', 'failure', 'attr', 'membership', 'cleanup', 'quorum', 'time', 'config'];
  for (let i = 0; i < count; i++) {
    const kind = pick(kinds) as ChangeKind;
    const node = pick(cib.nodes.map((n) => n.uname));
    const known = historyIds(cib.resources);
    const rsc = pick(known);
    let what: string = kind;
    if (kind === 'op' || kind === 'failure') {
      if (!node || !rsc) continue;
      const c = call++;
      const ops = [
        { task: 'start', intervalMs: 0, rc: 0, expected: 0, id: `${rsc.id}_last_0` },
        { task: 'stop', intervalMs: 0, rc: 0, expected: 0, id: `${rsc.id}_last_0` },
        { task: 'monitor', intervalMs: 0, rc: 7, expected: 7, id: `${rsc.id}_last_0` },
        { task: 'monitor', intervalMs: 0, rc: 0, expected: 7, id: `${rsc.id}_last_0` },
        { task: 'monitor', intervalMs: 10000, rc: 0, expected: 0, id: `${rsc.id}_monitor_10000` },
      ];
      const failures = [
        { task: 'monitor', intervalMs: 10000, rc: 7, expected: 0, id: `${rsc.id}_monitor_10000` },
        { task: 'start', intervalMs: 0, rc: 1, expected: 0, id: `${rsc.id}_last_0` },
        { task: 'stop', intervalMs: 0, rc: 1, expected: 0, id: `${rsc.id}_last_0` },
      ];
      const spec = pick(kind === 'op' ? ops : failures) as (typeof ops)[number];
      const entry = lrmOp(rsc.id, { ...spec, callId: c, lastRcChange: t });
      const entries =
        kind === 'failure' ? [entry, lrmOp(rsc.id, { ...spec, id: `${rsc.id}_last_failure_0`, callId: c, lastRcChange: t })] : [entry];
      cib = recordOps(cib, node, rsc, entries, spec.task === 'stop' && spec.rc === 0);
      if (kind === 'failure') {
        const name = `${rsc.id}#${spec.task}_${spec.intervalMs}`;
        cib = setTransientAttrs(cib, node, {
          [`fail-count-${name}`]: spec.task === 'monitor' ? '1' : 'INFINITY',
          [`last-failure-${name}`]: String(t),
        });
      }
      what = `${spec.task}_${spec.intervalMs} of ${rsc.id} on ${node}: rc ${spec.rc}`;
    } else if (kind === 'attr') {
      if (!node) continue;
      const attr = pick(['standby', 'disk_ok', 'pingd', 'site', 'maintenance']) as string;
      const value = pick(['on', 'off', 'true', 'false', '0', '100', undefined]);
      cib = setTransientAttrs(cib, node, { [attr]: value });
      what = `${attr}=${value ?? '(deleted)'} on ${node}`;
    } else if (kind === 'membership') {
      if (!node) continue;
      const how = pick(['down', 'lost', 'up', 'rejoined'] as const);
      cib =
        how === 'down'
          ? setMembership(cib, node, false)
          : how === 'lost'
            ? setLost(cib, node)
            : how === 'up'
              ? setMembership(cib, node, true)
              : setMembership(clearNode(cib, node, true), node, true);
      what = `${node} ${how}`;
    } else if (kind === 'cleanup') {
      if (!node || !rsc) continue;
      cib = rnd() < 0.5 ? deleteResourceHistory(cib, node, rsc.id) : dropEntry(cib, node, rsc.id, `${rsc.id}_last_failure_0`);
      what = `cleanup of ${rsc.id} on ${node}`;
    } else if (kind === 'quorum') {
      const have = cib.attrs['have-quorum'] === '0' ? '1' : '0';
      cib = { ...cib, attrs: { ...cib.attrs, 'have-quorum': have } };
      what = `have-quorum=${have}`;
    } else if (kind === 'time') {
      t += 30 + Math.floor(rnd() * 900);
      what = `now=${t}`;
    } else {
      // A configuration edit: resource stickiness in rsc_defaults (a new section object).
      const value = String(Math.floor(rnd() * 300));
      const set: NvSet = { id: 'h-rsc-defaults', pairs: [{ id: 'h-rsc-defaults-st', name: 'resource-stickiness', value }] };
      cib = { ...cib, rscDefaults: [set, ...cib.rscDefaults.filter((s) => s.id !== set.id)] };
      what = `resource-stickiness=${value}`;
    }
    steps.push({ kind, what, cib, now: t });
  }
  return steps;
}
