/**
 * `rsc_location` with `rsc-pattern`, as Pacemaker 2.1's `unpack_simple_location` reads it: the
 * constraint applies to every top-level resource whose id the regular expression matches (with
 * `!` before it, every one it does not match), and a rule's attribute names may use the match's
 * submatches (`%0`-`%9`; not for an inverted pattern). The pattern is read as a JavaScript regular
 * expression, which agrees with POSIX extended syntax on what CIBs use (classes, anchors,
 * groups, alternation); one that does not compile matches nothing. Pure.
 */
import { type BundlePatternParts, bundlePatternParts } from './bundles.js';
import type { Cib, Constraint, LocationConstraint } from './cib-model.js';

function compile(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern);
  } catch {
    return undefined;
  }
}

/**
 * The submatches of an `rsc-pattern` location for the resource it was expanded to (`%0`-`%9` in
 * its rules), or undefined for a location without a pattern or with an inverted one.
 *
 * @example
 * patternSubmatches({ ...loc, rscPattern: '^rsc([0-9])$', rsc: 'rsc4' }) // ['rsc4', '4']
 */
export function patternSubmatches(c: LocationConstraint): string[] | undefined {
  if (c.rscPattern === undefined || c.rscPattern.startsWith('!')) return undefined;
  const m = compile(c.rscPattern)?.exec(c.rsc);
  return m ? [...m].map((s) => s ?? '') : undefined;
}

/**
 * The CIB with each `rsc-pattern` location replaced by one location per top-level resource it
 * names (same id, `rsc` set); the same object when there is none. A bundle is one top-level
 * resource, at the place of the resources it implies: the pattern is tested on the bundle's id,
 * never on its containers', IPs', connections' or child's, and a match locates its containers and
 * IPs (and its child's clone for a role other than Started), as a location naming the bundle does.
 *
 * @example
 * withPatternLocations(cib).constraints.filter((c) => c.id === 'location-rscN').map((c) => c.rsc) // ['rsc1', 'rsc2']
 */
export function withPatternLocations(cib: Cib): Cib {
  if (!cib.constraints.some((c) => c.kind === 'location' && c.rscPattern !== undefined)) return cib;
  const constraints: Constraint[] = [];
  const bundles = bundlePatternParts(cib);
  for (const c of cib.constraints) {
    if (c.kind !== 'location' || c.rscPattern === undefined) {
      constraints.push(c);
      continue;
    }
    const invert = c.rscPattern.startsWith('!');
    const re = compile(invert ? c.rscPattern.slice(1) : c.rscPattern);
    if (!re) continue;
    const seen = new Set<BundlePatternParts>();
    for (const r of cib.resources) {
      const bundle = bundles.find((b) => b.implied.has(r.id));
      if (bundle === undefined) {
        if (re.test(r.id) !== invert) constraints.push({ ...c, rsc: r.id });
        continue;
      }
      if (seen.has(bundle)) continue;
      seen.add(bundle);
      if (re.test(bundle.id) === invert) continue;
      const role = c.role?.toLowerCase();
      const clone = bundle.clone !== undefined && role !== undefined && role !== 'started' ? [bundle.clone] : [];
      for (const rsc of [...bundle.targets, ...clone]) constraints.push({ ...c, rsc });
    }
  }
  return { ...cib, constraints };
}
