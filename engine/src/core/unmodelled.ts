import { bundleConstraintOutcomes, bundlesOf, bundleWarning } from './bundles.js';
import type { Cib, OpaqueXml, Resource } from './cib-model.js';
import { withGuestConnections } from './guest-nodes.js';
import { healthStrategy } from './node-health.js';
import { flattenSets, isTrue } from './nvsets.js';
import { remoteWarnings } from './remote-nodes.js';
import { configurationIds, setConstraintIssue } from './resource-sets.js';
import { expandReferences, referenceMembers } from './tag-references.js';
import { isModelledTicket } from './tickets.js';
import { isModelledResource, leftAloneIds, unmodelledConstraint } from './unmodelled-xml.js';

function* allResources(rs: readonly Resource[]): Generator<Resource> {
  for (const r of rs) {
    yield r;
    if (r.kind === 'group') yield* allResources(r.children);
    else if (r.kind === 'clone') yield* allResources([r.child]);
  }
}

/**
 * What the CIB asks for that the scheduler does not model (yet), one sentence each: the schedule
 * still runs, but where these matter its decision can differ from Pacemaker's, so it says so
 * (`ScheduleResult.warnings`, printed by `ocfkit engine simulate`) instead of deciding quietly.
 *
 * @example
 * unmodelledFeatures(cib) // ['clone notifications (notify=true on db-clone) are not sent']
 */
export function unmodelledFeatures(cib: Cib): string[] {
  const out: string[] = [];
  const options = flattenSets(cib.crmConfig);
  // node-health-strategy is modelled (node-health.ts); a value Pacemaker does not know means none.
  const health = options.get('node-health-strategy');
  if (health !== undefined && healthStrategy(options) === undefined && health.toLowerCase() !== 'none')
    out.push(`node-health-strategy=${health} is not a strategy Pacemaker knows: node health is ignored, as Pacemaker does`);
  const defaults = flattenSets(cib.rscDefaults);
  const named = (what: string, ids: string[]) =>
    ids.length > 0 ? `${what} (${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', ...' : ''})` : '';
  const withMeta = (name: string, test: (v: string) => boolean) =>
    [...allResources(cib.resources)]
      .filter((r) => {
        const v = flattenSets(r.meta).get(name) ?? defaults.get(name);
        return v !== undefined && test(v);
      })
      .map((r) => r.id);
  // Notifications of a clone of a primitive are modelled (notifications.ts), a cloned group's are not.
  const notify = withMeta('notify', isTrue).filter((id) =>
    cib.resources.some((r) => r.kind === 'clone' && r.id === id && r.child.kind !== 'primitive'),
  );
  if (notify.length) out.push(`${named('clone notifications', notify)} are not modelled: no notify actions are scheduled`);
  // Live migration is modelled for primitives and group members (migration.ts), not for clone instances.
  const inClones = new Set(cib.resources.filter((r) => r.kind === 'clone').flatMap((r) => [...allResources([r])].map((x) => x.id)));
  const migrate = withMeta('allow-migrate', isTrue).filter((id) => inClones.has(id));
  if (migrate.length)
    out.push(`${named('live migration of clone instances', migrate)} is not modelled: they are stopped and started instead of migrated`);
  const migrationLimit = options.get('migration-limit');
  if (migrationLimit !== undefined && migrationLimit !== '-1')
    out.push(`migration-limit=${migrationLimit} is not enforced: the controller runs as many migrations at once as the graph allows`);
  // Pacemaker Remote connections are modelled (remote-nodes.ts, which warns for itself), and so
  // are guest nodes (guest-nodes.ts) and containers (containers.ts); not a remote connection inside
  // a group or clone, a guest node asked for inside a clone, or a container no resource is.
  const expanded = withGuestConnections(cib);
  const ids = new Set([...allResources(expanded.resources)].map((r) => r.id));
  const inClone = new Set([...allResources(cib.resources.filter((r) => r.kind === 'clone'))].map((r) => r.id));
  const remote = [...allResources(cib.resources)]
    .filter((r) => {
      const meta = flattenSets(r.meta);
      const container = meta.get('container');
      return (
        (r.kind === 'primitive' && r.provider === 'pacemaker' && r.type === 'remote' && !cib.resources.includes(r)) ||
        (meta.has('remote-node') && inClone.has(r.id)) ||
        (container !== undefined && !ids.has(container))
      );
    })
    .map((r) => r.id);
  if (remote.length)
    out.push(`${named('guest nodes and containers', remote)} are not modelled: their connections are scheduled as ordinary resources`);
  out.push(...remoteWarnings(expanded));
  // resource-discovery on location constraints is modelled (resource-discovery.ts), a node's own
  // resource-discovery-enabled=false (Pacemaker Remote nodes) is not.
  const noDiscovery = cib.status
    .filter((st) => st.transient.some((set) => set.pairs.some((p) => p.name === 'resource-discovery-enabled' && !isTrue(p.value))))
    .map((st) => st.uname);
  if (noDiscovery.length)
    out.push(`${named('resource-discovery-enabled=false', noDiscovery)} is not modelled: resources are probed there as on any node`);
  // Role-specific colocations are modelled (promotable.ts, colocation.ts): all 71 of Pacemaker's
  // suite cases that use them are equal but for other features.
  const serialize = cib.constraints.filter((c) => c.kind === 'order' && c.orderKind === 'Serialize').map((c) => c.id);
  if (serialize.length) out.push(`${named('Serialize orders', serialize)} are treated as one-way optional orders`);
  // <fencing-topology> is the fencer's configuration: Pacemaker 2.1.5's scheduler never reads it
  // (lib/pengine and lib/pacemaker do not), so it changes no decision and needs no warning.
  out.push(...leftAlone(cib));
  return out;
}

