/**
 * Which parts of a cib.xml the typed model leaves alone. The importer skips them, the exporter
 * writes them back from the source unchanged, and the scheduler warns about them — all three
 * ask these predicates, so they always agree. Pure (plain element trees).
 */
import type { OpaqueXml } from './cib-model.js';

const RESOURCES = new Set(['primitive', 'group', 'clone', 'master']);
const CONSTRAINTS = new Set(['rsc_location', 'rsc_colocation', 'rsc_order']);
const RULE_TERMS = new Set(['expression', 'rule']);

function* walk(e: OpaqueXml): Generator<OpaqueXml> {
  yield e;
  for (const c of e.children) yield* walk(c);
}

/**
 * Whether a child of `<resources>` (or of a group/clone) is modelled: primitives (those built from
 * a `template` too), and groups and clones made only of those. Bundles, templates themselves (the
 * importer reads them into `Cib.templates`) and unknown elements are not.
 */
export function isModelledResource(e: OpaqueXml): boolean {
  if (!RESOURCES.has(e.name)) return false;
  // (One with neither class nor template is modelled: the importer refuses it, naming what is missing.)
  if (e.name === 'primitive') return true;
  return e.children.filter((c) => RESOURCES.has(c.name) || c.name === 'bundle' || c.name === 'template').every(isModelledResource);
}

/**
 * Every id a constraint may name that the model leaves alone: inside the resources it does not
 * model (a bundle's, its primitive's...), the templates and the `tags`. A constraint naming a tag or
 * a template is not read by the importer: the scheduler expands it into resource sets
 * (tag-references.ts).
 */
export function leftAloneIds(configuration: OpaqueXml | undefined): Set<string> {
  const ids = new Set<string>();
  const section = (name: string) => configuration?.children.find((c) => c.name === name)?.children ?? [];
  for (const r of section('resources'))
    if (!isModelledResource(r)) for (const e of walk(r)) if (e.attrs.id !== undefined && e.name !== 'nvpair') ids.add(e.attrs.id);
  for (const t of section('tags')) if (t.attrs.id !== undefined) ids.add(t.attrs.id);
  return ids;
}

function ruleModelled(rule: OpaqueXml): boolean {
  return rule.children.every((t) => RULE_TERMS.has(t.name) && (t.name === 'expression' || ruleModelled(t)));
}

/**
 * Why a child of `<constraints>` is not modelled (undefined when it is): tickets and unknown
 * constraints, resource sets, `rsc-pattern` locations, rules with date or operation expressions,
 * and constraints on resources the model leaves alone.
 */
export function unmodelledConstraint(e: OpaqueXml, leftAlone: ReadonlySet<string>): string | undefined {
  if (!CONSTRAINTS.has(e.name)) return `<${e.name}> is not modelled`;
  if (e.children.some((c) => c.name === 'resource_set')) return 'resource sets are not modelled';
  if (e.name === 'rsc_location' && e.attrs.rsc === undefined) return 'rsc-pattern is not modelled';
  if (e.children.some((c) => c.name === 'rule' && !ruleModelled(c))) return 'date and operation expressions are not modelled';
  const refs = [e.attrs.rsc, e.attrs['with-rsc'], e.attrs.first, e.attrs.then].filter((r): r is string => r !== undefined);
  const alone = refs.find((r) => leftAlone.has(r));
  return alone === undefined ? undefined : `it names ${alone}, which is left alone`;
}
