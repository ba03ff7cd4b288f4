/**
 * `ocfkit status` output: crm_mon's text layout and its `--output-as xml` document (the element
 * and attribute names of Pacemaker 2.1's crm_mon API), from a {@link ClusterStatus}.
 */

import { escapeXml } from '@ocfkit/sdk/xml';
import { ctimeUtc } from '../cib/store.js';
import type { ClusterStatus, FailedAction, GroupStatus, PrimitiveStatus, ResourceStatus } from './status.js';
import { bundleInstances, bundleLines, bundleXml } from './status-bundles-format.js';

/** crm_mon's XML date: `2027-01-15 07:58:20Z`. */
function isoUtc(seconds: number): string {
  return new Date(seconds * 1000)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
}

function interval(ms: number): string {
  if (ms === 0) return '';
  return ms % 1000 === 0 ? `${ms / 1000}s-interval ` : `${ms}ms-interval `;
}

/** What crm_mon shows in place of the role while an operation is pending (`native_pending_state`). */
const PENDING_STATE: Record<string, string> = {
  start: 'Starting',
  stop: 'Stopping',
  migrate_to: 'Migrating',
  migrate_from: 'Migrating',
  promote: 'Promoting',
  demote: 'Demoting',
};

function primitiveState(p: PrimitiveStatus): string {
  // Active on several nodes: "Started [ node2 node3 ]", as crm_mon lists them (no UNCLEAN mark).
  const where = p.nodes.length > 1 ? `[ ${p.nodes.join(' ')} ]` : p.nodes.join(' ');
  const role = p.role === 'Started' ? '' : `${p.role} `;
  const pending = p.pending ? PENDING_STATE[p.pending.task] : undefined;
  let s: string;
  if (p.failed && p.nodes.length > 0) s = `FAILED ${role}${where}`;
  // A pending operation replaces the role; a resource active nowhere shows the pending node.
  else if (pending && p.pending) s = `${pending} ${where || p.pending.node}`;
  else s = p.role === 'Stopped' ? 'Stopped' : `${p.role} ${where}`;
  // A resource locked to a node (shutdown-lock) names it even when stopped: "Stopped node1 (LOCKED)".
  if (p.lockedTo !== undefined && p.nodes.length === 0) s += ` ${p.lockedTo}`;
  if (p.unclean && p.nodes.length <= 1) s += ' (UNCLEAN)';
  // Flags in one parenthesis, as crm_mon 2.1 prints them: "(disabled, unmanaged)"; before the
  // node list when it is active on several: "Started (blocked) [ node1 node2 ]".
  const flags: string[] = [];
  if (p.lockedTo !== undefined && p.nodes.length <= 1 && (p.nodes.length === 0 || p.nodes[0] === p.lockedTo)) flags.push('LOCKED');
  if (p.targetRole?.toLowerCase() === 'stopped') flags.push('disabled');
  if (p.blocked) flags.push('blocked');
  else if (!p.managed) flags.push('unmanaged');
  if (p.failureIgnored) flags.push('failure ignored');
  if (flags.length > 0) {
    const text = `(${flags.join(', ')})`;
    s = p.nodes.length > 1 && s.endsWith(where) ? `${s.slice(0, -where.length)}${text} ${where}` : `${s} ${text}`;
  }
  // A resource no longer configured but still active somewhere (orphan-resources.ts), or an
  // anonymous clone's instance active beyond clone-max: crm_mon marks either the same way.
  return p.orphaned ? `ORPHANED ${s}` : s;
}

function primitiveLine(p: PrimitiveStatus, indent: string, anonymous = false): string {
  // An anonymous clone's instances are shown under the configured id.
  return `${indent}* ${anonymous ? p.id.replace(/:\d+$/, '') : p.id}\t(${p.agent}):\t ${primitiveState(p)}`;
}

