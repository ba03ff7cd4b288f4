import { assignResource, sortNodes } from './assign.js';
import { addColocatedNodeScores, colocationHasInfluence, nodeAvailable } from './colocation.js';
import { formatScore, INFINITY } from './score.js';
import type { WNode, WorkingSet, WRsc } from './working-set.js';

/** `clone-max` (default: number of nodes) and `clone-node-max` (default 1). */
export function cloneLimits(ws: WorkingSet, clone: WRsc): { max: number; nodeMax: number } {
  const max = Number.parseInt(clone.meta.get('clone-max') ?? '', 10);
  const nodeMax = Number.parseInt(clone.meta.get('clone-node-max') ?? '', 10);
  return { max: Number.isNaN(max) ? ws.nodes.length : max, nodeMax: Number.isNaN(nodeMax) ? 1 : nodeMax };
}

function scoreLines(ws: WorkingSet, rsc: WRsc): void {
  for (const n of [...rsc.allowed.keys()].sort())
    ws.scoreLines.push(`pcmk__clone_assign: ${rsc.id} allocation score on ${n}: ${formatScore(rsc.allowed.get(n) ?? 0)}`);
}

function setAllowed(r: WRsc, name: string, score: number): void {
  r.allowed.set(name, score);
  for (const c of r.children) setAllowed(c, name, score);
}

/**
 * Assigns a clone's instances: first each active instance to its current node (while the node
 * has room), then the rest to the best nodes, at most `clone-node-max` per node and `clone-max`
 * in all. Instances are the clone's children (`rsc:0`, `rsc:1`...).
 *
 * @example
 * assignClone(ws, ws.byId.get('ping-clone')!);
 */
export function assignClone(ws: WorkingSet, clone: WRsc): WNode | undefined {
  if (!clone.provisional || clone.allocating) return undefined;
  clone.allocating = true;
  for (const c of [...clone.thisWith]) assignResource(ws, c.primary);
  for (const c of [...clone.withThis]) {
    if (!colocationHasInfluence(c)) continue;
    const factor = Math.fround(Math.fround(c.score) / Math.fround(INFINITY));
    clone.allowed =
      addColocatedNodeScores(ws, c.dependent, clone.allowed, c.nodeAttribute, factor, { active: true, nonnegative: true }) ?? clone.allowed;
  }
  scoreLines(ws, clone);
  const { max, nodeMax } = cloneLimits(ws, clone);
  const count = new Map<string, number>();
  const available = ws.nodes.filter((n) => nodeAvailable(n, 0, false)).length;
  const loopMax = Math.max(1, available > 0 ? Math.floor(max / available) : 1);
  let allocated = 0;
  const tryInstance = (inst: WRsc, prefer: WNode | undefined): boolean => {
    for (const [name, score] of clone.allowed) {
      const node = ws.nodeByName.get(name);
      const used = count.get(name) ?? 0;
      if (!nodeAvailable(node, 0, false) || score < 0 || used >= nodeMax) setAllowed(inst, name, -INFINITY);
      else if (prefer && node !== prefer) continue;
    }
    if (prefer) {
      const backup = new Map(inst.allowed);
      for (const [name] of inst.allowed) if (name !== prefer.uname) inst.allowed.set(name, -INFINITY);
      const chosen = assignResource(ws, inst);
      if (!chosen) {
        inst.allowed = backup;
        return false;
      }
    } else if (!assignResource(ws, inst)) return false;
    const node = inst.variant === 'group' ? inst.assignedTo : inst.assignedTo;
    if (node) count.set(node.uname, (count.get(node.uname) ?? 0) + 1);
    return node !== undefined;
  };
  for (const inst of clone.children) {
    if (allocated >= max) break;
    const current = inst.runningOn[0];
    if (!current || !inst.provisional || inst.failed) continue;
    if (!nodeAvailable(current, clone.allowed.get(current.uname) ?? -INFINITY, true)) continue;
    if ((count.get(current.uname) ?? 0) >= loopMax) continue;
    if (tryInstance(inst, current)) allocated++;
  }
  for (const inst of clone.children) {
    if (!inst.provisional) continue;
    if (allocated >= max) {
      for (const n of ws.nodes) setAllowed(inst, n.uname, -INFINITY);
      assignResource(ws, inst);
    } else if (tryInstance(inst, undefined)) allocated++;
  }
  void sortNodes;
  clone.allocating = false;
  clone.provisional = false;
  return undefined;
}
