/**
 * The differential generator's resource sets, role constraints, tickets, templates and tags (issue
 * 22). Takes a generated model CIB and adds, from a random stream of its own (so a seed's CIB is
 * unchanged when none of these fires):
 *
 * - resource sets in colocations, orders and locations (two or three sets, or one of several
 *   resources; `sequential`, `require-all=false`, `role`, `action`, a set's own `score`);
 * - orders between sets where a promotable clone is a set of its own with action promote, demote or
 *   start (h123);
 * - colocations and orders between a promotable clone's role and another resource
 *   (`rsc-role`/`with-rsc-role` Promoted, Unpromoted or Started; `first-action`/`then-action`
 *   promote, demote, start);
 * - tickets: `rsc_ticket` (one resource with an optional role, or a resource set) with
 *   `loss-policy` stop, demote, freeze, or fence when fencing is enabled, and the tickets' state
 *   (`<tickets><ticket_state granted standby>` in the status section, or none: not granted);
 * - templates (primitives built from a `<template>`, which may carry meta attributes) and tags
 *   (`<tags>`), named by constraints in place of resources.
 *
 * What the model expresses (role constraints, templates, tags as an unread configuration section)
 * goes into the model; constraints with sets, tags or templates and tickets are written into the
 * exported XML, which is read back (the importer keeps them in `source`, the scheduler reads them
 * from there). Colocations stay free of cycles (their resources are joined only when not yet
 * connected through colocations) and orders go forward in configuration order, as the generator's
 * own do: Pacemaker cannot complete a transition with an ordering cycle.
 */
import { cibToXmlTree } from '../../src/cib/export.js';
import { importCib } from '../../src/cib/import.js';
import { el, serializeXml, type XmlElement } from '../../src/cib/xml-tree.js';
import type { Cib, Constraint, Primitive, Resource } from '../../src/core/cib-model.js';
import { prng } from './generator.js';

/** The chance of each feature per seed (all default to 0: the generator's profile sets them). */
export interface H101Options {
  /** Colocations, orders and locations with resource sets. */
  setChance?: number;
  /**
   * `require-all=false` in ordering sets (off by default: generated CIBs with it still disagree
   * with Pacemaker, README "Resource sets, roles, tickets, templates and tags").
   */
  anyOfSets?: boolean;
  /**
   * Orders between resource sets where a promotable clone has a set of its own, whose `action` is
   * promote or demote (h123; from a random stream of their own).
   */
  roleSetChance?: number;
  /** Colocations and orders naming a promotable clone's role or its promote/demote actions. */
  roleConstraintChance?: number;
  /** `rsc_ticket` constraints and ticket states. */
  ticketChance?: number;
  /** Primitives built from templates, tags, and constraints naming either. */
  templateChance?: number;
}

const colocationScores = ['INFINITY', 'INFINITY', '-INFINITY', '100', '-100', '500'];

function isPromotable(r: Resource): boolean {
  return r.kind === 'clone' && r.meta.some((s) => s.pairs.some((p) => p.name === 'promotable' && p.value === 'true'));
}

/** Union-find over resource ids: which resources colocations already connect. */
function components(constraints: readonly Constraint[]) {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    const p = parent.get(x);
    if (p === undefined || p === x) return x;
    const root = find(p);
    parent.set(x, root);
    return root;
  };
  const join = (ids: readonly string[]) => {
    for (const id of ids.slice(1)) parent.set(find(id), find(ids[0] as string));
  };
  for (const c of constraints) if (c.kind === 'colocation') join([c.rsc, c.withRsc]);
  /** Whether the ids are in different components (joining them closes no cycle). */
  const apart = (ids: readonly string[]) => new Set(ids.map(find)).size === ids.length;
  return { join, apart };
}

/**
 * Adds h101's features to a generated CIB (the same CIB when none fires).
 *
 * @example
 * const cib = addH101Features(generateCib(7, opts), 7, { setChance: 0.15 });
 */