function groupLines(g: GroupStatus, indent: string, anonymous = false): string[] {
  return [`${indent}* Resource Group: ${g.id}:`, ...g.members.map((m) => primitiveLine(m, `${indent}  `, anonymous))];
}

function resourceLines(r: ResourceStatus, allNodes: string[]): string[] {
  // crm_mon leaves out a resource no longer configured once it is stopped everywhere.
  if (r.kind === 'primitive') return r.orphaned && r.nodes.length === 0 ? [] : [primitiveLine(r, '  ')];
  if (r.kind === 'group') return groupLines(r, '  ');
  if (r.kind === 'bundle') return bundleLines(r, (p) => primitiveState(p));
  const template = r.instances[0];
  const child = template?.kind === 'group' ? template.id.replace(/:\d+$/, '') : (template?.id.replace(/:\d+$/, '') ?? '');
  const flags = [...(r.promotable ? ['promotable'] : []), ...(r.unique ? ['unique'] : [])];
  const lines = [`  * Clone Set: ${r.id} [${child}]${flags.length ? ` (${flags.join(', ')})` : ''}:`];
  if (r.unique) {
    // An instance beyond clone-max is a resource of its own to Pacemaker: crm_mon lists it after
    // the configured resources (orphanLines), not in the clone.
    for (const inst of r.instances) {
      if (inst.kind === 'primitive' && inst.orphaned) continue;
      lines.push(...(inst.kind === 'group' ? groupLines(inst, '    ') : [primitiveLine(inst, '    ')]));
    }
    return lines;
  }
  // Anonymous clones: healthy instances summed up by role, anything unusual on its own line.
  const byRole = new Map<string, string[]>();
  const used = new Set<string>();
  let stoppedInstances = 0;
  for (const inst of r.instances) {
    const prims = inst.kind === 'group' ? inst.members : [inst];
    // A stopped orphan (an instance beyond clone-max) is not shown.
    if (prims.every((p) => p.orphaned && p.nodes.length === 0)) continue;
    // A group instance with some members active and others not is shown whole, as crm_mon does.
    const partial = inst.kind === 'group' && prims.some((p) => p.nodes.length > 0) && prims.some((p) => p.nodes.length === 0);
    // So is an instance with an operation pending ("Starting node1"), as crm_mon lists it.
    const unusual =
      partial ||
      prims.some((p) => p.failed || p.blocked || !p.managed || p.orphaned || p.unclean || p.nodes.length > 1 || p.pending !== undefined);
    if (unusual) {
      lines.push(...(inst.kind === 'group' ? groupLines(inst, '    ', true) : [primitiveLine(inst, '    ', true)]));
      for (const p of prims) for (const n of p.nodes) used.add(n);
      continue;
    }
    const first = prims[0];
    if (!first || first.nodes.length === 0) {
      stoppedInstances++;
      continue;
    }
    const role = first.role;
    byRole.set(role, [...(byRole.get(role) ?? []), ...first.nodes]);
    for (const n of first.nodes) used.add(n);
  }
  for (const role of ['Promoted', 'Unpromoted', 'Started']) {
    const nodes = byRole.get(role);
    if (nodes) lines.push(`    * ${role}: [ ${[...nodes].sort().join(' ')} ]`);
  }
  const stopped = allNodes.filter((n) => !used.has(n));
  if (stoppedInstances > 0 && stopped.length > 0) lines.push(`    * Stopped: [ ${stopped.join(' ')} ]`);
  return lines;
}

/** A globally-unique clone's active orphans, as crm_mon shows them: "ORPHANED Started node1" (stopped ones not at all). */
function orphanLines(r: ResourceStatus): string[] {
  if (r.kind !== 'clone' || !r.unique) return [];
  return r.instances.flatMap((inst) =>
    inst.kind === 'primitive' && inst.orphaned && inst.nodes.length > 0
      ? [`  * ${inst.id}\t(${inst.agent}):\t ORPHANED ${primitiveState({ ...inst, orphaned: false })}`]
      : [],
  );
}

