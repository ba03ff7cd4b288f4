/**
 * The differential test's engine: generate a CIB, let both schedulers decide, compare the final
 * role and node of every resource, and shrink any disagreement to a minimal cib.xml.
 */
import { exportCib } from '../../src/cib/export.js';
import { applyTransition } from '../../src/core/apply.js';
import type { Cib, OpaqueXml } from '../../src/core/cib-model.js';
import { schedule } from '../../src/core/schedule.js';
import { unpack } from '../../src/core/unpack.js';
import { crmSimulate, placementOf } from './crm-simulate.js';
import { forgetResetGuests } from './gen-h103.js';
import { generateCib } from './generator.js';
import { aggregate, placementKey, uniqueBases } from './placement.js';

export const NOW = 1_800_000_000;

/**
 * Final placement according to the engine. Two instances of an anonymous clone on one node share
 * one history entry (Pacemaker may start a second next to a blocked one), so they count once.
 */
export function enginePlacement(cib: Cib, now = NOW): Map<string, string> {
  const unique = uniqueBases(cib);
  const seen = new Set<string>();
  const entries: [string, string][] = [];
  for (const p of schedule({ cib, now }).placements) {
    const where = p.role === 'Stopped' || !p.node ? 'Stopped' : `${p.role}@${p.nodes.join(',')}`;
    const base = p.rsc.replace(/:\d+$/, '');
    if (where !== 'Stopped' && base !== p.rsc && !unique.has(base)) {
      const key = `${base} ${where}`;
      if (seen.has(key)) continue;
      seen.add(key);
    }
    entries.push([p.rsc, where]);
  }
  return aggregate(entries, unique);
}

/**
 * Differences between two placements, one line each (empty when they agree). An id in
 * `orphans` (a resource the configuration no longer has) that one side lists as Stopped may be
 * missing from the other: a stopped orphan whose history is not read (it was on a guest or remote
 * node that is down afterwards) is not a resource at all.
 */
export function diffPlacements(
  engine: Map<string, string>,
  pacemaker: Map<string, string>,
  orphans: ReadonlySet<string> = new Set(),
): string[] {
  const ids = [...new Set([...engine.keys(), ...pacemaker.keys()])].sort();
  const same = (id: string) =>
    engine.get(id) === pacemaker.get(id) || (orphans.has(id) && (engine.get(id) ?? 'Stopped') === (pacemaker.get(id) ?? 'Stopped'));
  return ids.filter((id) => !same(id)).map((id) => `${id}: engine ${engine.get(id) ?? '-'}, pacemaker ${pacemaker.get(id) ?? '-'}`);
}

/** The ids, as `aggregate` keys them, of the resources only the input's history knows (orphans). */
function orphanIds(cib: Cib, now: number): Set<string> {
  const unique = uniqueBases(cib);
  return new Set(
    unpack(cib, now)
      .primitives.filter((p) => p.orphan)
      .map((p) => placementKey(p.id, unique)),
  );
}

/** Compares one CIB; returns the disagreements. */
export async function compareCib(cib: Cib, now = NOW, opts: { incomplete?: boolean } = {}): Promise<string[]> {
  const xml = exportCib(cib);
  const { outCib } = await crmSimulate(xml, now, [], opts);
  const engine = enginePlacement(cib, now);
  // h103: a guest crm_simulate (and the engine's simulate) reset keeps its old history (gen-h103.ts).
  const orphans = orphanIds(cib, now);
  const diffs = diffPlacements(engine, placementOf(forgetResetGuests(cib, outCib), now), orphans);
  // The engine's own post-transition CIB (ocfkit engine simulate -O) must say the same.
  const own = placementOf(forgetResetGuests(cib, exportCib(applyTransition(cib, schedule({ cib, now }).graph, now))), now);
  for (const d of diffPlacements(engine, own, orphans)) diffs.push(`engine output CIB disagrees with its placements: ${d}`);
  return diffs;
}

/** The CIB without the `index`-th child of the source's `<constraints>` (one the model does not hold). */
function withoutSourceConstraint(cib: Cib, source: OpaqueXml, index: number): Cib {
  const prune = (e: OpaqueXml, path: readonly string[]): OpaqueXml =>
    path.length === 0
      ? { ...e, children: e.children.filter((_, i) => i !== index) }
      : { ...e, children: e.children.map((c) => (c.name === path[0] ? prune(c, path.slice(1)) : c)) };
  return { ...cib, source: prune(source, ['configuration', 'constraints']) };
}

function variants(cib: Cib): Cib[] {
  const out: Cib[] = [];
  // Constraints only the source holds (resource sets, tickets, tags: gen-h101.ts).
  const modelled = new Set(cib.constraints.map((c) => c.id));
  const source = cib.source;
  const fromSource = source?.children.find((c) => c.name === 'configuration')?.children.find((c) => c.name === 'constraints');
  fromSource?.children.forEach((c, i) => {
    if (source && !modelled.has(c.attrs.id ?? '')) out.push(withoutSourceConstraint(cib, source, i));
  });
  cib.constraints.forEach((_, i) => {
    out.push({ ...cib, constraints: cib.constraints.filter((__, j) => j !== i) });
  });
  cib.resources.forEach((r, i) => {
    const refs = (c: Cib['constraints'][number]) =>
      c.kind === 'location'
        ? c.rsc === r.id
        : c.kind === 'colocation'
          ? c.rsc === r.id || c.withRsc === r.id
          : c.first === r.id || c.thenRsc === r.id;
    out.push({ ...cib, resources: cib.resources.filter((__, j) => j !== i), constraints: cib.constraints.filter((c) => !refs(c)) });
  });
  cib.status.forEach((s, i) => {
    s.transient.forEach((t, k) => {
      t.pairs.forEach((_, m) => {
        const transient = s.transient.map((tt, kk) => (kk === k ? { ...tt, pairs: tt.pairs.filter((__, mm) => mm !== m) } : tt));
        out.push({ ...cib, status: cib.status.map((ss, j) => (j === i ? { ...ss, transient } : ss)) });
      });
    });
    s.lrm.forEach((_, k) => {
      out.push({ ...cib, status: cib.status.map((ss, j) => (j === i ? { ...ss, lrm: ss.lrm.filter((__, kk) => kk !== k) } : ss)) });
    });
  });
  return out;
}

