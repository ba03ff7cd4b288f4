/**
 * Pure updates of the CIB status section, copy-on-write per `node_state`: operation history
 * (`lrm_resource`/`lrm_rsc_op`), transient node attributes, membership.
 */
import type { Cib, LrmOp, NodeState, NvSet } from '../core/cib-model.js';
import type { ActionAgent } from '../core/graph.js';

/** The `node_state` of a node, a fresh one (membership unknown) when it has none. */
export function nodeStateOf(cib: Cib, uname: string): NodeState {
  const found = cib.status.find((s) => s.uname === uname);
  if (found) return found;
  const id = cib.nodes.find((n) => n.uname === uname)?.id ?? uname;
  return { id, uname, attrs: { id, uname }, transient: [], lrm: [] };
}

/** The CIB with one node's state replaced by `fn(state)` (the others shared). */
export function updateNode(cib: Cib, uname: string, fn: (s: NodeState) => NodeState): Cib {
  const current = nodeStateOf(cib, uname);
  const next = fn({ ...current, attrs: { ...current.attrs }, transient: current.transient, lrm: current.lrm });
  const i = cib.status.findIndex((s) => s.uname === uname);
  const status = i < 0 ? [...cib.status, next] : cib.status.map((s, j) => (j === i ? next : s));
  return { ...cib, status };
}

/** Membership attributes of a node that is up (`online`) or down. */
export function setMembership(cib: Cib, uname: string, online: boolean): Cib {
  const up = { in_ccm: 'true', crmd: 'online', join: 'member', expected: 'member' };
  const down = { in_ccm: 'false', crmd: 'offline', join: 'down', expected: 'down' };
  return updateNode(cib, uname, (s) => ({ ...s, attrs: { ...s.attrs, ...(online ? up : down) } }));
}

/**
 * Membership attributes of a node that left the membership without shutting down (it crashed, or
 * the network cut it off): still expected up, so with fencing it is unclean until fenced; without
 * fencing it is simply offline (Pacemaker's determine_online_status_*).
 */
export function setLost(cib: Cib, uname: string): Cib {
  const lost = { in_ccm: 'false', crmd: 'offline', join: 'down', expected: 'member' };
  return updateNode(cib, uname, (s) => ({ ...s, attrs: { ...s.attrs, ...lost } }));
}

/**
 * Membership attributes of a node that is up but has not joined the DC yet (Pacemaker's join
 * `pending`): neither online for resources nor unclean (it is not fenced while it joins).
 */
export function setPending(cib: Cib, uname: string): Cib {
  const pending = { in_ccm: 'true', crmd: 'online', join: 'pending', expected: 'member' };
  return updateNode(cib, uname, (s) => ({ ...s, attrs: { ...s.attrs, ...pending } }));
}

/**
 * Records history entries for one resource on a node: each entry replaces the one with its id;
 * `dropRecurring` removes the resource's recurring entries first (after a stop, or a cancel).
 */
export function recordOps(cib: Cib, uname: string, agent: ActionAgent, entries: LrmOp[], dropRecurring = false): Cib {
  return updateNode(cib, uname, (s) => {
    // Pacemaker records an anonymous clone instance under the configured id (`<primitive id>`),
    // unless the node's history knows it only by its instance id (`long-id`, `ping:1`), as the
    // controller's get_lrm_resource falls back to.
    const known = (id: string | undefined) => id !== undefined && s.lrm.some((r) => r.id === id);
    const id = !known(agent.id) && known(agent.longId) ? (agent.longId as string) : agent.id;
    const lrm = [...s.lrm];
    let i = lrm.findIndex((r) => r.id === id);
    if (i < 0) {
      lrm.push({
        id,
        class: agent.class,
        ...(agent.provider !== undefined ? { provider: agent.provider } : {}),
        type: agent.type,
        ops: [],
      });
      i = lrm.length - 1;
    }
    const r = lrm[i] as NodeState['lrm'][number];
    // The recurring entries (`<rsc>_<task>_<interval>`) go; `<rsc>_last_failure_0` stays whatever its interval.
    let ops = dropRecurring ? r.ops.filter((o) => o.intervalMs === 0 || o.id.endsWith('_last_failure_0')) : [...r.ops];
    for (const e of entries) ops = [...ops.filter((o) => o.id !== e.id), e];
    // The result is the configured agent's: after the resource's agent changed (a restart with the
    // new one), the history names it, as Pacemaker's clean-up and new entry leave it.
    const { provider: _old, ...rest } = r;
    lrm[i] = { ...rest, class: agent.class, ...(agent.provider !== undefined ? { provider: agent.provider } : {}), type: agent.type, ops };
    return { ...s, lrm };
  });
}

/** Removes recurring history entries of a resource (a cancelled monitor). */
export function dropRecurringEntry(cib: Cib, uname: string, rsc: string, task: string, intervalMs: number): Cib {
  return updateNode(cib, uname, (s) => ({
    ...s,
    lrm: s.lrm.map((r) =>
      r.id === rsc ? { ...r, ops: r.ops.filter((o) => !(o.operation === task && o.intervalMs === intervalMs && intervalMs > 0)) } : r,
    ),
  }));
}

/** Removes one history entry by id. */
export function dropEntry(cib: Cib, uname: string, rsc: string, id: string): Cib {
  return updateNode(cib, uname, (s) => ({
    ...s,
    lrm: s.lrm.map((r) => (r.id === rsc ? { ...r, ops: r.ops.filter((o) => o.id !== id) } : r)),
  }));
}

/** Removes a resource's whole history on a node (`lrm_delete`, cleanup). */
export function deleteResourceHistory(cib: Cib, uname: string, rsc: string): Cib {
  return updateNode(cib, uname, (s) => ({ ...s, lrm: s.lrm.filter((r) => r.id !== rsc) }));
}

/** A transient attribute of a node, undefined when not set. */
export function transientAttr(cib: Cib, uname: string, name: string): string | undefined {
  for (const set of nodeStateOf(cib, uname).transient) for (const p of set.pairs) if (p.name === name) return p.value;
  return undefined;
}

/**
 * Sets (or, with `undefined`, removes) transient node attributes, in the set Pacemaker's attrd
 * writes (`status-<node id>`).
 */
export function setTransientAttrs(cib: Cib, uname: string, values: Record<string, string | undefined>): Cib {
  return updateNode(cib, uname, (s) => {
    const setId = `status-${s.id}`;
    const sets = s.transient.length > 0 ? s.transient : [{ id: setId, pairs: [] } as NvSet];
    const transient = sets.map((set, i) => {
      let pairs = set.pairs.filter((p) => !(p.name in values));
      if (i === 0)
        for (const [name, value] of Object.entries(values))
          if (value !== undefined) pairs = [...pairs, { id: `${set.id}-${name}`, name, value }];
      return { ...set, pairs };
    });
    return { ...s, transient };
  });
}

/** Forgets everything a node's controller knew: operation history and transient attributes. */
export function clearNode(cib: Cib, uname: string, keepTransient = false): Cib {
  return updateNode(cib, uname, (s) => ({ ...s, lrm: [], transient: keepTransient ? s.transient : [] }));
}
