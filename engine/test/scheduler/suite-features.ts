/**
 * Which Pacemaker features a scheduler input uses, so the Pacemaker-suite harness can say what a
 * difference or a refusal is about. `modelled: false` marks what the scheduler README lists as not
 * (yet) modelled; a case using none of those is expected to be equal.
 */
import { parseXml, type XmlElement } from '../../src/cib/xml-tree.js';

interface Feature {
  name: string;
  modelled: boolean;
  uses(cib: CibFacts): boolean;
}

/** What the feature tests look at, gathered once per input. */
interface CibFacts {
  elements: Set<string>;
  /** `name=value` of every nvpair under `configuration`, lower-cased name. */
  nvpairs: Array<{ set: string; name: string; value: string }>;
  /** Every element with its attributes, for attribute tests. */
  all: XmlElement[];
  /** Transient and permanent node attributes in the status section: name → values. */
  statusAttrs: Map<string, string[]>;
  /** Operation history entries. */
  ops: XmlElement[];
  /** `lrm_resource` ids. */
  historyIds: string[];
  /** Every configured resource id (primitives, groups, clones, bundles, templates). */
  resourceIds: Set<string>;
}

function* walk(e: XmlElement): Generator<XmlElement> {
  yield e;
  for (const c of e.children) yield* walk(c);
}

const TRUE = /^(true|on|yes|y|1)$/i;
const CLONES = new Set(['clone', 'master']);
const FALSE = /^(false|off|no|n|0)$/i;

/** Gathers the facts of one input. */
function cibFacts(xml: string): CibFacts {
  const root = parseXml(xml);
  const config = root.children.find((c) => c.name === 'configuration');
  const status = root.children.find((c) => c.name === 'status');
  const all = [...walk(root)];
  const nvpairs: CibFacts['nvpairs'] = [];
  const visit = (e: XmlElement, set: string) => {
    for (const c of e.children) {
      if (c.name === 'nvpair') nvpairs.push({ set, name: (c.attrs.name ?? '').toLowerCase(), value: c.attrs.value ?? '' });
      else visit(c, /attributes|_defaults|crm_config|utilization/.test(c.name) ? c.name : set);
    }
  };
  if (config) visit(config, 'configuration');
  const statusAttrs = new Map<string, string[]>();
  const ops: XmlElement[] = [];
  const historyIds: string[] = [];
  for (const e of status ? walk(status) : []) {
    if (e.name === 'nvpair') {
      const n = (e.attrs.name ?? '').toLowerCase();
      statusAttrs.set(n, [...(statusAttrs.get(n) ?? []), e.attrs.value ?? '']);
    } else if (e.name === 'lrm_rsc_op') ops.push(e);
    else if (e.name === 'lrm_resource' && e.attrs.id) historyIds.push(e.attrs.id);
  }
  const resourceIds = new Set<string>();
  const resources = config?.children.find((c) => c.name === 'resources');
  for (const e of resources ? walk(resources) : [])
    if (['primitive', 'group', 'clone', 'master', 'bundle', 'template'].includes(e.name) && e.attrs.id) resourceIds.add(e.attrs.id);
  return { elements: new Set(all.map((e) => e.name)), nvpairs, all, statusAttrs, ops, historyIds, resourceIds };
}

const meta = (f: CibFacts, name: string, test: (v: string) => boolean) =>
  f.nvpairs.some((p) => p.name === name && p.set !== 'instance_attributes' && test(p.value));
const attr = (f: CibFacts, element: string, name: string, test: (v: string) => boolean = () => true) =>
  f.all.some((e) => e.name === element && e.attrs[name] !== undefined && test(e.attrs[name] ?? ''));
const role = (v: string) => !/^(started)?$/i.test(v);