/**
 * Greedily removes constraints, resources, transient attributes and history entries while the
 * two schedulers still disagree; returns the smallest disagreeing CIB found.
 *
 * @example
 * const small = await shrink(cib);
 */
export async function shrink(cib: Cib, now = NOW): Promise<Cib> {
  let current = cib;
  for (let progress = true; progress; ) {
    progress = false;
    for (const v of variants(current)) {
      if (v.resources.length === 0) continue;
      if ((await compareCib(v, now).catch(() => [])).length > 0) {
        current = v;
        progress = true;
        break;
      }
    }
  }
  return current;
}

interface CaseResult {
  seed: number;
  cib: Cib;
  diffs: string[];
  /** Set when crm_simulate could not complete its own transition (then nothing is compared). */
  invalid?: string;
}

/**
 * Generator profile per seed: two small clusters for every larger one (8 nodes, 14 resources, 14
 * constraints); every fifth seed is clone-heavy, so that orderings and colocations between two
 * clones (interleave) come up often.
 */
export function profileFor(seed: number) {
  const sized = seed % 3 === 0 ? { now: NOW, maxNodes: 8, maxResources: 14, maxConstraints: 14 } : { now: NOW };
  // Each generated feature at its default chance unless its variable says otherwise.
  const chance = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
  // Placement strategies with capacities and utilization (generator.ts; README, "Placement
  // strategies in generated CIBs"; OCFKIT_DIFF_UTILIZATION=<chance>).
  const utilizationChance = chance('OCFKIT_DIFF_UTILIZATION', 0.15);
  // h101 (gen-h101.ts): resource sets (require-all=false among them unless OCFKIT_DIFF_SET_ANYOF=0),
  // role constraints (on since h113; OCFKIT_DIFF_ROLES=<chance>), tickets, templates and tags;
  // orders between sets naming a promotable clone's promote or demote (h123; OCFKIT_DIFF_SET_ROLE_ACTIONS=<chance>).
  const h101 = {
    setChance: 0.15,
    anyOfSets: process.env.OCFKIT_DIFF_SET_ANYOF !== '0',
    roleSetChance: chance('OCFKIT_DIFF_SET_ROLE_ACTIONS', 0.15),
    roleConstraintChance: chance('OCFKIT_DIFF_ROLES', 0.15),
    ticketChance: 0.15,
    templateChance: 0.15,
  };
  // h102 (gen-h102.ts): date rules, node health, multiple-active, shutdown locks (on again since h131,
  // seed 276 fixed), unfencing (on since h133).
  const h102 = {
    dateRuleChance: chance('OCFKIT_DIFF_DATE_RULES', 0.15),
    healthChance: chance('OCFKIT_DIFF_HEALTH', 0.15),
    multipleActiveChance: chance('OCFKIT_DIFF_MULTIPLE_ACTIVE', 0.15),
    shutdownLockChance: chance('OCFKIT_DIFF_SHUTDOWN_LOCK', 0.15),
    unfencingChance: chance('OCFKIT_DIFF_UNFENCING', 0.15),
  };
  // h103 (gen-h103.ts): clone notifications, cloned groups, remote nodes (on since h124), guest nodes (on since
  // h132, at 0.1: at 0.15 crm_simulate cannot complete 16 of 517 seeds, over the test's 3%) (README, "Notifications,
  // cloned groups, remote and guest nodes in generated CIBs").
  const h103 = {
    notifyChance: 0.15,
    clonedGroupChance: chance('OCFKIT_DIFF_CLONED_GROUPS', 0.15),
    remoteChance: chance('OCFKIT_DIFF_REMOTE', 0.15),
    guestChance: chance('OCFKIT_DIFF_GUEST', 0.1),
  };
  // h134 (gen-h134.ts): bundles (OCFKIT_DIFF_BUNDLES=<chance>; README, "Bundles in generated CIBs").
  const bundleChance = chance('OCFKIT_DIFF_BUNDLES', 0);
  const base = { ...sized, utilizationChance, ...h101, ...h102, ...h103, bundleChance };
  return seed % 5 === 4 ? { ...base, cloneChance: 0.7, interleaveChance: 0.6 } : base;
}

/**
 * Runs `count` generated cases from `firstSeed` with `parallel` crm_simulate processes at a time.
 *
 * @example
 * const failures = (await runCases(1, 500, 2)).filter((r) => r.diffs.length > 0);
 */
export async function runCases(firstSeed: number, count: number, parallel: number): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  let next = firstSeed;
  const end = firstSeed + count;
  const worker = async () => {
    while (next < end) {
      const seed = next++;
      const cib = generateCib(seed, profileFor(seed));
      try {
        results.push({ seed, cib, diffs: await compareCib(cib) });
      } catch (err) {
        const msg = (err as Error).message;
        if (!/invalid transition|Transition failed/.test(msg)) throw err;
        results.push({ seed, cib, diffs: [], invalid: msg.split('\n')[0] });
      }
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return results.sort((a, b) => a.seed - b.seed);
}