function failedLine(f: FailedAction): string {
  const reason = f.exitReason ? ` (${f.exitReason})` : '';
  const at = f.lastRcChange !== undefined ? ` at ${ctimeUtc(f.lastRcChange)}` : '';
  const what = f.status === 'complete' ? `returned '${f.rcText}'${reason}` : `could not be executed (${f.status}: ${f.rcText})${reason}`;
  return `  * ${f.rsc} ${interval(f.intervalMs)}${f.task} on ${f.node} ${what}${at}`;
}

/** Options of the text layout. */
interface TextOptions {
  /** `-A`: show node attributes. */
  attributes?: boolean;
  /** Seconds since the epoch for "Last updated". */
  now: number;
  /** Whether a controller runs (shown in the summary). */
  controller?: string;
}

/**
 * A node's state when crm_mon gives it a line of its own (unclean, pending, standby, maintenance,
 * health not green; `node_text_status` and the health note), or undefined for a plain online or
 * offline node.
 */
function specialNodeState(n: ClusterStatus['nodes'][number]): string | undefined {
  const state = nodeState(n);
  const health = n.health === undefined ? '' : ` (health is ${n.health})`;
  if (state === undefined) return health === '' ? undefined : `${n.online ? 'online' : 'OFFLINE'}${health}`;
  return `${state}${health}`;
}

function nodeState(n: ClusterStatus['nodes'][number]): string | undefined {
  if (n.unclean) return `UNCLEAN (${n.online ? 'online' : n.pending ? 'pending' : 'offline'})`;
  if (n.pending) return 'pending';
  if (n.online && n.standbyOnFail) return 'standby (on-fail)';
  if (n.standby) return n.online ? `standby${n.resourcesRunning > 0 ? ' (with active resources)' : ''}` : 'OFFLINE (standby)';
  if (n.maintenance) return n.online ? 'maintenance' : 'OFFLINE (maintenance)';
  return undefined;
}

/**
 * crm_mon's text output.
 *
 * @example
 * io.out(statusText(clusterStatus(cib, now), { now, attributes: true }));
 */
