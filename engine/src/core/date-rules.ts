/**
 * Date rules: `date_expression` terms evaluated against the scheduler's `now`, as Pacemaker 2.1's
 * `pe__eval_date_expr` does — `in_range` (start ≤ now ≤ end, or start plus a `duration`), `gt`
 * (now > start), `lt` (now < end), `date_spec` (each given field of now within its number or
 * range; a field that is not a number or range passes, as in Pacemaker). A date that cannot be
 * read makes the expression false.
 *
 * Times are read as Pacemaker's `crm_time_new` reads them: `YYYY-MM-DD`, `YYYYMMDD`, `YYYY-DDD`
 * and `YYYY-Www-D`, optionally followed (after a space or `T`) by `HH:MM:SS` and an offset after a
 * space (` -05:00`) or `Z`. A date alone is midnight UTC. A time without an offset is the host's
 * local time in Pacemaker; here it is UTC (the core has no clock or time zone), which is what
 * Pacemaker does on a host in UTC. `now` is seen in UTC for `date_spec` for the same reason.
 *
 * {@link resolveDateRules} evaluates every date term of a CIB once per scheduler run and folds the
 * result into the rules (a rule left with no date term, or none at all), so the rest of the
 * scheduler only ever sees node-attribute rules; and it says when the outcome next changes
 * (Pacemaker's `recheck-by`). Pure: no clock; `now` is an input.
 */
import type { Cib, CibNode, DateExpression, DateFields, LocationConstraint, NvSet, Op, Resource, Rule } from './cib-model.js';

