/** Placement maps compared by the differential test. */

/**
 * One entry per configured resource: clone instances (`rsc:N`) are merged into a sorted list of
 * where the clone's instances end up, because instance numbering is not part of the decision.
 */
export function aggregate(entries: Iterable<[string, string]>): Map<string, string> {
  const lists = new Map<string, string[]>();
  for (const [id, where] of entries) {
    const base = id.replace(/:\d+$/, '');
    if (!lists.has(base)) lists.set(base, []);
    if (where !== 'Stopped' || base === id) lists.get(base)?.push(where);
  }
  const out = new Map<string, string>();
  for (const [base, list] of lists) out.set(base, list.length === 0 ? 'Stopped' : list.sort().join(' '));
  return out;
}
