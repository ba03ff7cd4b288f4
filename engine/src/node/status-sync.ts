/**
 * The DC's status section on its members, as differences: the DC numbers its status versions and
 * sends each member only the entries (a node's `node_state` without its resources' histories, and
 * each `lrm_resource` history) changed or removed since the version the member acknowledged
 * (`status-ack`, once it applied it: one message in flight per member, so a busy member gets
 * the changes batched instead of a queue); a full copy on a member's join, after a new DC, when
 * no acknowledgement comes, or when the member cannot apply a difference (it missed one: a
 * restart, a channel given up on a dead peer) and asks for one. With hundreds
 * of resources the whole section is hundreds of KB, and one operation result changes one entry.
 * Pure: the daemon (cluster.ts) does the sending.
 */
import { parseXml, serializeXml, type XmlElement } from '../cib/xml-tree.js';

/** DC → member: the status entries changed since version `base` (0: a full copy), now at `v`. */
export interface StatusMsg {
  k: 'status';
  /** The DC's status stream (its name and controller start): versions of another stream do not apply. */
  src: string;
  base: number;
  v: number;
  /** Entries in document order: [key, XML]. */
  set: [string, string][];
  /** Keys of entries removed. */
  del: string[];
  haveQuorum: string;
  dcUuid: string;
}

const nodeKey = (id: string) => `n/${id}`;
const rscKey = (node: string, rsc: string) => `r/${node}/${rsc}`;

function child(e: XmlElement, name: string): XmlElement | undefined {
  return e.children.find((c) => c.name === name);
}

/** A node_state's resource histories (its `lrm/lrm_resources` children), or none. */
function resourcesOf(state: XmlElement): XmlElement[] {
  const lrm = child(state, 'lrm');
  return (lrm && child(lrm, 'lrm_resources')?.children) ?? [];
}

/** A node_state without its resource histories (the `lrm_resources` element kept, empty). */
function withoutResources(state: XmlElement): XmlElement {
  return {
    ...state,
    children: state.children.map((c) =>
      c.name === 'lrm' ? { ...c, children: c.children.map((r) => (r.name === 'lrm_resources' ? { ...r, children: [] } : r)) } : c,
    ),
  };
}

/**
 * A status section as entries, in document order: `n/<node id>` (the node_state without its
 * resources' histories), then its `r/<node id>/<resource id>` (each lrm_resource).
 *
 * @example
 * statusEntries(parseXml('<status><node_state id="1" uname="n1"/></status>')) // Map { 'n/1' => '<node_state …/>' }
 */
export function statusEntries(status: XmlElement): Map<string, string> {
  const out = new Map<string, string>();
  for (const state of status.children) {
    if (state.name !== 'node_state') continue;
    const id = state.attrs.id ?? state.attrs.uname ?? '';
    out.set(nodeKey(id), serializeXml(withoutResources(state)));
    for (const r of resourcesOf(state)) out.set(rscKey(id, r.attrs.id ?? ''), serializeXml(r));
  }
  return out;
}

/**
 * Applies entries to a status section in place: removed keys first, then each entry replaces the
 * one with its key (a node_state keeps its resources' histories) or is appended. Returns false,
 * changing nothing, when an entry is not XML or a resource's node is missing (the difference does
 * not fit this copy).
 */
function applyEntries(status: XmlElement, set: readonly [string, string][], del: readonly string[]): boolean {
  const idOf = (c: XmlElement) => c.attrs.id ?? c.attrs.uname ?? '';
  const parsed: [string, string, XmlElement][] = [];
  try {
    for (const [key, xml] of set) {
      const [kind, node = ''] = key.split('/');
      parsed.push([kind ?? '', node, parseXml(xml)]);
    }
  } catch {
    return false;
  }
  const nodes = new Set(status.children.filter((c) => c.name === 'node_state').map(idOf));
  for (const key of del) if (key.startsWith('n/')) nodes.delete(key.slice(2));
  for (const [kind, node] of parsed) {
    if (kind === 'n') nodes.add(node);
    else if (!nodes.has(node)) return false;
  }
  const stateOf = (id: string) => status.children.find((c) => c.name === 'node_state' && idOf(c) === id);
  for (const key of del) {
    const [kind, node = '', rsc] = key.split('/');
    if (kind === 'n') status.children = status.children.filter((c) => !(c.name === 'node_state' && idOf(c) === node));
    else {
      const lrm = stateOf(node);
      const list = lrm && child(child(lrm, 'lrm') ?? { name: '', attrs: {}, children: [] }, 'lrm_resources');
      if (list) list.children = list.children.filter((r) => r.attrs.id !== rsc);
    }
  }
  for (const [kind, node, e] of parsed) {
    const existing = stateOf(node);
    if (kind === 'n') {
      if (!existing) status.children.push(e);
      else {
        const kept = resourcesOf(existing);
        status.children[status.children.indexOf(existing)] = e;
        const list = child(child(e, 'lrm') ?? { name: '', attrs: {}, children: [] }, 'lrm_resources');
        if (list) list.children = kept;
        else if (kept.length > 0)
          e.children.push({ name: 'lrm', attrs: { id: node }, children: [{ name: 'lrm_resources', attrs: {}, children: kept }] });
      }
      continue;
    }
    const state = existing as XmlElement;
    let lrm = child(state, 'lrm');
    if (!lrm) {
      lrm = { name: 'lrm', attrs: { id: node }, children: [] };
      state.children.push(lrm);
    }
    let list = child(lrm, 'lrm_resources');
    if (!list) {
      list = { name: 'lrm_resources', attrs: {}, children: [] };
      lrm.children.push(list);
    }
    const at = list.children.findIndex((r) => r.attrs.id === e.attrs.id);
    if (at < 0) list.children.push(e);
    else list.children[at] = e;
  }
  return true;
}

