import { XMLParser } from 'fast-xml-parser';
import type { ClusterStatus, ResourceState } from './rig';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (name) => ['node', 'resource', 'group', 'clone', 'attribute', 'resource_history', 'operation_history'].includes(name),
});

type X = Record<string, unknown>;
const arr = (v: unknown): X[] => (Array.isArray(v) ? (v as X[]) : v ? [v as X] : []);

function collect(res: X, out: Map<string, ResourceState>): void {
  const id = String(res.id);
  const entry = out.get(id) ?? { id, nodes: [], failed: false };
  if (res.active === 'true') for (const n of arr(res.node)) entry.nodes.push(String(n.name));
  entry.failed ||= res.failed === 'true';
  out.set(id, entry);
}

/**
 * Reads `crm_mon -1 -r -A --output-as=xml` (Pacemaker 2.1): members, DC, quorum, where every
 * primitive is active (group members and clone instances included), node attributes, fail counts.
 *
 * @example
 * parseCrmMon(xml, 'node1').resources.get('prmIp')?.nodes // ['node2']
 */
export function parseCrmMon(xml: string, via: string): ClusterStatus {
  const doc = parser.parse(xml) as X;
  const root = (doc['pacemaker-result'] ?? doc.crm_mon) as X | undefined;
  if (!root) throw new Error(`crm_mon output from ${via} is not crm_mon XML: ${xml.slice(0, 200)}`);
  const summary = (root.summary ?? {}) as X;
  const dcEl = summary.current_dc as X | undefined;
  const online = arr((root.nodes as X | undefined)?.node)
    .filter((n) => n.online === 'true')
    .map((n) => String(n.name));
  const resources = new Map<string, ResourceState>();
  const walk = (x: X | undefined): void => {
    if (!x) return;
    for (const r of arr(x.resource)) collect(r, resources);
    for (const g of arr(x.group)) walk(g);
    for (const c of arr(x.clone)) walk(c);
  };
  walk(root.resources as X | undefined);
  const attributes = new Map<string, Record<string, string>>();
  for (const n of arr((root.node_attributes as X | undefined)?.node))
    attributes.set(String(n.name), Object.fromEntries(arr(n.attribute).map((a) => [String(a.name), String(a.value)])));
  const failCounts = new Map<string, number>();
  for (const n of arr((root.node_history as X | undefined)?.node))
    for (const h of arr(n.resource_history))
      if (h['fail-count'] !== undefined) failCounts.set(`${h.id}@${n.name}`, Number(h['fail-count']));
  return {
    via,
    ...(dcEl?.present === 'true' && dcEl.name ? { dc: String(dcEl.name) } : {}),
    quorate: dcEl?.with_quorum === 'true',
    online,
    resources,
    attributes,
    failCounts,
  };
}

/** The status command of a rig's stack, run inside a node. */
export function crmMonArgv(kind: string): string[] {
  if (kind === 'pacemaker') return ['crm_mon', '-1', '-r', '-A', '-f', '--output-as=xml'];
  return ['/usr/local/bin/node', '/opt/ocfkit/conformance/bin/ocfkit.js', 'status', '--output-as', 'xml'];
}
