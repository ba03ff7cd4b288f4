/**
 * What a live migration's history (`migrate_to` on the source, `migrate_from` on the target) says
 * about a resource beyond the node being unpacked, as Pacemaker 2.1's unpacking reads it:
 *
 * - `migrate_to` succeeded and `migrate_from` did too, with no stop on the source since: a
 *   "dangling" migration — the resource is stopped on the source, where a stop is still scheduled;
 * - `migrate_to` succeeded, `migrate_from` not (yet) recorded: a partial migration — active on
 *   both nodes, and the next transition may finish it with `migrate_from` when the target stays;
 * - `migrate_to` succeeded, `migrate_from` failed: active on the target too (then recovered as
 *   multiply active), or, when the target knows better, failed on the source;
 * - a failed `migrate_to` or `migrate_from`: active on the other node as well unless its history
 *   there is newer (or unknown).
 *
 * A newer operation on a node (any start, stop or migration, or a monitor that found the resource
 * not running) makes the migration no longer matter there.
 */
import type { LrmOp, NodeState } from './cib-model.js';
import { compareOps } from './op-order.js';
import type { WNode, WRsc } from './working-set.js';

/** What the migration history adds to a resource, collected while its nodes are unpacked. */
interface MigrationFindings {
  /** Nodes (unames) the resource is active on because of a migration (the other end). */
  activeOn: string[];
  /** A partial migration that the scheduler may continue. */
  partial?: { source: string; target: string };
  /** Sources of completed migrations that still need their stop. */
  dangling: string[];
  /** Sources where the migration history forces a full restart (and forbids migrating again). */
  failedOn: string[];
}

/**
 * Whether `a` happened after `b`; across nodes only `last-rc-change` compares (call ids are
 * per node), as Pacemaker's `pe__is_newer_op`.
 */
function newer(a: LrmOp, b: LrmOp, sameNodeDefault: boolean): boolean {
  const an = a.attrs.on_node;
  const bn = b.attrs.on_node;
  const sameNode = an === undefined || bn === undefined ? sameNodeDefault : an === bn;
  if (sameNode || a.callId < 0 || b.callId < 0) return compareOps(a, b) > 0;
  const la = Number.parseInt(a.attrs['last-rc-change'] ?? '', 10);
  const lb = Number.parseInt(b.attrs['last-rc-change'] ?? '', 10);
  return !Number.isNaN(la) && !Number.isNaN(lb) && la > lb;
}

/** Reads migration entries of one resource's history across the status section. */
export class MigrationHistory {
  readonly findings: MigrationFindings = { activeOn: [], dangling: [], failedOn: [] };

  constructor(
    private readonly status: readonly NodeState[],
    /** The id the resource's history is recorded under. */
    private readonly historyId: string,
    private readonly online: (uname: string) => boolean,
  ) {}

  private ops(node: string | undefined): readonly LrmOp[] | undefined {
    if (node === undefined) return undefined;
    return this.status.find((s) => s.uname === node)?.lrm.find((r) => r.id === this.historyId)?.ops;
  }

  /** Pacemaker's `find_lrm_op`: the first entry of `task` on `node` (from/to `peer`), optionally only a success with `rc`. */
  private find(task: string, node: string | undefined, peer: string | undefined, rc?: number): LrmOp | undefined {
    const op = this.ops(node)?.find(
      (o) =>
        o.operation === task &&
        (peer === undefined ||
          (task === 'migrate_to' ? o.attrs.migrate_target === peer : task === 'migrate_from' ? o.attrs.migrate_source === peer : true)),
    );
    if (op && rc !== undefined && (op.rc !== rc || op.opStatus !== 0)) return undefined;
    return op;
  }

  private unknownOn(node: string | undefined): boolean {
    return (this.ops(node)?.length ?? 0) === 0;
  }

  /** A start, stop or migration on `node` newer than `op`. */
  private nonMonitorAfter(node: string | undefined, op: LrmOp, sameNode: boolean): boolean {
    return (this.ops(node) ?? []).some(
      (o) => o !== op && ['start', 'stop', 'migrate_to', 'migrate_from'].includes(o.operation) && newer(o, op, sameNode),
    );
  }

  /** A monitor on `node` newer than `op` that found the resource not running. */
  private monitorNotRunningAfter(node: string | undefined, op: LrmOp, sameNode: boolean): boolean {
    const monitor = this.ops(node)?.find((o) => o.operation === 'monitor' && o.rc === 7 && o.opStatus === 0);
    return monitor !== undefined && newer(monitor, op, sameNode);
  }

