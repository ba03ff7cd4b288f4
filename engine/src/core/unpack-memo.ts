/**
 * What unpacking learns from the parts of a CIB that did not change, kept between scheduler runs.
 *
 * The CIB model is immutable and edited copy-on-write (crmd/status.ts replaces only the
 * `node_state`, `lrm_resource` and op list an edit touches), so an unchanged part of the status
 * section is the very same object in the next CIB. A memo keys its results on those objects, plus
 * every other input the result depends on (node state, the resource's op configuration, the
 * time where failure-timeout makes it matter): a changed part is simply a new key and is unpacked
 * again, and a result is never reused for inputs it was not computed from. Pure: no I/O, no clock.
 */
import type { Cib, LrmOp, LrmResource, NvSet, Op, Resource } from './cib-model.js';
import { type HistoryContext, type HistoryResult, unpackHistory } from './history.js';

/** One unpacked history and everything it was unpacked from (besides the operations themselves). */
interface HistoryEntry {
  online: boolean;
  unclean: boolean;
  stonithEnabled: boolean;
  canFence: boolean;
  failureTimeoutS: number;
  managed: boolean;
  promotable: boolean;
  nextRole: HistoryContext['nextRole'];
  /** With a failure-timeout: the time and fail counts it was unpacked at (they decide what expired). */
  expiry: string;
  ops: readonly Op[] | undefined;
  opDefaults: readonly NvSet[];
  result: HistoryResult;
}

interface NodeHistoryEntry {
  resources: readonly Resource[];
  rscDefaults: readonly NvSet[];
  map: Map<string, LrmResource>;
}

/**
 * What a digest comparison reads besides the history entry: the configuration sections that make a
 * resource's parameters (rules in them read node attributes, never the time: date rules are
 * refused), the resource and node it is checked for, and that node's attributes.
 */
interface DigestInputs {
  cib: Cib;
  rsc: string;
  node: string;
  /** The node's attributes, as one string (`nodeAttributesKey`). */
  nodeAttrs: string;
  sanitized: boolean;
}

interface DigestEntry<R> {
  crmConfig: Cib['crmConfig'];
  nodes: Cib['nodes'];
  resources: Cib['resources'];
  templates: Cib['templates'];
  rscDefaults: Cib['rscDefaults'];
  opDefaults: Cib['opDefaults'];
  rsc: string;
  node: string;
  nodeAttrs: string;
  sanitized: boolean;
  result: R;
}

/** How often a memo answered from what it kept, and how often it had to unpack. */
export interface MemoCounts {
  hits: number;
  misses: number;
}

/**
 * Unpacked operation histories and per-node history indexes, by the (immutable) CIB objects they
 * were read from. Pass one to `schedule()` (`ScheduleInput.memo`) on successive CIBs.
 *
 * @example
 * const memo = new UnpackMemo();
 * schedule({ cib, now, memo });
 * schedule({ cib: recordOps(cib, 'node1', agent, [entry]), now, memo }); // re-reads one history
 */
export class UnpackMemo {
  private readonly histories = new WeakMap<readonly LrmOp[], HistoryEntry>();
  private readonly nodeHistories = new WeakMap<readonly LrmResource[], NodeHistoryEntry>();
  private readonly digests = new WeakMap<LrmOp, DigestEntry<string>>();
  /** Histories answered from the memo and unpacked afresh, since it was made. */
  readonly counts: MemoCounts = { hits: 0, misses: 0 };
  /** Digest comparisons (definition-change.ts) answered from the memo and made afresh. */
  readonly digestCounts: MemoCounts = { hits: 0, misses: 0 };

