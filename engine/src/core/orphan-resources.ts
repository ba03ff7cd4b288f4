/**
 * Orphaned resources, as Pacemaker's unpacking makes them (`process_orphan_resource`): operation
 * history for a resource id the configuration no longer has becomes a primitive of its own, built
 * from the history entry's class, provider and type (no parameters, operations or meta attributes
 * beyond rsc_defaults). It is never probed and never started. With `stop-orphan-resources` (the
 * default) it may run nowhere, so it is stopped where active and its history deleted afterwards;
 * without, it is unmanaged and left as it is.
 */
import type { Cib, LrmResource, Primitive, Resource } from './cib-model.js';
import { flattenSets, isTrue } from './nvsets.js';
import { INFINITY } from './score.js';
import { leftAloneIds } from './unmodelled-xml.js';
import type { WNode, WRsc } from './working-set.js';

/**
 * The configuration an orphan's history implies: a bare primitive with the history's agent.
 *
 * @example
 * orphanConfig({ id: 'old', class: 'ocf', provider: 'heartbeat', type: 'IPaddr', ops }).type // 'IPaddr'
 */
export function orphanConfig(lr: LrmResource): Primitive {
  return {
    kind: 'primitive',
    id: lr.id,
    class: lr.class,
    ...(lr.provider === undefined ? {} : { provider: lr.provider }),
    type: lr.type,
    params: [],
    meta: [],
    ops: [],
  };
}

function* everyResource(rs: readonly Resource[]): Generator<Resource> {
  for (const r of rs) {
    yield r;
    if (r.kind === 'group') yield* everyResource(r.children);
    else if (r.kind === 'clone') yield* everyResource([r.child]);
  }
}

/**
 * A test for history ids that belong to what the model leaves alone, so are no orphans: the
 * resources it does not model (a bundle, its primitive `rsc:N`, and the ones a bundle implies,
 * named after it: `bundle-docker-0`, `bundle-0`, `bundle-ip-…`), a guest node's connection (the
 * `remote-node` meta attribute of a primitive), and any other `ocf:pacemaker:remote` history (an
 * orphaned connection is found before, by orphan-connections.ts, and made an orphan there).
 *
 * @example
 * leftAloneHistory(cib)({ id: 'web-bundle-docker-0', class: 'ocf', type: 'docker', ops }) // true when web-bundle is a bundle
 */
export function leftAloneHistory(cib: Cib): (lr: LrmResource) => boolean {
  const owned = ownedByUnmodelled(cib);
  return (lr) => (lr.class === 'ocf' && lr.provider === 'pacemaker' && lr.type === 'remote') || owned(lr.id);
}

/**
 * A test for history ids that belong to what the model leaves alone or implies (bundles and what
 * they imply, guest connections named by `remote-node`): see {@link leftAloneHistory}.
 *
 * @example
 * ownedByUnmodelled(cib)('web-bundle-0') // true when web-bundle is a bundle
 */
export function ownedByUnmodelled(cib: Cib): (id: string) => boolean {
  const config = cib.source?.children.find((c) => c.name === 'configuration');
  const ids = leftAloneIds(config);
  for (const r of everyResource(cib.resources)) {
    const guest = flattenSets(r.meta).get('remote-node');
    if (guest !== undefined) ids.add(guest);
  }
  const prefixes = [...ids].map((id) => `${id}-`);
  return (historyId) => {
    const id = historyId.replace(/:\d+$/, '');
    return ids.has(id) || prefixes.some((p) => id.startsWith(p));
  };
}

/**
 * Marks a fresh primitive made from {@link orphanConfig} as an orphan: with `stop-orphan-resources`
 * true (its default) banned from every node, else unmanaged (left where it is active).
 *
 * @example
 * markOrphanPrimitive(r, options, ws.nodes); r.allowed.get('node1') // -INFINITY
 */
export function markOrphanPrimitive(r: WRsc, options: ReadonlyMap<string, string>, nodes: readonly WNode[]): void {
  r.orphan = true;
  if (isTrue(options.get('stop-orphan-resources') ?? 'true')) {
    for (const n of nodes) r.allowed.set(n.uname, -INFINITY);
  } else r.managed = false;
}

/** Whether a resource is an orphan that is a resource of its own (not a clone's instance). */
export function isOrphanPrimitive(r: WRsc): boolean {
  return r.orphan === true && r.variant === 'primitive' && r.parent === undefined;
}
