/**
 * Resource templates (`<template>`, and `template=` on a primitive), as Pacemaker 2.1's
 * `unpack_template` expands them before anything else reads a resource: the primitive is the
 * template under the primitive's id, with the primitive's own attribute sets added, and the
 * primitive's operations in place of the template's, plus those template operations whose name
 * and role the primitive does not configure (Started and Unpromoted count as no role). The
 * importer keeps a templated primitive's own sets (so the CIB is written back as it was read); the
 * scheduler works on the expanded resources.
 */
import type { Cib, Group, Op, Primitive, Resource } from './cib-model.js';

/** An operation's name and role as `template_op_key` compares them. */
function opKey(op: Op): string {
  const role = op.attrs.role;
  const plain = role === undefined || ['started', 'unpromoted', 'slave'].includes(role.toLowerCase());
  return `${op.name}-${plain ? 'Unknown' : role}`;
}

function expandPrimitive(p: Primitive, templates: ReadonlyMap<string, Primitive>): Primitive {
  const t = p.template === undefined ? undefined : templates.get(p.template);
  if (t === undefined) return p;
  // Pacemaker lists the template's sets first, then the primitive's; of sets with the same score,
  // the one written last wins (flattenSets does the same), so the primitive's own win.
  const own = new Set(p.ops.map(opKey));
  const ops = p.ops.length === 0 ? t.ops : [...p.ops, ...t.ops.filter((o) => !own.has(opKey(o)))];
  const utilization = [...(t.utilization ?? []), ...(p.utilization ?? [])];
  return {
    ...p,
    params: [...t.params, ...p.params],
    meta: [...t.meta, ...p.meta],
    ops,
    ...(utilization.length > 0 ? { utilization } : {}),
  };
}

function expandResource(r: Resource, templates: ReadonlyMap<string, Primitive>): Resource {
  if (r.kind === 'primitive') return expandPrimitive(r, templates);
  if (r.kind === 'group') return { ...r, children: r.children.map((c) => expandPrimitive(c, templates)) };
  return { ...r, child: expandResource(r.child, templates) as Primitive | Group };
}

const byResources = new WeakMap<readonly Resource[], { templates: Cib['templates']; resources: readonly Resource[] }>();
const byCib = new WeakMap<Cib, Cib>();

/**
 * The CIB with every primitive built from a template expanded (see the file comment), and no
 * templates left to expand; the CIB itself when it has no templates. The expanded resources are kept per resources list,
 * so an unchanged configuration gives the very same objects (the unpack memo keys on them).
 *
 * @example
 * withTemplatesExpanded(cib).resources // rsc1 with template1's class, type, sets and operations
 */
export function withTemplatesExpanded(cib: Cib): Cib {
  if (cib.templates === undefined || cib.templates.length === 0) return cib;
  const known = byCib.get(cib);
  if (known) return known;
  let kept = byResources.get(cib.resources);
  if (kept?.templates !== cib.templates) {
    const templates = new Map(cib.templates.map((t) => [t.id, t]));
    kept = { templates: cib.templates, resources: cib.resources.map((r) => expandResource(r, templates)) };
    byResources.set(cib.resources, kept);
  }
  // Without its templates: expanding it again changes nothing (a primitive keeps the name of its
  // template, which is what constraints naming the template apply to).
  const { templates: _expanded, ...rest } = cib;
  const out = { ...rest, resources: kept.resources };
  byCib.set(cib, out);
  return out;
}

/**
 * The primitives built from each template, in the order they are written (Pacemaker's
 * `template_rsc_sets`: what a constraint naming the template applies to).
 *
 * @example
 * templateMembers(cib).get('template1') // ['rsc1', 'rsc2']
 */
export function templateMembers(cib: Cib): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const visit = (r: Resource): void => {
    if (r.kind === 'primitive') {
      if (r.template !== undefined) out.set(r.template, [...(out.get(r.template) ?? []), r.id]);
    } else if (r.kind === 'group') r.children.forEach(visit);
    else visit(r.child);
  };
  for (const t of cib.templates ?? []) out.set(t.id, []);
  cib.resources.forEach(visit);
  return out;
}