  /**
   * A history entry's digest comparison with the resource's current definition (`compare`), made
   * again only when the entry, the configuration, the resource, the node or its attributes changed.
   */
  digest<R extends string>(op: LrmOp, inputs: DigestInputs, compare: () => R): R {
    const kept = this.digests.get(op);
    const { cib } = inputs;
    if (
      kept &&
      kept.crmConfig === cib.crmConfig &&
      kept.nodes === cib.nodes &&
      kept.resources === cib.resources &&
      kept.templates === cib.templates &&
      kept.rscDefaults === cib.rscDefaults &&
      kept.opDefaults === cib.opDefaults &&
      kept.rsc === inputs.rsc &&
      kept.node === inputs.node &&
      kept.nodeAttrs === inputs.nodeAttrs &&
      kept.sanitized === inputs.sanitized
    ) {
      this.digestCounts.hits++;
      return kept.result as R;
    }
    this.digestCounts.misses++;
    const result = compare();
    this.digests.set(op, {
      crmConfig: cib.crmConfig,
      nodes: cib.nodes,
      resources: cib.resources,
      templates: cib.templates,
      rscDefaults: cib.rscDefaults,
      opDefaults: cib.opDefaults,
      rsc: inputs.rsc,
      node: inputs.node,
      nodeAttrs: inputs.nodeAttrs,
      sanitized: inputs.sanitized,
      result,
    });
    return result;
  }

  /**
   * {@link unpackHistory} of one resource's operations on one node, unpacked again only when the
   * operations or anything else it reads changed.
   */
  history(ops: readonly LrmOp[], node: { online: boolean; unclean: boolean }, ctx: HistoryContext): HistoryResult {
    const kept = this.histories.get(ops);
    const expiry = expiryKey(ctx);
    if (kept && sameInputs(kept, node, ctx, expiry)) {
      this.counts.hits++;
      return kept.result;
    }
    this.counts.misses++;
    const result = unpackHistory(ops, node, ctx);
    this.histories.set(ops, {
      online: node.online,
      unclean: node.unclean,
      stonithEnabled: ctx.stonithEnabled,
      canFence: ctx.canFence,
      failureTimeoutS: ctx.failureTimeoutS,
      managed: ctx.managed,
      promotable: ctx.promotable,
      nextRole: ctx.nextRole,
      expiry,
      ops: ctx.prim?.ops,
      opDefaults: ctx.opDefaults,
      result,
    });
    return result;
  }

  /**
   * A node's operation history by history name, built again only when the node's history or the
   * resource configuration (which decides the names) changed.
   */
  nodeHistory(
    lrm: readonly LrmResource[],
    config: { resources: readonly Resource[]; rscDefaults: readonly NvSet[] },
    build: () => Map<string, LrmResource>,
  ): Map<string, LrmResource> {
    const kept = this.nodeHistories.get(lrm);
    if (kept && kept.resources === config.resources && kept.rscDefaults === config.rscDefaults) return kept.map;
    const map = build();
    this.nodeHistories.set(lrm, { resources: config.resources, rscDefaults: config.rscDefaults, map });
    return map;
  }
}

/** The time and fail counts, where a failure-timeout makes them decide what has expired. */
function expiryKey(ctx: HistoryContext): string {
  return ctx.failureTimeoutS > 0
    ? `${ctx.now}|${ctx.failCount(false)}|${ctx.failCount(true)}|${ctx.remoteMonitorFailuresWait === true}`
    : '';
}

/** Whether a kept history was unpacked from the same inputs as this one asks for. */
function sameInputs(kept: HistoryEntry, node: { online: boolean; unclean: boolean }, ctx: HistoryContext, expiry: string): boolean {
  return (
    kept.online === node.online &&
    kept.unclean === node.unclean &&
    kept.stonithEnabled === ctx.stonithEnabled &&
    kept.canFence === ctx.canFence &&
    kept.failureTimeoutS === ctx.failureTimeoutS &&
    kept.managed === ctx.managed &&
    kept.promotable === ctx.promotable &&
    kept.nextRole === ctx.nextRole &&
    kept.expiry === expiry &&
    kept.ops === ctx.prim?.ops &&
    kept.opDefaults === ctx.opDefaults
  );
}