/** Removed entries remembered for differences; beyond this, a member that far behind gets a full copy. */
const MAX_REMOVED = 4096;

/**
 * The DC's side: its status versions, and what each member was last sent.
 *
 * @example
 * const ledger = new StatusLedger('n1/1');
 * ledger.record(status);
 * const msg = ledger.messageFor('n2', { haveQuorum: '1', dcUuid: 'n1' }); // a full copy first
 * if (msg) send('n2', msg);
 */
export class StatusLedger {
  readonly src: string;
  #version = 0;
  #entries = new Map<string, { xml: string; v: number }>();
  #removed = new Map<string, number>();
  /** Differences from versions below this cannot be made (removals forgotten). */
  #floor = 0;
  #sent = new Map<string, { v: number; attrs: string; acked: boolean }>();

  constructor(src: string) {
    this.src = src;
  }

  get version(): number {
    return this.#version;
  }

  /** Takes the DC's current status section; returns whether any entry changed. */
  record(status: XmlElement): boolean {
    const now = statusEntries(status);
    const v = this.#version + 1;
    let changed = false;
    for (const [k, xml] of now) {
      const e = this.#entries.get(k);
      if (e && e.xml === xml) continue;
      this.#entries.set(k, { xml, v });
      this.#removed.delete(k);
      changed = true;
    }
    for (const k of this.#entries.keys())
      if (!now.has(k)) {
        this.#entries.delete(k);
        this.#removed.set(k, v);
        changed = true;
      }
    if (!changed) return false;
    this.#version = v;
    if (this.#removed.size > MAX_REMOVED) {
      for (const [k, at] of this.#removed) if (at <= v - 1) this.#removed.delete(k);
      this.#floor = v - 1;
    }
    return true;
  }

  /**
   * What member `to` should get now: the entries changed since the version it acknowledged (a
   * full copy when it has none, or is older than the removals remembered), or undefined when it
   * already has this version with these attributes, or has not acknowledged the last message
   * yet. Marks it sent.
   */
  messageFor(to: string, attrs: { haveQuorum: string; dcUuid: string }): StatusMsg | undefined {
    const sent = this.#sent.get(to);
    const attrsKey = `${attrs.haveQuorum}/${attrs.dcUuid}`;
    if (sent && (!sent.acked || (sent.v === this.#version && sent.attrs === attrsKey))) return undefined;
    const base = sent && sent.v >= this.#floor ? sent.v : 0;
    const set: [string, string][] = [];
    for (const [k, e] of this.#entries) if (e.v > base) set.push([k, e.xml]);
    const del = base === 0 ? [] : [...this.#removed].filter(([, at]) => at > base).map(([k]) => k);
    this.#sent.set(to, { v: this.#version, attrs: attrsKey, acked: false });
    return { k: 'status', src: this.src, base, v: this.#version, set, del, ...attrs };
  }

  /** Member `to` applied version `v` of stream `src`; returns whether that was the message awaited. */
  ack(to: string, src: string, v: number): boolean {
    const sent = this.#sent.get(to);
    if (src !== this.src || !sent || sent.acked || sent.v !== v) return false;
    sent.acked = true;
    return true;
  }

  /** Whether a message to `to` awaits its acknowledgement. */
  awaiting(to: string): boolean {
    return this.#sent.get(to)?.acked === false;
  }

  /** The next message to `to` is a full copy (it joined, asked for one, or did not acknowledge). */
  forget(to: string): void {
    this.#sent.delete(to);
  }
}

/** The size of a status message's entries in characters (a full copy of hundreds of resources is hundreds of KB). */
export function statusMsgSize(m: StatusMsg): number {
  let n = 0;
  for (const [k, xml] of m.set) n += k.length + xml.length;
  return n;
}

/**
 * A member's side: which version of which DC stream its copy is at. `accept` applies a message
 * to the member's status section (in place) when it fits: a full copy always, a difference only
 * from the version the copy is at. Otherwise the answer is `resync` (ask the DC for a full copy)
 * or `stale` (already asked). The DC sends a member nothing new before the last is acknowledged,
 * so at most one message it sent before the request arrives after it: a third that does not fit
 * means the full copy was lost too, and the member asks again.
 *
 * @example
 * const replica = new StatusReplica();
 * if (replica.accept(msg, statusSection) === 'resync') send('dc', { k: 'status-resync' });
 */
export class StatusReplica {
  #src: string | null = null;
  #v = 0;
  #asked = false;
  #stale = 0;

  accept(m: StatusMsg, status: XmlElement): 'applied' | 'resync' | 'stale' {
    if (m.base !== 0 && (m.src !== this.#src || m.base !== this.#v)) return this.#unfit();
    const before = status.children;
    if (m.base === 0) status.children = [];
    if (!applyEntries(status, m.set, m.del)) {
      status.children = before;
      this.#src = null;
      return this.#unfit();
    }
    this.#src = m.src;
    this.#v = m.v;
    this.#asked = false;
    return 'applied';
  }

  #unfit(): 'resync' | 'stale' {
    if (this.#asked && this.#stale < 2) {
      this.#stale++;
      return 'stale';
    }
    this.#asked = true;
    this.#stale = 0;
    return 'resync';
  }

  /** A new DC: nothing applies until its full copy. */
  reset(): void {
    this.#src = null;
    this.#v = 0;
    this.#asked = false;
    this.#stale = 0;
  }
}
