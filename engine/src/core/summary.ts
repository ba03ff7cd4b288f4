import { fenceAction, type ResourceChange } from './actions.js';
import type { TransitionGraph } from './graph.js';
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

function transitionLine(c: ResourceChange): string | undefined {
  const from = c.from.map((n) => n.uname);
  const to = c.to?.uname;
  const pad = (s: string) => s.padEnd(10);
  const failed = c.rsc.failed;
  if (!to && from.length === 0) return undefined;
  if (!to) return `  * ${pad('Stop')} ${c.rsc.id.padEnd(8)} ( ${from.join(' ')} )`;
  if (from.length === 0) return `  * ${pad('Start')} ${c.rsc.id.padEnd(8)} ( ${to} )`;
  if (c.rsc.blocked) return undefined;
  if (from.length === 1 && from[0] === to) {
    if (c.rsc.demoteOn.includes(c.from[0] as WNode) && c.fromRole === 'Promoted' && c.toRole === 'Promoted')
      return `  * ${pad('Re-promote')} ${c.rsc.id.padEnd(8)} ( Promoted ${to} )`;
    if (failed)
      return `  * ${pad('Recover')} ${c.rsc.id.padEnd(8)} ( ${c.fromRole !== c.toRole && c.fromRole !== 'Started' ? `${c.fromRole} -> ${c.toRole} ` : ''}${to} )`;
    if (c.restart)
      return `  * ${pad('Restart')} ${c.rsc.id.padEnd(8)} ( ${c.fromRole !== c.toRole ? `${c.fromRole} -> ${c.toRole} ` : ''}${to} )`;
    if (c.fromRole !== c.toRole)
      return `  * ${pad(c.toRole === 'Promoted' ? 'Promote' : 'Demote')} ${c.rsc.id.padEnd(8)} ( ${c.fromRole} -> ${c.toRole} ${to} )`;
    return undefined;
  }
  return `  * ${pad(failed ? 'Recover' : 'Move')} ${c.rsc.id.padEnd(8)} ( ${from.join(' ')} -> ${to} )`;
}

/**
 * A crm_simulate-style summary: current status, transition summary, the actions, revised status.
 *
 * @example
 * summarize(ws, graph, changes).split('\n')[0] // 'Current cluster status:'
 */
export function summarize(ws: WorkingSet, graph: TransitionGraph, changes: ResourceChange[]): string {
  const lines = ['Current cluster status:', '  * Node List:', ...nodeList(ws.nodes), '', '  * Full List of Resources:'];
  for (const c of changes)
    lines.push(
      `    * ${c.rsc.id}\t(${agent(c)}):\t ${
        c.rsc.failed && c.from.length > 0
          ? `FAILED ${c.from.map((n) => n.uname).join(' ')}`
          : state(
              c.fromRole,
              c.from.map((n) => n.uname),
            )
      }${c.rsc.blocked ? ' (blocked)' : ''}`,
    );
  lines.push('', 'Transition Summary:');
  const fence = fenceAction(ws);
  for (const a of graph.actions) if (a.task === 'stonith') lines.push(`  * Fence (${fence}) ${a.node}`);
  for (const c of changes) {
    const l = transitionLine(c);
    if (l) lines.push(l);
  }
  lines.push('', 'Executing Cluster Transition:');
  for (const a of graph.actions) {
    if (a.task === 'stonith') lines.push(`  * Fencing ${a.node} (${fence})`);
    else if (a.pseudo) lines.push(`  * Pseudo action:   ${a.key}`);
    else lines.push(`  * Resource action: ${a.rsc} ${a.task}${a.intervalMs ? `=${a.intervalMs}` : ''} on ${a.node}`);
  }
  lines.push('', 'Revised Cluster Status:', '  * Node List:');
  const after = ws.nodes.map((n) => (n.unclean ? { ...n, unclean: false, online: false } : n));
  lines.push(...nodeList(after), '', '  * Full List of Resources:');
  for (const c of changes)
    lines.push(
      c.rsc.blocked
        ? `    * ${c.rsc.id}\t(${agent(c)}):\t FAILED ${c.from.map((n) => n.uname).join(' ')} (blocked)`
        : `    * ${c.rsc.id}\t(${agent(c)}):\t ${state(c.toRole, c.to ? [c.to.uname] : [])}`,
    );
  return `${lines.join('\n')}\n`;
}
