import { type BundleSpec, childCloneId, containerId, guestNodes, ipId } from './bundles.js';
import type { Constraint, LocationConstraint, OpaqueXml } from './cib-model.js';
import { ruleFromXml } from './rule-xml.js';
import { INFINITY, parseScore } from './score.js';

/**
 * Constraints that name a bundle (or its child primitive), which the importer leaves out of the
 * model, rewritten onto the resources the bundle implies (Pacemaker 2.1's
 * pcmk__bundle_rsc_location, pcmk__bundle_apply_coloc_score and the bundle's pseudo actions):
 *
 * - a location applies to every replica's container and IP (and, for a role, to the child's clone);
 * - a colocation with the bundle as dependent applies to each container; with the bundle as primary
 *   a negative one, or one with a single replica, applies to the containers, and a primitive's
 *   INFINITY one with several replicas (any role but Promoted) means "where one of its containers
 *   runs" (`ColocationConstraint.bundle`); other positive ones with several replicas are not
 *   modelled ({@link unmodelledBundleConstraints} reports them);
 * - an order on the bundle's start waits for the child's clone (or every container), an order
 *   before it comes before every container; promote/demote orders are the child clone's;
 * - the child primitive's id stands for its clone.
 */

const ROLES = new Set(['promote', 'demote', 'promoted', 'demoted']);

/** What a bundle is in a constraint: its parts. */
interface Parts {
  bundle: BundleSpec;
  containers: string[];
  ips: string[];
  clone?: string;
}

function partsOf(b: BundleSpec): Parts {
  const containers = Array.from({ length: b.replicas }, (_, n) => containerId(b, n));
  const ips = b.addresses.map((a) => ipId(b, a));
  return { bundle: b, containers, ips, ...(b.child !== undefined ? { clone: childCloneId(b) } : {}) };
}

/** Where a constraint's id reference leads: a bundle, a bundle's child (its clone), or itself. */
function resolver(bundles: readonly BundleSpec[]): (id: string) => Parts | string {
  const byId = new Map(bundles.map((b) => [b.id, partsOf(b)]));
  const childClone = new Map(bundles.flatMap((b) => (b.child !== undefined ? [[b.child.id, childCloneId(b)] as const] : [])));
  return (id) => byId.get(id) ?? childClone.get(id) ?? id;
}

type Outcome = { constraints: Constraint[]; partly?: string } | { unmodelled: string };

function location(e: OpaqueXml, p: Parts): Outcome {
  const base: Omit<LocationConstraint, 'id' | 'rsc'> = {
    kind: 'location',
    ...(e.attrs.node !== undefined ? { node: e.attrs.node } : {}),
    ...(e.attrs.score !== undefined ? { score: e.attrs.score } : {}),
    ...(e.attrs.role !== undefined ? { role: e.attrs.role } : {}),
    ...(e.attrs['resource-discovery'] !== undefined ? { resourceDiscovery: e.attrs['resource-discovery'] } : {}),
    rules: e.children.filter((c) => c.name === 'rule').map(ruleFromXml),
  };
  const id = e.attrs.id ?? '';
  const role = e.attrs.role?.toLowerCase();
  const targets = [...p.containers, ...p.ips];
  if (p.clone !== undefined && role !== undefined && role !== 'started') targets.push(p.clone);
  return { constraints: targets.map((rsc) => ({ ...base, id: `${id}:${rsc}`, rsc })) };
}

function startedRole(role: string | undefined): boolean {
  return role === undefined || ['started', 'unknown'].includes(role.toLowerCase());
}

function colocation(e: OpaqueXml, dep: Parts | string, primary: Parts | string, primitives: ReadonlySet<string>): Outcome {
  const id = e.attrs.id ?? '';
  const score = e.attrs.score ?? '0';
  const rest = {
    ...(e.attrs['rsc-role'] !== undefined ? { rscRole: e.attrs['rsc-role'] } : {}),
    ...(e.attrs['with-rsc-role'] !== undefined ? { withRscRole: e.attrs['with-rsc-role'] } : {}),
    ...(e.attrs['node-attribute'] !== undefined ? { nodeAttribute: e.attrs['node-attribute'] } : {}),
    ...(e.attrs.influence !== undefined ? { influence: e.attrs.influence } : {}),
  };
  const negative = score.trim().startsWith('-');
  let primaries: string[];
  if (typeof primary === 'string') primaries = [primary];
  else if (primary.containers.length === 1 || negative) primaries = primary.containers;
  else if (
    typeof dep === 'string' &&
    primitives.has(dep) &&
    parseScore(score) === INFINITY &&
    startedRole(e.attrs['rsc-role']) &&
    startedRole(e.attrs['with-rsc-role'])
  )
    // A primitive with a bundle of several replicas runs where one of its containers does
    // (Pacemaker's pcmk__bundle_apply_coloc_score); the bundle is assigned first.
    return {
      constraints: [
        {
          kind: 'colocation',
          id,
          rsc: dep,
          withRsc: primary.containers[0] as string,
          score,
          ...rest,
          bundle: {
            containers: primary.containers,
            parts: [...primary.containers, ...primary.ips, ...guestNodes(primary.bundle)],
          },
        },
      ],
      partly: `the replicas of ${primary.bundle.id} are placed without ${dep}'s preferences (Pacemaker's take them)`,
    };
  else return { unmodelled: `a colocation with ${primary.bundle.id}, which has ${primary.containers.length} replicas, is not modelled` };
  const dependents = typeof dep === 'string' ? [dep] : dep.containers;
  const out: Constraint[] = [];
  for (const rsc of dependents)
    for (const withRsc of primaries) out.push({ kind: 'colocation', id: `${id}:${rsc}:${withRsc}`, rsc, withRsc, score, ...rest });
  return { constraints: out };
}