/** What the importer left out of the model (kept in `source` and written back unchanged). */
function leftAlone(cib: Cib): string[] {
  const config = cib.source?.children.find((c) => c.name === 'configuration');
  const section = (name: string) => config?.children.find((c) => c.name === name);
  const resources = section('resources');
  const ids = leftAloneIds(config);
  let byId: Map<string, OpaqueXml> | undefined;
  const out: string[] = [];
  const bundles = new Set(bundlesOf(cib).map((b) => b.id));
  const rewritten = bundleConstraintOutcomes(cib);
  for (const r of resources?.children ?? [])
    if (bundles.has(r.attrs.id ?? '')) out.push(bundleWarning(r.attrs.id ?? ''));
    else if (!isModelledResource(r) && r.name !== 'template')
      out.push(`<${r.name} id="${r.attrs.id ?? ''}"> is not modelled: left alone (never started, stopped or monitored by this engine)`);
  const members = referenceMembers(cib);
  for (const written of section('constraints')?.children ?? []) {
    // A constraint naming a bundle is rewritten onto its parts (bundle-constraints.ts).
    const outcome = rewritten.get(written);
    if (outcome !== undefined) {
      if ('unmodelled' in outcome) out.push(`<${written.name} id="${written.attrs.id ?? ''}"> is ignored: ${outcome.unmodelled}`);
      else if (outcome.partly !== undefined)
        out.push(`<${written.name} id="${written.attrs.id ?? ''}"> is only partly modelled: ${outcome.partly}`);
      continue;
    }
    // Tags and templates are read as the resource sets they stand for (tag-references.ts).
    const c = expandReferences(written, members);
    // Tickets are modelled (read from the source by tickets.ts), except with resource sets.
    if (isModelledTicket(c) && !ids.has(c.attrs.rsc ?? '')) continue;
    // Resource sets are modelled (resource-sets.ts) except where setConstraintIssue says.
    const hasSets = c.children.some((x) => x.name === 'resource_set');
    if (hasSets) byId ??= configurationIds(cib);
    const why = hasSets ? setConstraintIssue(c, ids, byId) : unmodelledConstraint(c, ids);
    if (why !== undefined) out.push(`<${c.name} id="${c.attrs.id ?? ''}"> is ignored: ${why}`);
  }
  return out;
}
