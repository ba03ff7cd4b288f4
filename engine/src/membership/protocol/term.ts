/** A DC's term: a number every new DC raises above all it has seen, and the DC's name (unique per term). */
export interface Term {
  n: number;
  dc: string;
}

/** Pacemaker's CIB version: admin_epoch, epoch, num_updates. */
export interface Version {
  adminEpoch: number;
  epoch: number;
  numUpdates: number;
}

/** What orders two CIB copies: the term of the DC that wrote it, then the version. */
export interface CopyKey {
  term: Term | null;
  version: Version;
}

/** A node's CIB copy: its key and its content (the configuration the DC replicates). */
export interface Copy<C> extends CopyKey {
  content: C;
}

/** Orders terms: higher number first, then name (so two DCs never share a term). */
export function compareTerm(a: Term | null, b: Term | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  return a.n - b.n || (a.dc < b.dc ? -1 : a.dc > b.dc ? 1 : 0);
}

/** Orders versions as Pacemaker does: admin_epoch, then epoch, then num_updates. */
export function compareVersion(a: Version, b: Version): number {
  return a.adminEpoch - b.adminEpoch || a.epoch - b.epoch || a.numUpdates - b.numUpdates;
}

/**
 * Orders CIB copies for a merge or a join: the copy written by the later DC (term) wins, then the
 * higher version. Within one term versions are one DC's linear history; across terms, the
 * version alone could prefer a stale DC's uncommitted write over a later DC's committed one.
 *
 * @example
 * compareKey({ term: { n: 2, dc: 'b' }, version: v(0, 3, 0) }, { term: { n: 1, dc: 'a' }, version: v(0, 9, 0) }) > 0
 */
export function compareKey(a: CopyKey, b: CopyKey): number {
  return compareTerm(a.term, b.term) || compareVersion(a.version, b.version);
}

/** `0.12.3@4:n1` — a copy key for logs and traces. */
export function formatKey(k: CopyKey): string {
  const v = `${k.version.adminEpoch}.${k.version.epoch}.${k.version.numUpdates}`;
  return k.term ? `${v}@${k.term.n}:${k.term.dc}` : `${v}@-`;
}

export function sameKey(a: CopyKey, b: CopyKey): boolean {
  return compareKey(a, b) === 0;
}
