/**
 * Where the order of equal-looking things decides, Pacemaker's outcome follows GLib's: a hash
 * table's values come out in bucket order, and lists are sorted by GLib's merge sort. With a
 * comparison that is not transitive (`placement-strategy=balanced` compares capacities by
 * votes), which node wins depends on both, so the engine reproduces them (GLib 2.74, Debian
 * bookworm's, as Pacemaker 2.1.5 there uses).
 */

const MIN_SHIFT = 3;
// GLib's prime_mod table (the modulus for each table size 1 << shift).
const PRIME_MOD = [
  1, 2, 3, 7, 13, 31, 61, 127, 251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65521, 131071, 262139, 524287, 1048573, 2097143, 4194301,
  8388593, 16777213, 33554393, 67108859, 134217689, 268435399, 536870909, 1073741789, 2147483647,
];

/**
 * The hash of Pacemaker's string-keyed tables (`pcmk__strkey_table`, such as a resource's allowed
 * nodes, keyed by node id): `pcmk__str_hash`, h * 31 + each byte (as a signed char) from 0, 32
 * bits — not GLib's `g_str_hash`. GLib stores a hash below 2 as 2.
 */
function strHash(s: string): number {
  let h = 0;
  for (const b of new TextEncoder().encode(s)) h = (Math.imul(h, 31) + (b > 127 ? b - 256 : b)) >>> 0;
  return h < 2 ? 2 : h;
}

interface Table {
  shift: number;
  hashes: number[];
  keys: (string | undefined)[];
}

function newTable(shift: number): Table {
  return { shift, hashes: new Array<number>(1 << shift).fill(0), keys: new Array<string | undefined>(1 << shift).fill(undefined) };
}

function toIndex(t: Table, hash: number): number {
  return (Math.imul(hash, 11) >>> 0) % (PRIME_MOD[t.shift] as number);
}

function closestShift(n: number): number {
  let i = 0;
  for (let x = Math.trunc(n); x; i++) x >>= 1;
  return Math.max(i, MIN_SHIFT);
}

/** GLib's in-place rehash after growing (entries evicted along the way move on). */
function resize(t: Table, count: number): Table {
  const old = t;
  const next = newTable(closestShift(count * 1.333));
  const size = 1 << next.shift;
  const mask = size - 1;
  // Work in arrays of the new size, the old entries where they were.
  const hashes = next.hashes.map((_, i) => old.hashes[i] ?? 0);
  const keys = next.keys.map((_, i) => old.keys[i]);
  const moved = new Array<boolean>(size).fill(false);
  for (let i = 0; i < old.hashes.length; i++) {
    const h0 = hashes[i] as number;
    if (h0 < 2) {
      hashes[i] = 0;
      continue;
    }
    if (moved[i]) continue;
    hashes[i] = 0;
    let hash = h0;
    let key = keys[i];
    keys[i] = undefined;
    for (;;) {
      let idx = toIndex(next, hash);
      let step = 0;
      while (moved[idx]) {
        step++;
        idx = (idx + step) & mask;
      }
      moved[idx] = true;
      const replacedHash = hashes[idx] as number;
      const replacedKey = keys[idx];
      hashes[idx] = hash;
      keys[idx] = key;
      if (replacedHash < 2) break;
      hash = replacedHash;
      key = replacedKey;
    }
  }
  return { shift: next.shift, hashes, keys };
}

/**
 * The order in which `g_hash_table_get_values` returns the values of a Pacemaker string-keyed table after
 * inserting `keys` in this order (no removals).
 *
 * @example
 * glibHashValuesOrder(['1', '2', '3']) // ['2', '3', '1']
 */
export function glibHashValuesOrder(keys: readonly string[]): string[] {
  let t = newTable(MIN_SHIFT);
  let count = 0;
  for (const key of keys) {
    const hash = strHash(key);
    const mask = (1 << t.shift) - 1;
    let idx = toIndex(t, hash);
    let step = 0;
    let found = false;
    while ((t.hashes[idx] as number) !== 0) {
      if (t.hashes[idx] === hash && t.keys[idx] === key) {
        found = true;
        break;
      }
      step++;
      idx = (idx + step) & mask;
    }
    if (found) continue;
    t.hashes[idx] = hash;
    t.keys[idx] = key;
    count++;
    const size = 1 << t.shift;
    if (size <= count + Math.trunc(count / 16)) t = resize(t, count);
  }
  const out: string[] = [];
  for (let i = 0; i < t.keys.length; i++) if ((t.hashes[i] as number) >= 2) out.unshift(t.keys[i] as string);
  return out;
}

/**
 * `g_list_sort`: a top-down merge sort (the first half is the shorter one), stable, taking the
 * left element when the comparison says 0 or less.
 *
 * @example
 * glibListSort([3, 1, 2], (a, b) => a - b) // [1, 2, 3]
 */
export function glibListSort<T>(list: readonly T[], cmp: (a: T, b: T) => number): T[] {
  if (list.length < 2) return [...list];
  const half = Math.floor(list.length / 2);
  const left = glibListSort(list.slice(0, half), cmp);
  const right = glibListSort(list.slice(half), cmp);
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length && j < right.length) out.push(cmp(left[i] as T, right[j] as T) <= 0 ? (left[i++] as T) : (right[j++] as T));
  while (i < left.length) out.push(left[i++] as T);
  while (j < right.length) out.push(right[j++] as T);
  return out;
}