export function statusText(s: ClusterStatus, o: TextOptions): string {
  const count = s.resources.reduce(
    (acc, r) =>
      acc +
      (r.kind === 'primitive'
        ? 1
        : r.kind === 'group'
          ? r.members.length
          : r.kind === 'bundle'
            ? bundleInstances(r)
            : r.instances.reduce((a, i) => a + (i.kind === 'group' ? i.members.length : 1), 0)),
    0,
  );
  const out = [
    'Cluster Summary:',
    '  * Stack: ocfkit',
    `  * Current DC: ${s.dc ?? 'NONE'}${s.dc ? ` - partition ${s.quorum ? 'with' : 'WITHOUT'} quorum` : ''}`,
    `  * Last updated: ${ctimeUtc(o.now)}`,
    `  * Last change:  ${s.lastWritten ?? ''}${s.updateClient ? ` by ${s.updateClient}` : ''}`,
    `  * CIB version: ${s.version}`,
    ...(o.controller ? [`  * Controller: ${o.controller}`] : []),
    `  * ${s.nodes.length} node${s.nodes.length === 1 ? '' : 's'} configured`,
    `  * ${count} resource instance${count === 1 ? '' : 's'} configured`,
    '',
    'Node List:',
  ];
  // As crm_mon: a line of its own for each node with a special state, in node order; the others
  // summed up as online or offline, remote nodes apart.
  const plain: ClusterStatus['nodes'] = [];
  for (const n of s.nodes) {
    const special = specialNodeState(n);
    if (special === undefined) plain.push(n);
    else out.push(`  * ${n.remote ? 'RemoteNode' : 'Node'} ${n.name}: ${special}`);
  }
  const lists: [string, boolean, boolean][] = [
    ['Online', true, false],
    ['OFFLINE', false, false],
    ['RemoteOnline', true, true],
    ['RemoteOFFLINE', false, true],
  ];
  for (const [label, online, remote] of lists) {
    const names = plain.filter((x) => x.online === online && x.remote === remote && !x.guest).map((x) => x.name);
    if (names.length) out.push(`  * ${label}: [ ${names.join(' ')} ]`);
  }
  // A bundle's guest nodes: listed while online only.
  const guests = plain
    .filter((x) => x.guest && x.online)
    .map((x) => x.name)
    .sort();
  if (guests.length) out.push(`  * GuestOnline: [ ${guests.join(' ')} ]`);
  out.push('', 'Full List of Resources:');
  if (s.resources.length === 0) out.push('  * No resources');
  const names = s.nodes.filter((n) => !n.impliedGuest).map((n) => n.name);
  for (const r of s.resources) out.push(...resourceLines(r, names));
  for (const r of s.resources) out.push(...orphanLines(r));
  if (o.attributes && s.nodeAttributes.length > 0) {
    out.push('', 'Node Attributes:');
    for (const n of s.nodeAttributes) {
      out.push(`  * Node: ${n.node}:`);
      for (const a of n.attributes) out.push(`    * ${a.name.padEnd(32)}\t: ${a.value.padEnd(10)}`);
    }
  }
  if (s.failCounts.length > 0) {
    out.push('', 'Migration Summary:');
    for (const node of [...new Set(s.failCounts.map((f) => f.node))]) {
      out.push(`  * Node: ${node}:`);
      for (const f of s.failCounts.filter((x) => x.node === node)) {
        const last = f.lastFailure !== undefined ? ` last-failure='${ctimeUtc(f.lastFailure)}'` : '';
        out.push(`    * ${f.rsc}: migration-threshold=${f.migrationThreshold} fail-count=${f.failCount}${last}`);
      }
    }
  }
  if (s.failures.length > 0) out.push('', 'Failed Resource Actions:', ...s.failures.map(failedLine));
  return `${out.join('\n')}\n`;
}

function attrs(a: Record<string, string | number | boolean | undefined>): string {
  return Object.entries(a)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXml(String(v), { attribute: true })}"`)
    .join('');
}

function primitiveXml(p: PrimitiveStatus, indent: string, ids: Map<string, string>): string[] {
  const head = `${indent}<resource${attrs({
    id: p.id,
    resource_agent: p.agent,
    role: p.role,
    ...(p.targetRole !== undefined ? { target_role: p.targetRole } : {}),
    active: p.nodes.length > 0,
    orphaned: p.orphaned,
    blocked: p.blocked,
    managed: p.managed,
    failed: p.failed,
    failure_ignored: p.failureIgnored,
    nodes_running_on: p.nodes.length,
    locked_to: p.lockedTo,
  })}`;
  if (p.nodes.length === 0) return [`${head}/>`];
  return [
    `${head}>`,
    ...p.nodes.map((n) => `${indent}  <node${attrs({ name: n, id: ids.get(n) ?? n, cached: true })}/>`),
    `${indent}</resource>`,
  ];
}

function groupXml(g: GroupStatus, indent: string, ids: Map<string, string>): string[] {
  return [
    `${indent}<group${attrs({ id: g.id, number_resources: g.members.length })}>`,
    ...g.members.flatMap((m) => primitiveXml(m, `${indent}  `, ids)),
    `${indent}</group>`,
  ];
}

function resourceXml(r: ResourceStatus, ids: Map<string, string>): string[] {
  if (r.kind === 'primitive') return primitiveXml(r, '    ', ids);
  if (r.kind === 'group') return groupXml(r, '    ', ids);
  if (r.kind === 'bundle') return bundleXml(r, attrs, (p, indent) => primitiveXml(p, indent, ids));
  const prims = r.instances.flatMap((i) => (i.kind === 'group' ? i.members : [i]));
  return [
    `    <clone${attrs({
      id: r.id,
      multi_state: r.promotable,
      unique: r.unique,
      managed: prims.every((p) => p.managed),
      failed: prims.some((p) => p.failed),
      failure_ignored: prims.some((p) => p.failureIgnored),
    })}>`,
    ...r.instances.flatMap((i) => (i.kind === 'group' ? groupXml(i, '      ', ids) : primitiveXml(i, '      ', ids))),
    '    </clone>',
  ];
}

