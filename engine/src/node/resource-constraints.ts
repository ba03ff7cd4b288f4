/**
 * `ocfkit resource move|ban|clear` as crm_resource writes them: a move is
 * `<rsc_location id="cli-prefer-<rsc>" rsc role="Started" node score="INFINITY"/>`, a ban
 * `<rsc_location id="cli-ban-<rsc>-on-<node>" ... score="-INFINITY"/>`, and clear removes them.
 */
import { CibError, el, type XmlElement } from '../cib/xml-tree.js';
import { findNode, findResource, section } from './cib-tree.js';

const preferId = (rsc: string) => `cli-prefer-${rsc}`;
const banId = (rsc: string, node: string) => `cli-ban-${rsc}-on-${node}`;

function putLocation(cib: XmlElement, id: string, rsc: string, node: string, score: string): void {
  const constraints = section(cib, 'constraints');
  const c = el('rsc_location', { id, rsc, role: 'Started', node, score });
  const at = constraints.children.findIndex((x) => x.attrs.id === id);
  if (at >= 0) constraints.children[at] = c;
  else constraints.children.push(c);
}

function removeIds(cib: XmlElement, keep: (c: XmlElement) => boolean): string[] {
  const constraints = section(cib, 'constraints');
  const removed = constraints.children.filter((c) => !keep(c)).map((c) => c.attrs.id as string);
  constraints.children = constraints.children.filter(keep);
  return removed;
}

/** Where a resource is active now (from the status), to default `--node` of ban and move. */
type ActiveNodes = (rsc: string) => string[];

function checkTarget(cib: XmlElement, rsc: string): XmlElement {
  const r = findResource(cib, rsc);
  const parent = (function find(e: XmlElement, up?: XmlElement): XmlElement | undefined {
    for (const c of e.children) {
      if (c === r) return up;
      const p = find(c, c);
      if (p) return p;
    }
    return undefined;
  })(section(cib, 'resources'));
  if (parent && (parent.name === 'clone' || parent.name === 'master'))
    throw new CibError(`"${rsc}" is inside clone "${parent.attrs.id}": move or ban the clone instead`);
  return r;
}

/**
 * Bans `rsc` from `node` (default: the one node it is active on). Returns the messages to print.
 *
 * @example
 * banResource(cib, 'ip', 'n2', active) // ['WARNING: Creating rsc_location constraint ...']
 */
export function banResource(cib: XmlElement, rsc: string, node: string | undefined, active: ActiveNodes): string[] {
  checkTarget(cib, rsc);
  let target = node;
  if (target === undefined) {
    const on = active(rsc);
    if (on.length !== 1)
      throw new CibError(
        `resource "${rsc}" is active on ${on.length === 0 ? 'no node' : `${on.length} nodes (${on.join(', ')})`}: name the node with --node`,
      );
    target = on[0] as string;
  }
  findNode(cib, target);
  const id = banId(rsc, target);
  putLocation(cib, id, rsc, target, '-INFINITY');
  return [
    `WARNING: Creating rsc_location constraint '${id}' with a score of -INFINITY for resource ${rsc} on ${target}.`,
    `\tThis will prevent ${rsc} from running on ${target} until the constraint is removed using the clear option or by editing the CIB with an appropriate tool`,
    `\tThis will be the case even if ${target} is the last node in the cluster`,
  ];
}

/**
 * Moves `rsc` to `node` (a cli-prefer constraint; a ban of it there is cleared first). Without a
 * node, bans it from the one node it is active on (crm_resource --move without --node). With
 * `force`, also bans it from where it runs now.
 */
export function moveResource(cib: XmlElement, rsc: string, node: string | undefined, active: ActiveNodes, force = false): string[] {
  checkTarget(cib, rsc);
  if (node === undefined) return banResource(cib, rsc, undefined, active);
  findNode(cib, node);
  const on = active(rsc);
  if (on.length === 1 && on[0] === node && !force) throw new CibError(`resource "${rsc}" is already active on ${node}`);
  const messages = removeIds(cib, (c) => c.attrs.id !== banId(rsc, node)).map((id) => `Removing constraint: ${id}`);
  putLocation(cib, preferId(rsc), rsc, node, 'INFINITY');
  if (force) for (const n of on.filter((x) => x !== node)) messages.push(...banResource(cib, rsc, n, active));
  return messages;
}

/**
 * Removes the constraints move and ban created for `rsc` (only those naming `node`, when given).
 * Returns one "Removing constraint" line per constraint removed.
 */
export function clearResource(cib: XmlElement, rsc: string, node?: string): string[] {
  findResource(cib, rsc);
  const ours = (c: XmlElement) =>
    c.name === 'rsc_location' &&
    c.attrs.rsc === rsc &&
    (node === undefined || c.attrs.node === node) &&
    (c.attrs.id === preferId(rsc) || (c.attrs.id ?? '').startsWith(`cli-ban-${rsc}-on-`));
  return removeIds(cib, (c) => !ours(c)).map((id) => `Removing constraint: ${id}`);
}
