import { endRole, fenceAction, finalNodes, type ResourceChange } from './actions.js';
import { isManaged } from './assign.js';
import type { TransitionGraph } from './graph.js';
import { isOrphanPrimitive } from './orphan-resources.js';
import type { WNode, WorkingSet } from './working-set.js';

function nodeList(nodes: WNode[]): string[] {
  const online = nodes.filter((n) => n.online && !n.standby && !n.unclean).map((n) => n.uname);
  const standby = nodes.filter((n) => n.online && n.standby && !n.unclean).map((n) => n.uname);
  const unclean = nodes.filter((n) => n.unclean).map((n) => `${n.uname}: UNCLEAN (${n.online ? 'online' : 'offline'})`);
  const offline = nodes.filter((n) => !n.online && !n.unclean).map((n) => n.uname);
  const out: string[] = [];
  for (const n of standby) out.push(`    * Node ${n}: standby${nodes.find((x) => x.uname === n)?.standbyOnFail ? ' (on-fail)' : ''}`);
  for (const n of unclean) out.push(`    * Node ${n}`);
  if (online.length) out.push(`    * Online: [ ${online.join(' ')} ]`);
  if (offline.length) out.push(`    * OFFLINE: [ ${offline.join(' ')} ]`);
  return out;
}

function agent(c: ResourceChange): string {
  const p = c.rsc.primitive;
  return p ? `${p.class}${p.provider ? `:${p.provider}` : ''}:${p.type}` : '';
}

function state(role: string, nodes: string[]): string {
  if (role === 'Stopped' || nodes.length === 0) return 'Stopped';
  return `${role} ${nodes.join(' ')}`;
}

const rank: Record<string, number> = { Stopped: 1, Started: 2, Unpromoted: 3, Promoted: 4 };
const STARTED = 2;
const UNPROMOTED = 3;

/** The part in parentheses, as Pacemaker's `rsc-action-item` message words it. */
function details(fromRole: string, toRole: string, origin?: string, dest?: string): string {
  const needRole = (rank[fromRole] ?? 0) > STARTED || (rank[toRole] ?? 0) > UNPROMOTED;
  const sameHost = origin !== undefined && origin === dest;
  const sameRole = fromRole === toRole;
  if (origin === undefined) return needRole ? `${fromRole} -> ${toRole} ${dest}` : `${dest}`;
  if (dest === undefined) return needRole ? `${fromRole} ${origin}` : origin;
  if (sameRole && sameHost) return needRole ? `${fromRole} ${origin}` : origin;
  if (sameRole) return needRole ? `${origin} -> ${dest} ${fromRole}` : `${origin} -> ${dest}`;
  if (sameHost) return `${fromRole} -> ${toRole} ${origin}`;
  return `${fromRole} ${origin} -> ${toRole} ${dest}`;
}

function item(verb: string, rsc: string, text: string): string {
  return `  * ${verb.padEnd(10)} ${rsc.padEnd(8)} ( ${text} )`;
}

/**
 * The transition summary lines of one primitive, chosen as Pacemaker's `rsc-action` message does
 * from the role it has and will have, where it is and will be, and which of its actions exist.
 */
function transitionLines(ws: WorkingSet, c: ResourceChange, tasks: ReadonlySet<string>): string[] {
  const from = c.from.map((n) => n.uname);
  const current = from[0];
  const next = c.to?.uname;
  const blockedStart = c.rsc.blockedStartOn;
  if (current === undefined && next === undefined && blockedStart && isManaged(ws, c.rsc))
    return c.rsc.blockedStartPromoted
      ? [`${item('Promote', c.rsc.id, details('Stopped', 'Promoted', undefined, blockedStart.uname))}  blocked`]
      : [`${item('Start', c.rsc.id, details('Stopped', 'Started', undefined, blockedStart.uname))}  blocked`];
  if (!isManaged(ws, c.rsc) || c.rsc.blocked || (current === undefined && next === undefined)) return [];
  // A resource being recovered counts as Started where it is (Pacemaker resets a Stopped role).
  const fromRole = current !== undefined && c.fromRole === 'Stopped' ? 'Started' : c.fromRole;
  const toRole = next === undefined ? 'Stopped' : c.toRole;
  const moving = current !== undefined && next !== undefined && current !== next;
  if (c.rsc.blockedPromote && next !== undefined && !moving)
    return [`${item('Promote', c.rsc.id, details(fromRole, 'Promoted', current, next))}  blocked`];
  if (c.rsc.blockedStop) return from.map((n) => `${item('Stop', c.rsc.id, details(fromRole, 'Stopped', n))}  blocked`);
  const failed = c.rsc.failed;
  const hasStart = tasks.has('start');
  const hasStop = tasks.has('stop');
  if (fromRole === toRole && next !== undefined) {
    if (!hasStart && tasks.has('reload-agent')) return [item('Reload', c.rsc.id, details(fromRole, toRole, current, next))];
    if (!hasStart)
      return tasks.has('demote') && tasks.has('promote') ? [item('Re-promote', c.rsc.id, details(fromRole, toRole, current, next))] : [];
    if (moving)
      return [
        item(failed ? 'Recover' : tasks.has('migrate_from') ? 'Migrate' : 'Move', c.rsc.id, details(fromRole, toRole, current, next)),
      ];
    if (failed) return [item('Recover', c.rsc.id, details(fromRole, toRole, current))];
    return [item('Restart', c.rsc.id, details(fromRole, toRole, current, next))];
  }
  if (hasStop && next === undefined) return from.map((n) => item('Stop', c.rsc.id, details(fromRole, 'Stopped', n)));
  if (hasStop && failed) return [item('Recover', c.rsc.id, details(fromRole, toRole, current, next))];
  if (moving) return [item('Move', c.rsc.id, details(fromRole, toRole, current, next))];
  if (hasStop && hasStart) return [item('Restart', c.rsc.id, details(fromRole, toRole, current, next))];
  if (fromRole === 'Promoted') return [item('Demote', c.rsc.id, details(fromRole, toRole, current, next))];
  if (toRole === 'Promoted') return [item('Promote', c.rsc.id, details(fromRole, toRole, current, next))];
  if (fromRole === 'Stopped' && next !== undefined) return [item('Start', c.rsc.id, details(fromRole, toRole, current, next))];
  return [];
}