export function addH101Features(cib: Cib, seed: number, opts: H101Options): Cib {
  const rnd = prng(seed * 104729 + 101);
  // One draw per feature first, so that each feature fires for the same seeds whatever the others do.
  const fire = {
    sets: rnd() < (opts.setChance ?? 0),
    roles: rnd() < (opts.roleConstraintChance ?? 0),
    tickets: rnd() < (opts.ticketChance ?? 0),
    templates: rnd() < (opts.templateChance ?? 0),
  };
  // h123's ordering sets with promote/demote draw from a stream of their own (the others' seeds stay as they were).
  const roleSetRnd = prng(seed * 104729 + 123);
  const roleSets = roleSetRnd() < (opts.roleSetChance ?? 0);
  if (!fire.sets && !fire.roles && !fire.tickets && !fire.templates && !roleSets) return cib;
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const chance = (p: number) => rnd() < p;
  /** `n` distinct elements of `xs`, in the order of `xs`. */
  const some = <T>(xs: readonly T[], n: number): T[] => {
    const chosen = new Set<number>();
    while (chosen.size < Math.min(n, xs.length)) chosen.add(Math.floor(rnd() * xs.length));
    return [...chosen].sort((a, b) => a - b).map((i) => xs[i] as T);
  };

  const top = cib.resources.filter((r) => !(r.kind === 'primitive' && r.class === 'stonith'));
  const ids = top.map((r) => r.id);
  const promotable = new Set(top.filter(isPromotable).map((r) => r.id));
  const fencing = cib.crmConfig.some((s) => s.pairs.some((p) => p.name === 'stonith-enabled' && p.value === 'true'));
  const constraints: Constraint[] = [...cib.constraints];
  const colocated = components(constraints);
  const xmlConstraints: XmlElement[] = [];
  const ticketStates: XmlElement[] = [];
  let n = 0;
  const nextId = (what: string) => `h101-${what}${n++}`;

  /** A set's `role` or `action` attribute: promote/demote roles only where every member is promotable. */
  const setRole = (members: readonly string[]) =>
    members.every((m) => promotable.has(m)) && chance(0.6)
      ? pick(['Promoted', 'Unpromoted', 'Started'])
      : chance(0.2)
        ? 'Started'
        : undefined;
  // Only `start` here: orders between sets naming a promote or demote come from a stream of their
  // own (h123, below), so that the seeds' CIBs stayed as they were.
  const setAction = () => (chance(0.2) ? 'start' : undefined);
  /** Splits resources (in the order given) into `k` non-empty consecutive sets. */
  const split = (members: readonly string[], k: number): string[][] => {
    const cuts = some(
      Array.from({ length: members.length - 1 }, (_, i) => i + 1),
      k - 1,
    );
    return [0, ...cuts].map((from, i) => members.slice(from, [...cuts, members.length][i]));
  };
  const resourceSet = (id: string, members: readonly string[], attrs: Record<string, string | undefined>) =>
    el(
      'resource_set',
      { id, ...attrs },
      members.map((m) => el('resource_ref', { id: m })),
    );
  /**
   * An `rsc_order` of `sets` with its draws from `d` (the caller's stream): `sequential` now and then
   * on a set of several, `require-all=false` (chance `p.anyOf`) where neither this set nor the next
   * one is written sequential="true", `kind=Optional` (chance `p.optional`), `symmetrical=false` now
   * and then; set `k`'s `action` is `action(k)`, asked in set order after the other draws.
   */
  const setOrder = (
    id: string,
    sets: readonly string[][],
    d: { chance: (p: number) => boolean; pick: <T>(xs: readonly T[]) => T },
    p: { anyOf: number; optional: number },
    action: (k: number) => string | undefined,
  ) => {
    const seq = sets.map((x) => (x.length > 1 && d.chance(0.5) ? d.pick(['true', 'false']) : undefined));
    const anyOf = sets.map(
      (_x, k) => k < sets.length - 1 && seq[k] !== 'true' && seq[k + 1] !== 'true' && d.chance(p.anyOf) && opts.anyOfSets === true,
    );
    return el(
      'rsc_order',
      { id, kind: d.chance(p.optional) ? 'Optional' : undefined, symmetrical: d.chance(0.15) ? 'false' : undefined },
      sets.map((x, k) =>
        resourceSet(`${id}-set${k}`, x, { sequential: seq[k], 'require-all': anyOf[k] ? 'false' : undefined, action: action(k) }),
      ),
    );
  };

  if (fire.sets && ids.length >= 2) {
    for (let i = int(1, 3); i > 0; i--) {
      const what = rnd();
      if (what < 0.4) {
        // A colocation of two or three sets (or one set of several resources).
        const members = some(ids, int(2, Math.min(5, ids.length)));
        if (!colocated.apart(members)) continue;
        colocated.join(members);
        const id = nextId('colo');
        const sets = split(members, int(1, Math.min(3, members.length)));
        xmlConstraints.push(
          el(
            'rsc_colocation',
            { id, score: pick(colocationScores) },
            sets.map((s, k) =>
              resourceSet(`${id}-set${k}`, s, {
                sequential: s.length > 1 && chance(0.5) ? pick(['true', 'false']) : undefined,
                role: setRole(s),
              }),
            ),
          ),
        );
      } else if (what < 0.8) {
        // An ordering between sets, forward in configuration order (no cycle with other orders).
        const members = some(ids, int(2, Math.min(5, ids.length)));
        const id = nextId('order');
        const sets = split(members, int(members.length > 2 ? 2 : 1, Math.min(3, members.length)));
        xmlConstraints.push(setOrder(id, sets, { chance, pick }, { anyOf: 0.3, optional: 0.25 }, setAction));
      } else {
        // A location of a set of resources on a node (the set's own score, now and then).
        const id = nextId('loc');
        const members = some(ids, int(1, Math.min(3, ids.length)));
        const node = pick(cib.nodes).uname;
        xmlConstraints.push(
          el('rsc_location', { id, node, score: pick(['INFINITY', '-INFINITY', '100', '-100', '200']) }, [
            resourceSet(`${id}-set`, members, {
              score: chance(0.3) ? pick(['50', '-50', 'INFINITY']) : undefined,
              role: members.every((m) => promotable.has(m)) && chance(0.5) ? pick(['Promoted', 'Unpromoted']) : undefined,
            }),
          ]),
        );
      }
    }
  }

  if (fire.roles && promotable.size > 0 && ids.length >= 2) {
    for (let i = int(1, 2); i > 0; i--) {
      const clone = pick([...promotable]);
      const other = pick(ids.filter((x) => x !== clone));
      const id = nextId('role');
      if (chance(0.55)) {
        if (!colocated.apart([clone, other])) continue;
        colocated.join([clone, other]);
        const cloneRole = pick(['Promoted', 'Promoted', 'Unpromoted', 'Started']);
        const otherRole = promotable.has(other) && chance(0.5) ? pick(['Promoted', 'Unpromoted']) : undefined;
        const [rsc, withRsc, rscRole, withRscRole] = chance(0.6)
          ? [other, clone, otherRole, cloneRole]
          : [clone, other, cloneRole, otherRole];
        constraints.push({
          kind: 'colocation',
          id,
          rsc,
          withRsc,
          score: pick(colocationScores),
          ...(rscRole ? { rscRole } : {}),
          ...(withRscRole ? { withRscRole } : {}),
        });
      } else {
        const [first, then] = ids.indexOf(clone) < ids.indexOf(other) ? [clone, other] : [other, clone];
        const action = (rsc: string) => (promotable.has(rsc) ? pick(['promote', 'promote', 'demote', 'start']) : 'start');
        constraints.push({
          kind: 'order',
          id,
          first,
          thenRsc: then,
          firstAction: action(first),
          thenAction: action(then),
          orderKind: pick(['Mandatory', 'Mandatory', 'Optional'] as const),
        });
      }
    }
  }

  if (fire.tickets && ids.length >= 1) {
    const tickets = Array.from({ length: int(1, 2) }, (_, k) => `h101-ticket${k}`);
    for (const ticket of tickets) {
      for (let i = int(1, 2); i > 0; i--) {
        const id = nextId('tkt');
        const lossPolicies = ['stop', 'demote', 'freeze', ...(fencing ? ['fence'] : []), ''];
        const lossPolicy = pick(lossPolicies) || undefined;
        if (chance(0.25) && ids.length >= 2) {
          const members = some(ids, int(1, Math.min(3, ids.length)));
          xmlConstraints.push(
            el('rsc_ticket', { id, ticket, 'loss-policy': lossPolicy }, [
              resourceSet(`${id}-set`, members, {
                role: members.every((m) => promotable.has(m)) && chance(0.5) ? 'Promoted' : undefined,
              }),
            ]),
          );
        } else {
          const rsc = pick(ids);
          const role = promotable.has(rsc) && chance(0.6) ? pick(['Promoted', 'Promoted', 'Unpromoted', 'Started']) : undefined;
          xmlConstraints.push(el('rsc_ticket', { id, rsc, 'rsc-role': role, ticket, 'loss-policy': lossPolicy }));
        }
      }
      if (chance(0.8))
        ticketStates.push(
          el('ticket_state', {
            id: ticket,
            granted: chance(0.5) ? 'true' : 'false',
            standby: chance(0.25) ? 'true' : undefined,
            'last-granted': chance(0.3) ? String(1_700_000_000) : undefined,
          }),
        );
    }
  }

  let resources: readonly Resource[] = cib.resources;
  const templates: Primitive[] = [];
  let other = cib.other;
  if (fire.templates) {
    // Templates: some Dummy primitives (top-level, group members, clone children) built from one.
    const tmpl = Array.from({ length: int(1, 2) }, (_, k): Primitive => {
      const tid = `h101-tmpl${k}`;
      const metaPairs = chance(0.5)
        ? [{ id: `${tid}-meta-stickiness`, name: 'resource-stickiness', value: pick(['0', '50', '100', 'INFINITY']) }]
        : [];
      return {
        kind: 'primitive',
        id: tid,
        class: 'ocf',
        provider: 'heartbeat',
        type: 'Dummy',
        params: [],
        meta: metaPairs.length > 0 ? [{ id: `${tid}-meta`, pairs: metaPairs }] : [],
        ops: [],
      };
    });
    const used = new Set<string>();
    const fromTemplate = (p: Primitive): Primitive => {
      if (p.class !== 'ocf' || p.type !== 'Dummy' || !chance(0.35)) return p;
      const t = pick(tmpl);
      used.add(t.id);
      return { ...p, template: t.id };
    };
    const build = (r: Resource): Resource =>
      r.kind === 'primitive'
        ? fromTemplate(r)
        : r.kind === 'group'
          ? { ...r, children: r.children.map(fromTemplate) }
          : { ...r, child: build(r.child) as Primitive };
    resources = resources.map(build);
    templates.push(...tmpl.filter((t) => used.has(t.id)));
    // Templates named by constraints stand for the primitives built from them, in configuration
    // order; only top-level primitives' templates are named (a member's would reach inside a group).
    const topOf = new Map<string, string[]>();
    const inside = new Set<string>();
    for (const r of resources) {
      if (r.kind === 'primitive') {
        if (r.template !== undefined) topOf.set(r.template, [...(topOf.get(r.template) ?? []), r.id]);
      } else
        for (const p of r.kind === 'group' ? r.children : r.child.kind === 'group' ? r.child.children : [r.child])
          if (p.template) inside.add(p.template);
    }
    // Tags of top-level resources.
    const tags =
      ids.length >= 2 ? Array.from({ length: int(1, 2) }, (_, k) => ({ id: `h101-tag${k}`, members: some(ids, int(1, 3)) })) : [];
    if (tags.length > 0)
      other = [
        ...other,
        {
          name: 'tags',
          attrs: {},
          children: tags.map((t) => ({
            name: 'tag',
            attrs: { id: t.id },
            children: t.members.map((m) => ({ name: 'obj_ref', attrs: { id: m }, children: [] })),
          })),
        },
      ];
    const groups = [...tags, ...[...topOf].filter(([t]) => !inside.has(t)).map(([id, members]) => ({ id, members }))];
    for (let i = groups.length > 0 ? int(1, 3) : 0; i > 0; i--) {
      const g = pick(groups);
      const id = nextId('ref');
      const what = rnd();
      const others = ids.filter((x) => !g.members.includes(x));
      if (what < 0.4) {
        xmlConstraints.push(
          el('rsc_location', { id, rsc: g.id, node: pick(cib.nodes).uname, score: pick(['INFINITY', '-INFINITY', '100', '-100']) }),
        );
      } else if (what < 0.65 && others.length > 0) {
        const o = pick(others);
        if (!colocated.apart([...g.members, o])) continue;
        colocated.join([...g.members, o]);
        const [rsc, withRsc] = chance(0.5) ? [g.id, o] : [o, g.id];
        xmlConstraints.push(el('rsc_colocation', { id, rsc, 'with-rsc': withRsc, score: pick(colocationScores) }));
      } else if (what < 0.9) {
        // Forward in configuration order: the other resource before or after every member.
        const at = g.members.map((m) => ids.indexOf(m));
        const before = ids.filter((x, k) => !g.members.includes(x) && k < Math.min(...at));
        const after = ids.filter((x, k) => !g.members.includes(x) && k > Math.max(...at));
        if (before.length === 0 && after.length === 0) continue;
        const [first, then] = after.length > 0 && (before.length === 0 || chance(0.5)) ? [g.id, pick(after)] : [pick(before), g.id];
        xmlConstraints.push(el('rsc_order', { id, first, then, kind: chance(0.25) ? 'Optional' : undefined }));
      } else {
        const ticket = 'h101-tag-ticket';
        xmlConstraints.push(el('rsc_ticket', { id, rsc: g.id, ticket, 'loss-policy': pick(['stop', 'freeze']) }));
        if (!ticketStates.some((t) => t.attrs.id === ticket))
          ticketStates.push(el('ticket_state', { id: ticket, granted: pick(['true', 'false']) }));
      }
    }
  }

  if (roleSets && promotable.size > 0 && ids.length >= 2) {
    // Orders between sets, forward in configuration order, one of which is a promotable clone by
    // itself with action promote or demote (or start); the other sets' actions are start, or
    // promote/demote where every member is promotable.
    const r = roleSetRnd;
    const rChance = (p: number) => r() < p;
    const rPick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
    const roleAction = () => rPick(['promote', 'promote', 'demote', 'start']);
    for (let i = rChance(0.3) ? 2 : 1; i > 0; i--) {
      const alone = rPick([...promotable]);
      const aloneAction = roleAction();
      const all = ids.filter((x) => x === alone || rChance(0.3));
      const at = all.indexOf(alone);
      // No start or promote before a demote: its inverse (a promote before a stop or demote) closes
      // a loop through the clone's own demote-before-promote (crm_simulate: "Transition failed").
      const sets = [aloneAction === 'demote' ? [] : all.slice(0, at), [alone], all.slice(at + 1)].filter((x) => x.length > 0);
      if (sets.length < 2) continue;
      let up = false;
      const actions = sets.map((x) => {
        const a =
          x.length === 1 && x[0] === alone
            ? aloneAction
            : x.every((m) => promotable.has(m))
              ? roleAction()
              : rChance(0.2)
                ? 'start'
                : undefined;
        const action = a === 'demote' && up ? 'promote' : a;
        up ||= action !== 'demote';
        return action;
      });
      xmlConstraints.push(
        setOrder(`h123-order${i}`, sets, { chance: rChance, pick: rPick }, { anyOf: 0.2, optional: 0.2 }, (k) => actions[k]),
      );
    }
  }

  const model: Cib = {
    ...cib,
    resources,
    constraints,
    other,
    ...(templates.length > 0 ? { templates: [...(cib.templates ?? []), ...templates] } : {}),
  };
  if (xmlConstraints.length === 0 && ticketStates.length === 0) return model;
  // What the model does not express: into the XML, read back.
  const tree = cibToXmlTree(model);
  const configuration = tree.children.find((c) => c.name === 'configuration');
  let section = configuration?.children.find((c) => c.name === 'constraints');
  if (configuration && !section) {
    section = el('constraints', {});
    configuration.children.push(section);
  }
  section?.children.push(...xmlConstraints);
  const status = tree.children.find((c) => c.name === 'status');
  if (status && ticketStates.length > 0) status.children.push(el('tickets', {}, ticketStates));
  return importCib(serializeXml(tree));
}
