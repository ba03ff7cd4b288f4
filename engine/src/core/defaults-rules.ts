/**
 * `rsc_defaults` and `op_defaults` per resource and operation, as Pacemaker 2.1 unpacks them
 * (`get_meta_attributes`, `unpack_operation`): a set with a rule applies where the rule holds for
 * the resource (`rsc_expression`: its class, provider and type; a group or clone has none) and the
 * operation (`op_expression`: its name and interval). A node `expression` there sees no node
 * attributes, as in Pacemaker. Pure.
 */
import type { NvSet, Resource } from './cib-model.js';
import { flattenSets } from './nvsets.js';
import { evaluateRule, type RuleTarget } from './rules.js';

const NO_NODE: ReadonlyMap<string, string> = new Map();
const plain = new WeakMap<readonly NvSet[], ReadonlyMap<string, string>>();

function flattenFor(sets: readonly NvSet[], target: RuleTarget): ReadonlyMap<string, string> {
  if (!sets.some((s) => s.rule !== undefined)) {
    let kept = plain.get(sets);
    if (!kept) {
      kept = flattenSets(sets);
      plain.set(sets, kept);
    }
    return kept;
  }
  const holding = sets.filter((s) => s.rule === undefined || evaluateRule(s.rule, NO_NODE, target));
  return flattenSets(holding.map((s) => (s.rule === undefined ? s : { ...s, rule: undefined })));
}

/** What an `rsc_expression` compares: a primitive's class, provider and type (nothing for others). */
function ruleResource(r: Resource | undefined): RuleTarget['rsc'] {
  return r?.kind === 'primitive' ? { class: r.class, provider: r.provider, type: r.type } : {};
}

/**
 * The `rsc_defaults` that apply to a resource (read-only: shared between resources).
 *
 * @example
 * rscDefaultsFor(cib.rscDefaults, dummy).get('is-managed') // 'false' under a rule naming ocf:pacemaker:Dummy
 */
export function rscDefaultsFor(sets: readonly NvSet[], r: Resource): ReadonlyMap<string, string> {
  return flattenFor(sets, { rsc: ruleResource(r) });
}

/**
 * The `op_defaults` that apply to one operation of a resource, as a new map the caller may add to.
 *
 * @example
 * opDefaultsFor(cib.opDefaults, dummy, 'monitor', 10_000).get('timeout') // '8s' under a rule naming monitor/10s
 */
export function opDefaultsFor(sets: readonly NvSet[], r: Resource | undefined, name: string, intervalMs: number): Map<string, string> {
  return new Map(flattenFor(sets, { rsc: ruleResource(r), op: { name, intervalMs } }));
}