/**
 * A crm_simulate-style summary: current status, transition summary, the actions, revised status.
 * `unread`: the remote and guest nodes whose history the next run will not read (`unreadAfter`,
 * computed once by the scheduler for the placements and this).
 *
 * @example
 * summarize(ws, graph, changes, unreadAfter(ws, changes)).split('\n')[0] // 'Current cluster status:'
 */
export function summarize(ws: WorkingSet, graph: TransitionGraph, changes: ResourceChange[], unread: ReadonlySet<WNode>): string {
  const lines = ['Current cluster status:', '  * Node List:', ...nodeList(ws.nodes), '', '  * Full List of Resources:'];
  // An inactive orphan is not listed (as crm_mon leaves it out), nor is a clone's orphan instance
  // that history found inactive (an entry for which no instance number was free).
  const neverActive = (c: ResourceChange) => c.rsc.orphan === true && c.from.length === 0 && c.to === undefined;
  for (const c of changes.filter((x) => !(isOrphanPrimitive(x.rsc) && x.from.length === 0) && !neverActive(x)))
    lines.push(
      `    * ${c.rsc.id}\t(${agent(c)}):\t ${
        c.rsc.failed && c.from.length > 0
          ? `FAILED ${c.from.map((n) => n.uname).join(' ')}`
          : `${isOrphanPrimitive(c.rsc) && c.from.length > 0 ? 'ORPHANED ' : ''}${state(
              c.fromRole,
              c.from.map((n) => n.uname),
            )}`
      }${c.rsc.blocked ? ' (blocked)' : ''}`,
    );
  lines.push('', 'Transition Summary:');
  const fence = fenceAction(ws);
  // A guest node's fencing names its own action (containers.ts): `stonith-<node>-<action>`.
  const actionOf = (key: string, node: string) => (key.startsWith(`stonith-${node}-`) ? key.slice(`stonith-${node}-`.length) : fence);
  for (const a of graph.actions) if (a.task === 'stonith') lines.push(`  * Fence (${actionOf(a.key, a.node)}) ${a.node}`);
  const tasks = new Map<string, Set<string>>();
  for (const a of graph.actions) {
    if (!a.rsc || a.probe || a.task === 'monitor') continue;
    if (!tasks.has(a.rsc)) tasks.set(a.rsc, new Set());
    tasks.get(a.rsc)?.add(a.task);
  }
  for (const c of changes) {
    const own = new Set(tasks.get(c.rsc.id));
    if (c.pendingStart) own.delete('start');
    lines.push(...transitionLines(ws, c, own));
  }
  lines.push('', 'Executing Cluster Transition:');
  for (const a of graph.actions) {
    if (a.task === 'stonith' && a.pseudo) lines.push(`  * Pseudo action:   ${a.key} on ${a.node}`);
    else if (a.task === 'stonith') lines.push(`  * Fencing ${a.node} (${actionOf(a.key, a.node)})`);
    else if (a.pseudo) lines.push(`  * Pseudo action:   ${a.key}`);
    else lines.push(`  * Resource action: ${a.rsc} ${a.task}${a.intervalMs ? `=${a.intervalMs}` : ''} on ${a.node}`);
  }
  lines.push('', 'Revised Cluster Status:', '  * Node List:');
  const after = ws.nodes.map((n) => (n.unclean ? { ...n, unclean: false, online: false } : n));
  lines.push(...nodeList(after), '', '  * Full List of Resources:');
  // A stopped orphan is not listed any more (crm_mon leaves inactive orphans out).
  for (const c of changes.filter((x) => !(isOrphanPrimitive(x.rsc) && !x.rsc.blocked && x.to === undefined) && !neverActive(x)))
    lines.push(
      c.rsc.blocked
        ? `    * ${c.rsc.id}\t(${agent(c)}):\t FAILED ${c.from.map((n) => n.uname).join(' ')} (blocked)`
        : `    * ${c.rsc.id}\t(${agent(c)}):\t ${isOrphanPrimitive(c.rsc) ? 'ORPHANED ' : ''}${finalNodes(ws, c, unread).length > 0 ? state(endRole(c), c.to ? [c.to, ...(c.rsc.keptOn ?? [])].map((n) => n.uname) : []) : state('Stopped', [])}`,
    );
  return `${lines.join('\n')}\n`;
}