function order(e: OpaqueXml, first: Parts | string, then: Parts | string): Outcome {
  const id = e.attrs.id ?? '';
  const firstAction = e.attrs['first-action'];
  const thenAction = e.attrs['then-action'];
  const rest = {
    ...(e.attrs.kind !== undefined ? { orderKind: e.attrs.kind as 'Mandatory' | 'Optional' | 'Serialize' } : {}),
    ...(e.attrs.score !== undefined ? { score: e.attrs.score } : {}),
    ...(e.attrs.symmetrical !== undefined ? { symmetrical: e.attrs.symmetrical } : {}),
    ...(e.attrs['require-all'] !== undefined ? { requireAll: e.attrs['require-all'] } : {}),
  };
  // A bundle's start is done when its child's clone runs (or every container when it has none);
  // promote/demote are its child's.
  const side = (s: Parts | string, action: string | undefined, isFirst: boolean): string[] | undefined => {
    if (typeof s === 'string') return [s];
    if (ROLES.has(action ?? '')) return s.clone !== undefined ? [s.clone] : undefined;
    if (isFirst && s.clone !== undefined) return [s.clone];
    return s.containers;
  };
  const firsts = side(first, firstAction, true);
  const thens = side(then, thenAction, false);
  if (!firsts || !thens) return { unmodelled: 'a promote/demote order on a bundle without a child is not modelled' };
  const out: Constraint[] = [];
  for (const f of firsts)
    for (const t of thens)
      out.push({
        kind: 'order',
        id: `${id}:${f}:${t}`,
        first: f,
        thenRsc: t,
        ...(firstAction !== undefined ? { firstAction } : {}),
        ...(thenAction !== undefined ? { thenAction } : {}),
        ...rest,
      });
  return { constraints: out };
}

/**
 * Each constraint of the source that names a bundle or a bundle's child (and no other resource
 * the model leaves alone), with what it becomes: the constraints it is rewritten to, or why it
 * is not modelled. Constraints with resource sets are not rewritten. `primitives`: the top-level
 * primitives' ids (only a primitive may be colocated with any of several replicas).
 */
export function bundleConstraints(
  constraints: readonly OpaqueXml[],
  bundles: readonly BundleSpec[],
  leftAlone: ReadonlySet<string>,
  primitives: ReadonlySet<string> = new Set(),
): Map<OpaqueXml, Outcome> {
  const out = new Map<OpaqueXml, Outcome>();
  if (bundles.length === 0) return out;
  const resolve = resolver(bundles);
  for (const e of constraints) {
    if (e.children.some((c) => c.name === 'resource_set')) continue;
    const refs =
      e.name === 'rsc_location'
        ? [e.attrs.rsc]
        : e.name === 'rsc_colocation'
          ? [e.attrs.rsc, e.attrs['with-rsc']]
          : e.name === 'rsc_order'
            ? [e.attrs.first, e.attrs.then]
            : [];
    if (refs.some((r) => r === undefined) || refs.length === 0) continue;
    const resolved = (refs as string[]).map(resolve);
    if (resolved.every((r) => typeof r === 'string' && !isChildClone(r, bundles))) continue;
    // Another reference the model leaves alone (a template's, a tag): not rewritten.
    if (resolved.some((r, i) => typeof r === 'string' && r === refs[i] && leftAlone.has(r))) continue;
    if (e.name === 'rsc_location') {
      const [only] = resolved;
      out.set(e, typeof only === 'string' ? locationOn(e, only) : location(e, only as Parts));
    } else if (e.name === 'rsc_colocation')
      out.set(e, colocation(e, resolved[0] as Parts | string, resolved[1] as Parts | string, primitives));
    else out.set(e, order(e, resolved[0] as Parts | string, resolved[1] as Parts | string));
  }
  return out;
}

function isChildClone(id: string, bundles: readonly BundleSpec[]): boolean {
  return bundles.some((b) => b.child !== undefined && childCloneId(b) === id);
}

function locationOn(e: OpaqueXml, rsc: string): Outcome {
  return {
    constraints: [
      {
        kind: 'location',
        id: e.attrs.id ?? '',
        rsc,
        ...(e.attrs.node !== undefined ? { node: e.attrs.node } : {}),
        ...(e.attrs.score !== undefined ? { score: e.attrs.score } : {}),
        ...(e.attrs.role !== undefined ? { role: e.attrs.role } : {}),
        ...(e.attrs['resource-discovery'] !== undefined ? { resourceDiscovery: e.attrs['resource-discovery'] } : {}),
        rules: e.children.filter((c) => c.name === 'rule').map(ruleFromXml),
      },
    ],
  };
}
