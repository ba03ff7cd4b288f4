import type { AttributeRecord } from '@ocfkit/sdk';

/** A change of the value the cluster acts on (`committed`), for the engine's other parts. */
export interface CommitEvent {
  node: string;
  name: string;
  previous: string | null;
  committed: string | null;
}

/** What one update did. */
export interface UpdateResult {
  record: AttributeRecord;
  /** False when the update repeated the current value and dampening (nothing to persist). */
  changed: boolean;
  /** Set when the update took effect at once (no dampening) and changed the committed value. */
  commit?: CommitEvent;
}

const key = (node: string, name: string) => `${node}\u0000${name}`;

/**
 * Node attributes with Pacemaker attrd's dampening, as a pure in-memory model: time is an input
 * (`now`, epoch ms), nothing here reads a clock or does I/O. A changed value becomes committed
 * (what placement rules see) only after it has stayed unchanged for the attribute's dampening;
 * every further change restarts that wait. Deleting sets the value to null; the record
 * disappears once null is committed.
 *
 * @example
 * const s = new AttributeStore();
 * s.update({ node: 'n1', name: 'diskcheck_status', value: 'ERROR', dampenMs: 5000, now: 0 });
 * s.get('n1', 'diskcheck_status')?.committed // null until s.due(5000)
 */
export class AttributeStore {
  readonly #records = new Map<string, AttributeRecord>();

  /** Rebuilds a store from saved records (commits whatever came due while it was down is left to {@link due}). */
  static from(records: readonly AttributeRecord[]): AttributeStore {
    const s = new AttributeStore();
    for (const r of records) s.#records.set(key(r.node, r.name), { ...r });
    return s;
  }

  /** Sets (`value` a string) or deletes (`value` null) an attribute; `dampenMs` also sets its dampening. */
  update(u: { node: string; name: string; value: string | null; dampenMs?: number; now: number }): UpdateResult {
    const k = key(u.node, u.name);
    const old = this.#records.get(k);
    const r: AttributeRecord = old
      ? { ...old }
      : { node: u.node, name: u.name, value: null, committed: null, dampenMs: u.dampenMs ?? 0, commitAt: null };
    if (u.dampenMs !== undefined) r.dampenMs = u.dampenMs;
    if (old && r.value === u.value && r.dampenMs === old.dampenMs) return { record: { ...r }, changed: false };
    r.value = u.value;
    if (r.dampenMs === 0) {
      r.commitAt = null;
      const previous = r.committed;
      r.committed = r.value;
      this.#put(k, r);
      const rec = { ...r };
      return previous === r.committed
        ? { record: rec, changed: true }
        : { record: rec, changed: true, commit: { node: r.node, name: r.name, previous, committed: r.committed } };
    }
    r.commitAt = u.now + r.dampenMs;
    this.#put(k, r);
    return { record: { ...r }, changed: true };
  }

  /** Commits every pending value whose dampening has passed at `now`; returns the changes of committed values. */
  due(now: number): CommitEvent[] {
    const events: CommitEvent[] = [];
    for (const [k, r] of [...this.#records]) {
      if (r.commitAt === null || r.commitAt > now) continue;
      const previous = r.committed;
      const next = { ...r, committed: r.value, commitAt: null };
      this.#put(k, next);
      if (previous !== next.committed) events.push({ node: r.node, name: r.name, previous, committed: next.committed });
    }
    return events;
  }

  /** The earliest pending commit time, or undefined when nothing is pending. */
  nextDue(): number | undefined {
    let next: number | undefined;
    for (const r of this.#records.values()) if (r.commitAt !== null && (next === undefined || r.commitAt < next)) next = r.commitAt;
    return next;
  }

  get(node: string, name: string): AttributeRecord | undefined {
    const r = this.#records.get(key(node, name));
    return r ? { ...r } : undefined;
  }

  /** Every record (of one node when given), sorted by node then name. */
  list(node?: string): AttributeRecord[] {
    return [...this.#records.values()]
      .filter((r) => node === undefined || r.node === node)
      .map((r) => ({ ...r }))
      .sort((a, b) => (a.node === b.node ? a.name.localeCompare(b.name) : a.node.localeCompare(b.node)));
  }

  /** The committed attributes of a node, as placement rules see them (`not_defined` = absent). */
  committed(node: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const r of this.list(node)) if (r.committed !== null) out[r.name] = r.committed;
    return out;
  }

  #put(k: string, r: AttributeRecord): void {
    if (r.value === null && r.committed === null && r.commitAt === null) this.#records.delete(k);
    else this.#records.set(k, r);
  }
}