/**
 * crm_mon's `--output-as xml` document.
 *
 * @example
 * io.out(statusXml(clusterStatus(cib, now), { now }));
 */
export function statusXml(s: ClusterStatus, o: { now: number; request?: string }): string {
  const ids = new Map(s.nodes.map((n) => [n.name, n.id]));
  const lines = [
    `<pacemaker-result${attrs({ 'api-version': '2.25', request: o.request ?? 'ocfkit status --output-as xml' })}>`,
    '  <summary>',
    '    <stack type="ocfkit"/>',
    `    <current_dc${attrs({ present: s.dc !== undefined, name: s.dc, id: s.dc ? ids.get(s.dc) : undefined, with_quorum: s.quorum })}/>`,
    `    <last_update${attrs({ time: ctimeUtc(o.now) })}/>`,
    `    <last_change${attrs({ time: s.lastWritten ?? '', client: s.updateClient ?? '' })}/>`,
    `    <cib${attrs({ version: s.version })}/>`,
    `    <nodes_configured${attrs({ number: s.nodes.length })}/>`,
    '  </summary>',
    '  <nodes>',
    ...s.nodes.map(
      (n) =>
        `    <node${attrs({
          name: n.name,
          id: n.id,
          online: n.online,
          standby: n.standby,
          standby_onfail: n.standbyOnFail,
          maintenance: n.maintenance,
          unclean: n.unclean,
          is_dc: n.isDc,
          resources_running: n.resourcesRunning,
          type: 'member',
        })}/>`,
    ),
    '  </nodes>',
    '  <resources>',
    ...s.resources.flatMap((r) => resourceXml(r, ids)),
    '  </resources>',
  ];
  if (s.nodeAttributes.length > 0) {
    lines.push('  <node_attributes>');
    for (const n of s.nodeAttributes)
      lines.push(
        `    <node${attrs({ name: n.node })}>`,
        ...n.attributes.map((a) => `      <attribute${attrs({ name: a.name, value: a.value })}/>`),
        '    </node>',
      );
    lines.push('  </node_attributes>');
  }
  if (s.failCounts.length > 0) {
    lines.push('  <node_history>');
    for (const node of [...new Set(s.failCounts.map((f) => f.node))]) {
      lines.push(`    <node${attrs({ name: node })}>`);
      for (const f of s.failCounts.filter((x) => x.node === node))
        lines.push(
          `      <resource_history${attrs({
            id: f.rsc,
            'migration-threshold': f.migrationThreshold,
            'fail-count': f.failCount,
            'last-failure': f.lastFailure !== undefined ? ctimeUtc(f.lastFailure) : undefined,
          })}/>`,
        );
      lines.push('    </node>');
    }
    lines.push('  </node_history>');
  }
  if (s.failures.length > 0) {
    lines.push('  <failures>');
    for (const f of s.failures)
      lines.push(
        `    <failure${attrs({
          op_key: f.opKey,
          node: f.node,
          exitstatus: f.rcText,
          exitreason: f.exitReason,
          exitcode: f.rc,
          call: f.call,
          status: f.status,
          'last-rc-change': f.lastRcChange !== undefined ? isoUtc(f.lastRcChange) : undefined,
          queued: f.queuedMs,
          exec: f.execMs,
          interval: f.intervalMs,
          task: f.task,
        })}/>`,
      );
    lines.push('  </failures>');
  }
  lines.push('  <status code="0" message="OK"/>', '</pacemaker-result>');
  return `${lines.join('\n')}\n`;
}
