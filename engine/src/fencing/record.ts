import type { Cib, NodeState } from '../core/cib-model';

/**
 * The CIB after a node was fenced (only ever called on success): its `node_state` says down and
 * expected down, and its resource history and transient attributes are gone, so the scheduler
 * knows its resources are stopped, as Pacemaker's controller records a fencing result.
 *
 * @example
 * cib = recordFenced(cib, 'node3');
 * cib.status.find((s) => s.uname === 'node3')?.attrs.crmd // 'offline'
 */
export function recordFenced(cib: Cib, target: string): Cib {
  const t = target.toLowerCase();
  const known = cib.status.some((s) => s.uname.toLowerCase() === t);
  const node = cib.nodes.find((n) => n.uname.toLowerCase() === t);
  const down = (s: NodeState): NodeState => ({
    ...s,
    attrs: { ...s.attrs, in_ccm: 'false', crmd: 'offline', join: 'down', expected: 'down' },
    transient: [],
    lrm: [],
  });
  const status = known
    ? cib.status.map((s) => (s.uname.toLowerCase() === t ? down(s) : s))
    : [
        ...cib.status,
        down({
          id: node?.id ?? target,
          uname: node?.uname ?? target,
          attrs: { id: node?.id ?? target, uname: node?.uname ?? target },
          transient: [],
          lrm: [],
        }),
      ];
  return { ...cib, status };
}