const DAY = 86_400;

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1-12). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const mp = (m + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** The date of a day count since 1970-01-01. */
function civilFromDays(days: number): { y: number; m: number; d: number } {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d };
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  return m === 2 ? (isLeap(y) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;
}

/** ISO weekday (1 = Monday … 7 = Sunday) of a day count since 1970-01-01 (a Thursday). */
function weekday(days: number): number {
  return ((((days + 3) % 7) + 7) % 7) + 1;
}

/** The day count of the Monday that starts ISO week 1 of `y`. */
function isoWeekOneStart(y: number): number {
  const jan4 = daysFromCivil(y, 1, 4);
  return jan4 - (weekday(jan4) - 1);
}

/** `HH[:MM[:SS]]` or `HHMMSS` as seconds (24:00:00 allowed), undefined when malformed. */
function timeOfDay(s: string): number | undefined {
  const colon = /^\s*(\d+)(?::(\d+))?(?::(\d+))?/.exec(s);
  const compact = /^\s*(\d{1,2})(\d{1,2})?(\d{1,2})?/.exec(s);
  // Pacemaker's sscanf: `%d:%d:%d`, and `%2d%2d%2d` when that found the hour only.
  const m = colon?.[2] !== undefined ? colon : compact;
  if (!m?.[1]) return undefined;
  const [h, min, sec] = [m[1], m[2], m[3]].map((v) => (v === undefined ? 0 : Number.parseInt(v, 10))) as [number, number, number];
  if (h === 24 && min === 0 && sec === 0) return DAY;
  if (h >= 24 || min >= 60 || sec >= 60) return undefined;
  return h * 3600 + min * 60 + sec;
}

/** An offset after the time (`Z`, ` -05:00`, ` +0200`) in seconds east of UTC. */
function offsetOf(time: string): number | undefined {
  if (time.includes('Z')) return 0;
  const space = time.indexOf(' ');
  if (space < 0) return 0; // Pacemaker: the host's local offset (UTC here, see above)
  const o = time.slice(space).trim();
  if (o === '') return 0;
  const sign = o.startsWith('-') ? -1 : 1;
  const body = o.replace(/^[+-]/, '');
  if (!/^\d/.test(body)) return 0;
  const secs = timeOfDay(body);
  return secs === undefined ? undefined : sign * secs;
}

/**
 * A date and time as Pacemaker's `crm_time_new` reads it, in seconds since the epoch; undefined
 * when it is not one.
 *
 * @example
 * parseCrmTime('2019-09-23 18:00:00 -05:00') // 1569279600
 * parseCrmTime('2005-001') // 1104537600
 */
export function parseCrmTime(text: string): number | undefined {
  const s = text.trim();
  if (/^epoch(\s|\/|$)/i.test(s)) return 0;
  let days: number | undefined;
  const ymd = /^([+-]?\d+)-(\d+)-(\d+)/.exec(s) ?? /^(\d{4})(\d{2})(\d{2})/.exec(s);
  const ord = /^([+-]?\d+)-(\d+)/.exec(s);
  const week = /^([+-]?\d+)-W(\d+)-(\d+)/.exec(s);
  if (ymd) {
    const [y, m, d] = [ymd[1], ymd[2], ymd[3]].map((v) => Number.parseInt(v ?? '', 10)) as [number, number, number];
    if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return undefined;
    days = daysFromCivil(y, m, d);
  } else if (ord) {
    const [y, d] = [ord[1], ord[2]].map((v) => Number.parseInt(v ?? '', 10)) as [number, number];
    if (d < 1 || d > (isLeap(y) ? 366 : 365)) return undefined;
    days = daysFromCivil(y, 1, 1) + d - 1;
  } else if (week) {
    const [y, w, d] = [week[1], week[2], week[3]].map((v) => Number.parseInt(v ?? '', 10)) as [number, number, number];
    const weeks = (isoWeekOneStart(y + 1) - isoWeekOneStart(y)) / 7;
    if (w < 1 || w > weeks || d < 1 || d > 7) return undefined;
    days = isoWeekOneStart(y) + (w - 1) * 7 + d - 1;
  } else return undefined;
  const rest = s.slice(/^[0-9W-]*/.exec(s)?.[0].length ?? 0);
  if (rest === '') return days * DAY;
  if (rest[0] !== ' ' && rest[0] !== 'T') return days * DAY;
  const time = rest.slice(1);
  const secs = timeOfDay(time);
  const offset = offsetOf(time);
  if (secs === undefined || offset === undefined) return undefined;
  return days * DAY + secs - offset;
}

function field(fields: DateFields, name: string): number {
  const v = Number.parseInt(fields[name] ?? '', 10);
  return Number.isNaN(v) ? 0 : v;
}

/** Pacemaker's `pe_parse_xml_duration`: the start plus years, months, weeks, days, hours, minutes, seconds. */
function addDuration(start: number, duration: DateFields): number {
  const days = Math.floor(start / DAY);
  const secs = start - days * DAY;
  let { y, m, d } = civilFromDays(days);
  y += field(duration, 'years');
  const months = m - 1 + field(duration, 'months');
  y += Math.floor(months / 12);
  m = (((months % 12) + 12) % 12) + 1;
  d = Math.min(d, daysInMonth(y, m));
  const total = daysFromCivil(y, m, d) + 7 * field(duration, 'weeks') + field(duration, 'days');
  return total * DAY + secs + 3600 * field(duration, 'hours') + 60 * field(duration, 'minutes') + field(duration, 'seconds');
}

/** One `date_spec` field: a number, `a-b`, `a-` or `-b`; anything else passes (Pacemaker's "undetermined"). */
function fieldPasses(value: string | undefined, actual: number): boolean {
  if (value === undefined) return true;
  const m = /^\s*([+-]?\d+)?(-)?([+-]?\d+)?\s*$/.exec(value);
  if (!m || (m[1] === undefined && m[3] === undefined)) return true;
  const low = m[1] !== undefined ? Number.parseInt(m[1], 10) : undefined;
  const high = m[2] === undefined ? low : m[3] !== undefined ? Number.parseInt(m[3], 10) : undefined;
  return (low === undefined || actual >= low) && (high === undefined || actual <= high);
}

/** Whether `now` (seconds, seen in UTC) matches every field a `date_spec` gives. */
function dateSpecHolds(spec: DateFields, now: number): boolean {
  const days = Math.floor(now / DAY);
  const secs = now - days * DAY;
  const { y, m, d } = civilFromDays(days);
  let weekYear = y;
  if (days >= isoWeekOneStart(y + 1)) weekYear = y + 1;
  else if (days < isoWeekOneStart(y)) weekYear = y - 1;
  const actual: Record<string, number> = {
    years: y,
    months: m,
    monthdays: d,
    hours: Math.floor(secs / 3600),
    minutes: Math.floor(secs / 60) % 60,
    seconds: secs % 60,
    yeardays: days - daysFromCivil(y, 1, 1) + 1,
    weekyears: weekYear,
    weeks: Math.floor((days - isoWeekOneStart(weekYear)) / 7) + 1,
    weekdays: weekday(days),
  };
  return Object.entries(actual).every(([name, value]) => fieldPasses(spec[name], value));
}

/** A date expression's outcome at `now`, and when Pacemaker says it next changes (if it does). */
interface DateOutcome {
  holds: boolean;
  next?: number;
}

/**
 * Evaluates one `date_expression` at `now` (seconds since the epoch), with the moment its outcome
 * changes as Pacemaker computes it: the start of a range not yet begun, the second after the end
 * of the range now is in, the second after a `gt` start, a `lt` end; none for a `date_spec`.
 *
 * @example
 * evaluateDateExpression({ kind: 'date_expression', id: 'd', operation: 'gt', start: '2020-01-01' }, 1800000000) // { holds: true }
 */
function evaluateDateExpression(x: DateExpression, now: number): DateOutcome {
  const start = x.start === undefined ? undefined : parseCrmTime(x.start);
  let end = x.end === undefined ? undefined : parseCrmTime(x.end);
  if (start !== undefined && x.end === undefined && x.duration) end = addDuration(start, x.duration);
  switch (x.operation) {
    case 'in_range':
      if (start === undefined && end === undefined) return { holds: false };
      if (start !== undefined && now < start) return { holds: false, next: start };
      if (end !== undefined && now > end) return { holds: false };
      return end === undefined ? { holds: true } : { holds: true, next: end + 1 };
    case 'gt':
      if (start === undefined) return { holds: false };
      return now > start ? { holds: true } : { holds: false, next: start + 1 };
    case 'lt':
      if (end === undefined) return { holds: false };
      return now < end ? { holds: true, next: end } : { holds: false };
    case 'date_spec':
      return { holds: dateSpecHolds(x.spec ?? {}, now) };
  }
}

/** A rule with its date terms decided: true, false, or what is left to evaluate per node. */
type Folded = boolean | Rule;

function hasDate(rule: Rule): boolean {
  return rule.terms.some((t) => t.kind === 'date_expression' || (t.kind === 'rule' && hasDate(t)));
}

class Resolver {
  recheckAt: number | undefined;
  constructor(readonly now: number) {}

  private note(at: number | undefined): void {
    if (at !== undefined && at > this.now && (this.recheckAt === undefined || at < this.recheckAt)) this.recheckAt = at;
  }

  /** The rule with each date term replaced by its outcome, folded through `boolean-op`. */
  fold(rule: Rule): Folded {
    if (!hasDate(rule)) return rule;
    const or = rule.booleanOp === 'or';
    const left: Rule['terms'][number][] = [];
    let decided: boolean | undefined;
    for (const t of rule.terms) {
      // Pacemaker evaluates a rule's terms in order and stops at the first that decides it
      // (pe_eval_expr): a date term after that is never evaluated, so its change is no recheck time.
      if (decided !== undefined) break;
      let v: Folded | Rule['terms'][number];
      if (t.kind === 'date_expression') {
        const outcome = evaluateDateExpression(t, this.now);
        this.note(outcome.next);
        v = outcome.holds;
      } else v = t.kind === 'rule' ? this.fold(t) : t;
      if (v === true || v === false) {
        // `and`: a false term decides; `or`: a true one does. Others drop out.
        if (v === or) decided ??= or;
      } else left.push(v);
    }
    if (decided !== undefined) return decided;
    if (left.length === 0) return !or;
    return { ...rule, terms: left };
  }

  sets(sets: readonly NvSet[]): readonly NvSet[] {
    if (!sets.some((s) => s.rule !== undefined && hasDate(s.rule))) return sets;
    const out: NvSet[] = [];
    for (const s of sets) {
      const f = s.rule === undefined ? s.rule : this.fold(s.rule);
      if (f === false) continue;
      out.push(f === true ? { ...s, rule: undefined } : f === s.rule ? s : { ...s, rule: f });
    }
    return out;
  }

  private op(o: Op): Op {
    const meta = this.sets(o.meta);
    const params = o.params && this.sets(o.params);
    return meta === o.meta && params === o.params ? o : { ...o, meta, ...(params ? { params } : {}) };
  }

  resource(r: Resource): Resource {
    const meta = this.sets(r.meta);
    const params = r.params && this.sets(r.params);
    if (r.kind === 'primitive') {
      const ops = r.ops.map((o) => this.op(o));
      const utilization = r.utilization && this.sets(r.utilization);
      const same = meta === r.meta && params === r.params && utilization === r.utilization && ops.every((o, i) => o === r.ops[i]);
      return same ? r : { ...r, meta, params: params ?? r.params, ops, ...(utilization ? { utilization } : {}) };
    }
    if (r.kind === 'group') {
      const children = r.children.map((c) => this.resource(c) as typeof c);
      const same = meta === r.meta && params === r.params && children.every((c, i) => c === r.children[i]);
      return same ? r : { ...r, meta, ...(params ? { params } : {}), children };
    }
    const child = this.resource(r.child) as typeof r.child;
    return meta === r.meta && params === r.params && child === r.child ? r : { ...r, meta, ...(params ? { params } : {}), child };
  }

  node(n: CibNode): CibNode {
    const attributes = this.sets(n.attributes);
    const utilization = this.sets(n.utilization);
    return attributes === n.attributes && utilization === n.utilization ? n : { ...n, attributes, utilization };
  }

  location(c: LocationConstraint): LocationConstraint {
    if (!c.rules.some(hasDate)) return c;
    const rules: Rule[] = [];
    for (const rule of c.rules) {
      const f = this.fold(rule);
      if (f === true) rules.push({ ...rule, terms: [] });
      else if (f !== false) rules.push(f);
    }
    return { ...c, rules };
  }
}

/** What {@link resolveDateRules} gives: the CIB without date terms, and when their outcome next changes. */
interface ResolvedDates {
  cib: Cib;
  /** The earliest time (seconds since the epoch, after `now`) a date rule's outcome changes. */
  recheckAt?: number;
}

/**
 * The CIB with every date term decided at `now` (the same object, and the same parts, where there
 * is none): an attribute set whose rule fails is gone, one whose rule holds loses the rule, and a
 * rule that also tests node attributes keeps just those; a location rule that fails is gone.
 *
 * @example
 * resolveDateRules(cib, 1800000000).recheckAt // the second a maintenance window ends, say
 */
export function resolveDateRules(cib: Cib, now: number): ResolvedDates {
  const r = new Resolver(now);
  const resources = cib.resources.map((x) => r.resource(x));
  const nodes = cib.nodes.map((n) => r.node(n));
  const constraints = cib.constraints.map((c) => (c.kind === 'location' ? r.location(c) : c));
  const crmConfig = r.sets(cib.crmConfig);
  const rscDefaults = r.sets(cib.rscDefaults);
  const opDefaults = r.sets(cib.opDefaults);
  const same =
    crmConfig === cib.crmConfig &&
    rscDefaults === cib.rscDefaults &&
    opDefaults === cib.opDefaults &&
    resources.every((x, i) => x === cib.resources[i]) &&
    nodes.every((n, i) => n === cib.nodes[i]) &&
    constraints.every((c, i) => c === cib.constraints[i]);
  const out = same ? cib : { ...cib, crmConfig, rscDefaults, opDefaults, resources, nodes, constraints };
  return r.recheckAt === undefined ? { cib: out } : { cib: out, recheckAt: r.recheckAt };
}