  /** Whether `node` has state newer than the migration (compared with its own end of it when it has one). */
  private newerStateAfter(node: string | undefined, migrateTo: LrmOp | undefined, migrateFrom: LrmOp | undefined): boolean {
    const base = migrateFrom ?? migrateTo;
    if (!base) return false;
    let op = base;
    let sameNode = false;
    if (node === base.attrs.migrate_target) {
      op = migrateFrom ?? (migrateTo as LrmOp);
      sameNode = migrateFrom !== undefined;
    } else if (node === base.attrs.migrate_source) {
      op = migrateTo ?? (migrateFrom as LrmOp);
      sameNode = migrateTo !== undefined;
    }
    return this.nonMonitorAfter(node, op, sameNode) || this.monitorNotRunningAfter(node, op, sameNode);
  }

  private addActive(node: string | undefined): void {
    if (node !== undefined && !this.findings.activeOn.includes(node)) this.findings.activeOn.push(node);
  }

  /**
   * A successful `migrate_to` on `node` (the source): the resource's role there afterwards, or
   * undefined when this entry no longer matters.
   */
  migrateToSucceeded(op: LrmOp, node: string): 'Started' | 'Stopped' | undefined {
    const source = op.attrs.migrate_source;
    const target = op.attrs.migrate_target;
    if (source === undefined || target === undefined || source !== node) return undefined;
    const sourceNewer = this.nonMonitorAfter(source, op, true);
    const migrateFrom = this.find('migrate_from', target, source);
    if (sourceNewer && migrateFrom) return undefined;
    const targetNewer = this.newerStateAfter(target, op, migrateFrom);
    if (sourceNewer && targetNewer) return undefined;
    if (migrateFrom && migrateFrom.rc === 0 && migrateFrom.opStatus === 0) {
      // Both ends succeeded: stopped on the source, whose stop is still to come.
      if (!this.findings.dangling.includes(node)) this.findings.dangling.push(node);
      return 'Stopped';
    }
    const fromPending = migrateFrom !== undefined && migrateFrom.opStatus === -1;
    if (!targetNewer && this.online(target)) {
      this.addActive(target);
      if (!migrateFrom || fromPending) {
        if (this.online(source)) this.findings.partial = { source, target };
      }
    } else if (migrateFrom !== undefined && !fromPending ? true : !sourceNewer) {
      if (!this.findings.failedOn.includes(node)) this.findings.failedOn.push(node);
    }
    return 'Started';
  }

  /** A failed `migrate_to` on `node` (the source): the resource may still be active on the target. */
  migrateToFailed(op: LrmOp, node: string): void {
    const source = op.attrs.migrate_source;
    const target = op.attrs.migrate_target;
    if (source === undefined || target === undefined || source !== node) return;
    const migrateFrom = this.find('migrate_from', target, source, 0);
    if (!this.unknownOn(target) && !this.newerStateAfter(target, op, migrateFrom)) {
      if (this.online(target)) this.addActive(target);
    } else if (!this.nonMonitorAfter(source, op, true)) {
      if (!this.findings.dangling.includes(node)) this.findings.dangling.push(node);
    }
  }

  /** A failed `migrate_from` on `node` (the target): the resource may still be active on the source. */
  migrateFromFailed(op: LrmOp, node: string): void {
    const source = op.attrs.migrate_source;
    const target = op.attrs.migrate_target;
    if (source === undefined || target === undefined || target !== node) return;
    const migrateTo = this.find('migrate_to', source, target, 0);
    if (!this.unknownOn(source) && !this.newerStateAfter(source, migrateTo, op)) {
      if (this.online(source)) this.addActive(source);
    }
  }
}

/**
 * Marks the resource active where the migration history just found it (the other end), right
 * away, as Pacemaker does while unpacking the node: that decides the order of its active nodes.
 */
export function addMigrationActive(
  r: WRsc,
  m: MigrationHistory,
  nodeByName: ReadonlyMap<string, WNode>,
  addRunning: (r: WRsc, node: WNode) => void,
): void {
  for (const uname of m.findings.activeOn) {
    const n = nodeByName.get(uname);
    if (!n || r.runningOn.includes(n)) continue;
    addRunning(r, n);
    // Its role stays what the nodes' own histories say: the target may be active while Stopped.
    r.knownOn.add(uname);
  }
}

/**
 * Applies a resource's migration findings after all its history is read: the partial migration to continue, the stops a completed migration still needs, and
 * a restart instead of a migration where the history is contradictory.
 */
export function applyMigrationFindings(r: WRsc, f: MigrationFindings, nodeByName: ReadonlyMap<string, WNode>): void {
  const node = (uname: string) => nodeByName.get(uname);
  const source = f.partial && node(f.partial.source);
  const target = f.partial && node(f.partial.target);
  r.migration = {
    ...(source && target ? { partial: { source, target } } : {}),
    dangling: f.dangling.flatMap((u) => node(u) ?? []),
    failed: f.failedOn.length > 0,
  };
  for (const uname of f.failedOn) {
    const n = node(uname);
    r.failed = true;
    if (n && !r.failedOn.includes(n)) r.failedOn.push(n);
  }
}
