import type { Cib, NvSet, Resource } from './cib-model.js';
import { multipleActivePolicies } from './multiple-active.js';
import { parseScore } from './score.js';

/** Meta attributes read as scores, and what reading one as 0 means. */
const SCORE_META: Record<string, string> = {
  'resource-stickiness': '',
  priority: '',
  'migration-threshold': ' (no threshold)',
};

function* allResources(rs: readonly Resource[]): Generator<Resource> {
  for (const r of rs) {
    yield r;
    if (r.kind === 'group') yield* allResources(r.children);
    else if (r.kind === 'clone') yield* allResources([r.child]);
  }
}

function check(sets: readonly NvSet[], where: string, out: string[]): void {
  for (const set of sets)
    for (const nv of set.pairs) {
      if (nv.name === 'multiple-active' && !multipleActivePolicies.has(nv.value.toLowerCase()))
        out.push(
          `${where}: multiple-active="${nv.value}" is not stop_start, stop_only, block or stop_unexpected; using stop_start instead`,
        );
      const meaning = SCORE_META[nv.name];
      if (meaning === undefined || parseScore(nv.value) !== undefined) continue;
      out.push(`${where}: ${nv.name}="${nv.value}" is not a score (an integer or ±INFINITY); using 0 instead${meaning}`);
    }
}

/**
 * Meta attributes whose values are not scores: Pacemaker reads them as 0 and says so only in a
 * warning (crm_verify: "Could not parse integer from 'lots' (using 0 instead)"); the engine names
 * the resource, the attribute and the value. Also orders of an unknown `kind`, which Pacemaker
 * runs as Mandatory ("Resetting 'kind' for constraint order1 to 'Mandatory' because 'foo' is not valid"),
 * and `multiple-active` values it does not know, which it reads as stop_start.
 *
 * @example
 * malformedValues(cib) // ['d: resource-stickiness="lots" is not a score (an integer or ±INFINITY); using 0 instead']
 */
export function malformedValues(cib: Cib): string[] {
  const out: string[] = [];
  check(cib.rscDefaults, 'rsc_defaults', out);
  for (const r of allResources(cib.resources)) check(r.meta, r.id, out);
  for (const c of cib.constraints)
    if (c.kind === 'order' && c.invalidKind !== undefined)
      out.push(`<rsc_order id="${c.id}">: kind="${c.invalidKind}" is not Mandatory, Optional or Serialize; using Mandatory instead`);
  return out;
}