/** Features in the order they are reported; the first not modelled is a case's headline. */
const FEATURES: Feature[] = [
  { name: 'bundles', modelled: false, uses: (f) => f.elements.has('bundle') },
  { name: 'tickets', modelled: true, uses: (f) => f.elements.has('rsc_ticket') || f.elements.has('tickets') },
  // Scheduled as Pacemaker does (remote-nodes.ts); the engine still warns that the controller
  // cannot run their connections.
  {
    name: 'remote nodes',
    modelled: true,
    uses: (f) => attr(f, 'primitive', 'type', (v) => v === 'remote') || attr(f, 'node', 'type', (v) => v === 'remote'),
  },
  // Scheduled as Pacemaker does (guest-nodes.ts, containers.ts); the engine still warns that the
  // controller cannot run a guest node's connection.
  { name: 'guest nodes', modelled: true, uses: (f) => meta(f, 'remote-node', () => true) },
  { name: 'containers', modelled: true, uses: (f) => meta(f, 'container', () => true) },
  { name: 'resource sets', modelled: true, uses: (f) => f.elements.has('resource_set') },
  { name: 'require-all=false sets', modelled: true, uses: (f) => attr(f, 'resource_set', 'require-all', (v) => FALSE.test(v)) },
  { name: 'templates', modelled: true, uses: (f) => f.elements.has('template') },
  // id-ref on resource sets (resource-sets.ts), nvpairs and operations (import.ts) is modelled; on attribute sets and rules it is not.
  {
    name: 'id-ref',
    modelled: false,
    // id-ref on an nvpair or on operations is read (import.ts); elsewhere it is not.
    uses: (f) => f.all.some((e) => !['resource_set', 'nvpair', 'operations'].includes(e.name) && e.attrs['id-ref'] !== undefined),
  },
  { name: 'tags', modelled: true, uses: (f) => f.elements.has('tag') },
  { name: 'rsc/op expressions', modelled: false, uses: (f) => f.elements.has('rsc_expression') || f.elements.has('op_expression') },
  { name: 'date rules', modelled: true, uses: (f) => f.elements.has('date_expression') },
  {
    name: 'role colocations',
    modelled: true,
    uses: (f) => attr(f, 'rsc_colocation', 'rsc-role', role) || attr(f, 'rsc_colocation', 'with-rsc-role', role),
  },
  { name: 'placement strategy', modelled: true, uses: (f) => meta(f, 'placement-strategy', (v) => v !== 'default') },
  {
    name: 'migration',
    modelled: true,
    uses: (f) => meta(f, 'allow-migrate', (v) => TRUE.test(v)) || f.ops.some((o) => /^migrate_(to|from)$/.test(o.attrs.operation ?? '')),
  },
  // Modelled for clones of primitives, fencing-implied stops included (notifications.ts); not for
  // cloned groups (warned).
  { name: 'notifications', modelled: true, uses: (f) => meta(f, 'notify', (v) => TRUE.test(v)) },
  {
    name: 'cloned-group notifications',
    modelled: false,
    uses: (f) =>
      meta(f, 'notify', (v) => TRUE.test(v)) && f.all.some((e) => CLONES.has(e.name) && e.children.some((c) => c.name === 'group')),
  },
  { name: 'node health', modelled: true, uses: (f) => meta(f, 'node-health-strategy', (v) => v !== 'none') },
  { name: 'shutdown locks', modelled: true, uses: (f) => meta(f, 'shutdown-lock', (v) => TRUE.test(v)) },
  // Every policy is modelled (multiple-active.ts); stop_unexpected is tagged, as the newest.
  {
    name: 'multiple-active',
    modelled: true,
    uses: (f) => meta(f, 'multiple-active', (v) => !['stop_start', 'stop_only', 'block'].includes(v)),
  },
  { name: 'resource-discovery', modelled: true, uses: (f) => attr(f, 'rsc_location', 'resource-discovery', (v) => v !== 'always') },
  {
    name: 'resource-discovery-enabled',
    modelled: false,
    uses: (f) => (f.statusAttrs.get('resource-discovery-enabled') ?? []).some((v) => FALSE.test(v)),
  },
  { name: 'rsc-pattern', modelled: true, uses: (f) => attr(f, 'rsc_location', 'rsc-pattern') },
  // Modelled (resource-sets.ts) but for date expressions in their rules, which are warned about.
  {
    name: 'location sets with rules',
    modelled: true,
    uses: (f) =>
      f.all.some(
        (e) => e.name === 'rsc_location' && e.children.some((c) => c.name === 'resource_set') && e.children.some((c) => c.name === 'rule'),
      ),
  },
  { name: 'colocation node-attribute', modelled: false, uses: (f) => attr(f, 'rsc_colocation', 'node-attribute', (v) => v !== '#uname') },
  {
    name: 'serialize orders',
    modelled: false,
    uses: (f) => ['rsc_order', 'resource_set'].some((e) => attr(f, e, 'kind', (v) => /^serialize$/i.test(v))),
  },
  // The fencer's configuration; Pacemaker 2.1.5's scheduler never reads it (see README).
  { name: 'fencing topology', modelled: true, uses: (f) => f.elements.has('fencing-level') },
  {
    name: 'pending operations',
    // A pending start is asked for again, a pending promote counts as promoted, a migrate_to
    // pending on an unclean node stops the resource on its target, the first shows as pending.
    modelled: true,
    uses: (f) => f.ops.some((o) => o.attrs['op-status'] === '-1' || o.attrs['rc-code'] === '193'),
  },
  { name: 'orphan resources', modelled: true, uses: (f) => f.historyIds.some((id) => !f.resourceIds.has(id.replace(/:\d+$/, ''))) },
  // The unsafe differences issue 22 started with, now modelled.
  { name: 'clean shutdown', modelled: true, uses: (f) => (f.statusAttrs.get('shutdown') ?? []).some((v) => v !== '0' && v !== '') },
  {
    name: 'maintenance',
    modelled: true,
    uses: (f) =>
      meta(f, 'maintenance-mode', (v) => TRUE.test(v)) ||
      f.nvpairs.some((p) => p.name === 'maintenance' && TRUE.test(p.value)) ||
      (f.statusAttrs.get('maintenance') ?? []).some((v) => TRUE.test(v)),
  },
  { name: 'unmanaged', modelled: true, uses: (f) => meta(f, 'is-managed', (v) => FALSE.test(v)) },
  {
    name: 'clone-min/require-all',
    modelled: true,
    uses: (f) =>
      meta(f, 'clone-min', (v) => v !== '0') ||
      attr(f, 'resource_set', 'require-all', (v) => FALSE.test(v)) ||
      attr(f, 'rsc_order', 'require-all', (v) => FALSE.test(v)),
  },
  { name: 'asymmetrical orders', modelled: true, uses: (f) => attr(f, 'rsc_order', 'symmetrical', (v) => FALSE.test(v)) },
  {
    name: 'unfencing',
    modelled: true,
    uses: (f) => meta(f, 'requires', (v) => v === 'unfencing') || meta(f, 'provides', (v) => v === 'unfencing'),
  },
  // Scheduled where the resource is stopped (stopped-monitors.ts).
  { name: 'stopped-role monitors', modelled: true, uses: (f) => attr(f, 'op', 'role', (v) => v.toLowerCase() === 'stopped') },
  { name: 'on-fail=demote', modelled: true, uses: (f) => attr(f, 'op', 'on-fail', (v) => v === 'demote') },
  { name: 'numbered clone history', modelled: true, uses: (f) => f.historyIds.some((id) => /:\d+$/.test(id)) },
  {
    name: 'non-start orders',
    modelled: true,
    uses: (f) => attr(f, 'rsc_order', 'first-action', (v) => v !== 'start') || attr(f, 'rsc_order', 'then-action', (v) => v !== 'start'),
  },
];

/** The features `xml` uses. */
export function featuresOf(xml: string): Feature[] {
  const facts = cibFacts(xml);
  return FEATURES.filter((f) => f.uses(facts));
}
