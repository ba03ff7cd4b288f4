/**
 * Reads a pm_crmgen sheet (CSV, UTF-8 or Shift_JIS) into a {@link ClusterSpec}, with pm_crmgen's
 * defaults: a `diskd:ATTR` or `ping[d]:ATTR:VALUE` column in the Location table adds a -INFINITY
 * rule on that attribute, plus a colocation with (INFINITY) and an order after (score 0,
 * symmetrical=false) the clone that sets the attribute. Messages name the cell (`C12`).
 */
import { type CsvRow, decodeSheet, parseCsv } from './csv-text.js';
import { columnName, type Diagnostics, type Where } from './diagnostics.js';
import { parseExprs } from './rule-text.js';
import {
  COLUMNS,
  type LocationColumn,
  locationColumn,
  type SubTable,
  sheetBool,
  TABLE_TITLE,
  type TableName,
  tableOf,
  UNSUPPORTED_TABLES,
} from './sheet-columns.js';
import {
  badId,
  type ClusterSpec,
  emptySpec,
  normalizeScore,
  type Pairs,
  type SpecClone,
  type SpecColocation,
  type SpecGroup,
  type SpecLocation,
  type SpecOrder,
  type SpecPrimitive,
  type SpecResource,
  type SpecRule,
  type SpecSet,
  specPrimitives,
} from './spec.js';

/** Options of the generator that change what a sheet produces (pm_crmgen's -C and -O). */
export interface SheetOptions {
  /** Add the colocation with the ping/diskd clone for a Location shortcut column (default true). */
  colocation?: boolean;
  /** Add the order after the ping/diskd clone (default true). */
  order?: boolean;
}

const TB = 1; // column B holds table headers
const ROLES = ['Started', 'Stopped', 'Master', 'Slave', 'Promoted', 'Unpromoted'];

/** The attribute an agent sets when its `name` parameter is not given. */
const DEFAULT_ATTRIBUTE: Record<string, string> = { ping: 'pingd', pingd: 'pingd', diskd: 'diskd', diskcheck: 'diskcheck_status' };
/** Agents a Location shortcut column refers to. */
const SHORTCUT_AGENTS: Record<'ping' | 'diskd', string[]> = { ping: ['ping', 'pingd'], diskd: ['diskd', 'diskcheck'] };

interface Pending {
  row: CsvRow;
  col: number;
  id: string;
  what: string;
}

interface Node0 {
  kind: 'primitive' | 'group' | 'clone' | 'ms';
  id: string;
  line: number;
  where: Where;
  children: Node0[];
  meta: SpecSet;
  primitive?: SpecPrimitive;
}

/**
 * Reads a sheet's bytes. Every problem is reported to `diag` with its cell; the result is only
 * meaningful when `diag.errors === 0`.
 *
 * @example
 * const diag = new Diagnostics();
 * const spec = readSheet(readFileSync('cluster.csv'), 'cluster.csv', diag);
 */
export function readSheet(bytes: Uint8Array, file: string, diag: Diagnostics, options: SheetOptions = {}): ClusterSpec {
  const { text } = decodeSheet(bytes, file);
  return new SheetReader(file, diag, options).read(parseCsv(text, file));
}

class SheetReader {
  private readonly spec = emptySpec();
  private table: TableName | undefined;
  private sub: SubTable | undefined;
  private skipping = false;
  private cols: Map<string, number> | undefined;
  private riCols: number[] = [];
  private opCols: [string, number][] = [];
  private locCols: [LocationColumn, number][] = [];
  /** Continuation state of the current table (blank cells repeat the row above). */
  private carry: Record<string, string> = {};
  private readonly tree: Node0[] = [];
  private readonly byId = new Map<string, Node0>();
  private stack: Node0[] = [];
  private current: SpecPrimitive | undefined;
  private readonly primitiveSeen = new Map<string, number>();
  private readonly locations = new Map<string, { loc: SpecLocation; keys: Map<string, string> }>();
  private expertRule: { rule: SpecRule; loc: SpecLocation; line: number } | undefined;
  private readonly colocations: { c: SpecColocation; auto: boolean; line: number }[] = [];
  private readonly orders: { o: SpecOrder; auto: boolean; line: number }[] = [];
  private readonly refs: Pending[] = [];
  private readonly constraintsInOrder: (SpecLocation | { auto: boolean; c: SpecColocation } | { auto: boolean; o: SpecOrder })[] = [];

  constructor(
    private readonly file: string,
    private readonly diag: Diagnostics,
    private readonly options: SheetOptions,
  ) {}

  private at(row: CsvRow, col?: number): Where {
    return col === undefined
      ? { file: this.file, line: row.line }
      : { file: this.file, line: row.line, field: `${columnName(col)}${row.line}` };
  }

  private error(msg: string, row: CsvRow, col?: number): undefined {
    this.diag.error(msg, this.at(row, col));
    return undefined;
  }

  private warn(msg: string, row: CsvRow, col?: number): undefined {
    this.diag.warn(msg, this.at(row, col));
    return undefined;
  }

  private cell(row: CsvRow, name: string): string {
    const i = this.cols?.get(name);
    return i === undefined ? '' : (row.cells[i] ?? '');
  }

  private col(name: string): number | undefined {
    return this.cols?.get(name);
  }

  read(rows: CsvRow[]): ClusterSpec {
    for (const row of rows) {
      const cells = row.cells;
      if (cells.length <= TB || cells.every((c) => c === '')) continue;
      if (cells[0]?.startsWith('#')) continue;
      if (cells.slice(TB).every((c) => c === '')) continue;
      const head = cells[TB] ?? '';
      if (head !== '') {
        this.tableHeader(row, head);
        continue;
      }
      if (this.skipping) continue;
      if (this.table === undefined) {
        this.error(`data before any table header (put a table name such as "Node" or "Resources" in column B)`, row, TB);
        this.skipping = true;
        continue;
      }
      this.nonAscii(row);
      if (this.cols === undefined) {
        this.columnHeader(row);
        continue;
      }
      this.dataRow(row);
    }
    this.finish();
    return this.spec;
  }

  /** pm_crmgen warns about full-width (non-ASCII) characters in any cell it reads. */
  private nonAscii(row: CsvRow): undefined {
    row.cells.forEach((c, i) => {
      if (i > TB && /[^\x20-\x7e]/.test(c)) this.warn(`"${c}" has full-width or other non-ASCII characters`, row, i);
    });
    return undefined;
  }

  /** Column B holds a table name (or a Primitive sub-table letter). Returns false to skip the row. */
  private tableHeader(row: CsvRow, head: string): boolean {
    const h = head.toLowerCase();
    if (this.table === 'primitive' && (h === 'p' || h === 'a' || h === 'o')) {
      if (this.sub === undefined && h !== 'p') {
        this.error(`the Primitive table's "${head}" sub-table comes before its "p" sub-table (id, class, provider, type)`, row, TB);
        this.skipping = true;
        return false;
      }
      if (h === 'p' && this.sub !== undefined) {
        this.error('a second "p" sub-table in one Primitive table: start a new Primitive table for each primitive', row, TB);
        this.skipping = true;
        return false;
      }
      if (this.skipping) return false;
      this.sub = h;
      this.cols = undefined;
      this.carry = {};
      this.columnHeader(row);
      return false;
    }
    // Sub-table rows (p, a, o; r in Alert) of a table being skipped are skipped with it.
    if (this.skipping && /^[paor]$/.test(h)) return false;
    const t = tableOf(head);
    this.expertRule = undefined;
    this.carry = {};
    this.cols = undefined;
    this.sub = undefined;
    this.current = undefined;
    this.skipping = false;
    if (t === undefined) {
      this.table = undefined;
      const known = Object.values(TABLE_TITLE).join(', ');
      this.error(
        UNSUPPORTED_TABLES.includes(h)
          ? `the ${head} table is not supported by ocfkit cib gen (supported: ${known})`
          : `unknown table "${head}" (tables: ${known})`,
        row,
        TB,
      );
      this.skipping = true;
      return false;
    }
    this.table = t;
    this.stack = [];
    return true;
  }

  private columnHeader(row: CsvRow): undefined {
    if (this.table === 'primitive' && this.sub === undefined) {
      this.error('the Primitive table needs its "p" sub-table (column B "p", then id, class, provider, type)', row, TB);
      this.skipping = true;
      return;
    }
    const key = this.table === 'primitive' ? (`primitive/${this.sub as SubTable}` as const) : (this.table as TableName);
    const spec = COLUMNS[key];
    const cols = new Map<string, number>();
    this.riCols = [];
    this.opCols = [];
    this.locCols = [];
    let bad = false;
    row.cells.forEach((raw, i) => {
      if (i <= TB || raw === '') return;
      const name = raw.toLowerCase();
      if (this.table === 'resources' && name === 'resourceitem') {
        this.riCols.push(i);
        cols.set(name, this.riCols[0] as number);
        return;
      }
      if (key === 'primitive/o' && name !== 'type') {
        if (this.opCols.some(([n]) => n === raw)) {
          this.error(`column "${raw}" appears twice`, row, i);
          bad = true;
        }
        this.opCols.push([raw, i]);
        return;
      }
      if (this.table === 'location' && name !== 'rsc') {
        const lc = locationColumn(raw);
        if (lc === undefined) {
          this.error(
            `unknown Location column "${raw}" (expected rsc, score:SCORE, pingd:ATTR:VALUE, ping:ATTR:VALUE or diskd:ATTR)`,
            row,
            i,
          );
          bad = true;
          return;
        }
        if (lc.kind === 'score' && normalizeScore(lc.score) === undefined) {
          this.error(`"${lc.score}" in "${raw}" is not a score (an integer, INFINITY or -INFINITY)`, row, i);
          bad = true;
          return;
        }
        this.locCols.push([lc, i]);
        return;
      }
      if (!spec.required.includes(name) && !spec.optional.includes(name)) {
        this.warn(`unknown column "${raw}" in the ${this.title()} table is ignored`, row, i);
        return;
      }
      if (cols.has(name)) {
        this.error(`column "${raw}" appears twice (also ${columnName(cols.get(name) as number)}${row.line})`, row, i);
        bad = true;
        return;
      }
      cols.set(name, i);
    });
    for (const r of spec.required)
      if (!cols.has(r)) {
        this.error(`the ${this.title()} table has no "${r}" column (it needs ${spec.required.join(', ')})`, row);
        bad = true;
      }
    if (this.table === 'resources' && !bad) {
      const id = cols.get('id') as number;
      if (this.riCols.some((c) => c > id)) {
        this.error('in the Resources table the "id" column must come after every "resourceItem" column', row, id);
        bad = true;
      }
    }
    this.cols = cols;
    if (bad) this.skipping = true;
  }

  private title(): string {
    const t = TABLE_TITLE[this.table as TableName];
    return this.table === 'primitive' ? `${t} "${this.sub}"` : t;
  }

  private dataRow(row: CsvRow): undefined {
    switch (this.table) {
      case 'node':
        return this.nodeRow(row);
      case 'property':
        return this.optionRow(row, this.spec.properties, 'Property');
      case 'rsc_defaults':
        return this.optionRow(row, this.spec.rscDefaults, 'RscDefaults');
      case 'op_defaults':
        return this.optionRow(row, this.spec.opDefaults, 'OpDefaults');
      case 'resources':
        return this.resourceRow(row);
      case 'rsc_attributes':
        return this.attributeRow(row);
      case 'primitive': {
        const before = this.diag.errors;
        this.primitiveRow(row);
        // A primitive in error is not described further: skip the rest of its table.
        if (this.diag.errors > before && this.sub === 'p') this.skipping = true;
        return;
      }
      case 'location':
        return this.locationRow(row);
      case 'location_expert':
        return this.expertRow(row);
      case 'colocation':
        return this.colocationRow(row);
      case 'order':
        return this.orderRow(row);
    }
  }

  /** name/value with a duplicate warning; false when the row is in error. */
  private pair(row: CsvRow, into: Pairs, what: string): boolean {
    const name = this.cell(row, 'name');
    const value = this.cell(row, 'value');
    if (name === '' && value === '') return true;
    if (name === '') {
      this.error(`a value ("${value}") without a name`, row, this.col('name'));
      return false;
    }
    if (into.some(([n]) => n === name)) this.warn(`"${name}" is set twice in ${what}; the last value wins`, row, this.col('name'));
    into.push([name, value]);
    return true;
  }

  private optionRow(row: CsvRow, into: Pairs, what: string): undefined {
    this.pair(row, into, what);
  }

  private nodeRow(row: CsvRow): undefined {
    let uname = this.cell(row, 'uname');
    if (uname !== '') {
      this.carry = { uname, ptype: '' };
      const bad = /[\s]/.test(uname) ? `node name "${uname}" has blanks` : undefined;
      if (bad) return this.error(bad, row, this.col('uname'));
      if (!this.spec.nodes.some((n) => n.uname === uname)) {
        const ntype = this.cell(row, 'ntype');
        this.spec.nodes.push({ uname, ...(ntype ? { type: ntype } : {}), attributes: [], utilization: [] });
      } else this.warn(`node "${uname}" is listed twice`, row, this.col('uname'));
    } else {
      uname = this.carry.uname ?? '';
      if (uname === '') return this.error('no node name (uname) for this row', row, this.col('uname'));
    }
    const ptypeCell = this.cell(row, 'ptype');
    let ptype = ptypeCell.toLowerCase() || (this.carry.ptype ?? '');
    if (ptypeCell !== '' && ptype !== 'attributes' && ptype !== 'utilization') {
      this.error(`unknown ptype "${ptypeCell}" (expected attributes or utilization)`, row, this.col('ptype'));
      ptype = '';
      this.carry.ptype = '';
      return;
    }
    this.carry.ptype = ptype;
    const node = this.spec.nodes.find((n) => n.uname === uname);
    if (node === undefined) return;
    if (ptype === '' && (this.cell(row, 'name') !== '' || this.cell(row, 'value') !== ''))
      return this.error('no ptype (attributes or utilization) for this name/value', row, this.col('ptype'));
    if (ptype === '') return;
    this.pair(row, ptype === 'attributes' ? node.attributes : node.utilization, `node ${uname}'s ${ptype}`);
  }

  private checkId(row: CsvRow, col: number | undefined, id: string): boolean {
    const why = badId(id);
    if (why) this.error(why, row, col);
    return why === undefined;
  }

  private resourceRow(row: CsvRow): undefined {
    const set = this.riCols.filter((c) => (row.cells[c] ?? '') !== '');
    const idCol = this.col('id');
    const id = this.cell(row, 'id');
    if (set.length === 0) return this.error('no resource kind in any "resourceItem" column', row, this.riCols[0]);
    if (set.length > 1) return this.error('more than one "resourceItem" column is filled in', row, set[1]);
    const col = set[0] as number;
    let kind = (row.cells[col] ?? '').toLowerCase();
    if (kind === 'master') kind = 'ms';
    if (!['primitive', 'group', 'clone', 'ms'].includes(kind))
      return this.error(`unknown resource kind "${row.cells[col]}" (expected primitive, group, clone or ms)`, row, col);
    const depth = this.riCols.indexOf(col);
    if (depth > this.stack.length) return this.error(`"${row.cells[col]}" is indented deeper than the resource above can hold`, row, col);
    const parent = depth > 0 ? this.stack[depth - 1] : undefined;
    if (parent) {
      const ok = parent.kind === 'group' ? kind === 'primitive' : parent.kind !== 'primitive' && (kind === 'primitive' || kind === 'group');
      if (!ok) return this.error(`a ${kind} cannot be inside ${parent.kind} "${parent.id}"`, row, col);
      if (parent.kind !== 'group' && parent.children.length > 0)
        return this.error(`${parent.kind} "${parent.id}" already holds "${parent.children[0]?.id}"; a clone holds one resource`, row, col);
    }
    if (id === '') return this.error('no resource id', row, idCol);
    if (!this.checkId(row, idCol, id)) return;
    const dup = this.byId.get(id);
    if (dup) return this.error(`resource "${id}" is already defined (line ${dup.line})`, row, idCol);
    const node: Node0 = {
      kind: kind as Node0['kind'],
      id,
      line: row.line,
      where: this.at(row, idCol),
      children: [],
      meta: { pairs: [] },
    };
    this.byId.set(id, node);
    if (parent) parent.children.push(node);
    else this.tree.push(node);
    this.stack = [...this.stack.slice(0, depth), node];
  }

  private attributeRow(row: CsvRow): undefined {
    let id = this.cell(row, 'id');
    const typeCell = this.cell(row, 'type').toLowerCase();
    if (id !== '') this.carry = { id, type: typeCell };
    else {
      id = this.carry.id ?? '';
      if (id === '') return this.error('no resource id for this row', row, this.col('id'));
    }
    const type = typeCell || (this.cell(row, 'id') === '' ? (this.carry.type ?? '') : '');
    if (type === '') return this.error('no type (params or meta) for this row', row, this.col('type'));
    if (type !== 'params' && type !== 'meta')
      return this.error(`unknown type "${this.cell(row, 'type')}" (expected params or meta)`, row, this.col('type'));
    this.carry.type = type;
    const node = this.byId.get(id);
    if (node === undefined) return this.error(`resource "${id}" is not in the Resources table`, row, this.col('id'));
    if (node.kind === 'primitive') {
      // Settled in finish(), once the Primitive table has made the primitive.
      this.pendingAttrs.push({ row, node, type, name: this.cell(row, 'name'), value: this.cell(row, 'value'), nameCol: this.col('name') });
      return;
    }
    if (type === 'params')
      return this.error(`${node.kind} "${id}" takes no params (Pacemaker passes parameters only to primitives)`, row, this.col('type'));
    this.pair(row, node.meta.pairs, `${id}'s meta`);
  }

  private readonly pendingAttrs: { row: CsvRow; node: Node0; type: string; name: string; value: string; nameCol?: number }[] = [];

  private primitiveRow(row: CsvRow): undefined {
    if (this.sub === 'p') {
      if (this.current !== undefined) return this.error('a Primitive table describes one primitive: start a new table', row, TB);
      const id = this.cell(row, 'id');
      if (id === '') return this.error('no primitive id', row, this.col('id'));
      const node = this.byId.get(id);
      if (node === undefined || node.kind !== 'primitive')
        return this.error(
          node ? `"${id}" is a ${node.kind} in the Resources table, not a primitive` : `primitive "${id}" is not in the Resources table`,
          row,
          this.col('id'),
        );
      const seen = this.primitiveSeen.get(id);
      if (seen !== undefined) return this.error(`primitive "${id}" already has a Primitive table (line ${seen})`, row, this.col('id'));
      this.primitiveSeen.set(id, row.line);
      const type = this.cell(row, 'type');
      let cls = this.cell(row, 'class');
      let provider = this.cell(row, 'provider');
      if (type === '') return this.error(`no type (the agent's name) for primitive "${id}"`, row, this.col('type'));
      if (cls === '' && provider !== '') return this.error('a provider without a class', row, this.col('class'));
      if (cls === '') {
        // crm shell's default for `primitive ID TYPE`.
        cls = 'ocf';
        provider = 'heartbeat';
      }
      if (cls === 'ocf' && provider === '') return this.error('class ocf needs a provider', row, this.col('provider'));
      this.current = {
        kind: 'primitive',
        id,
        class: cls,
        ...(provider ? { provider } : {}),
        type,
        params: [],
        meta: [],
        utilization: [],
        ops: [],
      };
      node.primitive = this.current;
      this.spec.origins.set(`primitive:${id}`, this.at(row, this.col('type')));
      return;
    }
    const p = this.current;
    if (p === undefined) return this.error('the Primitive table has no id row yet', row);
    if (this.sub === 'a') return this.primitiveAttr(row, p);
    const name = this.cell(row, 'type');
    if (name === '') return this.error('no operation name (start, monitor, stop, …) in "type"', row, this.col('type'));
    const attrs: Pairs = [];
    let interval = '0s';
    for (const [col, i] of this.opCols) {
      const v = row.cells[i] ?? '';
      if (v === '') continue;
      if (col.toLowerCase() === 'interval') interval = v;
      else attrs.push([col, v]);
    }
    p.ops.push({ name, interval, attrs });
  }

  private primitiveAttr(row: CsvRow, p: SpecPrimitive): undefined {
    const typeCell = this.cell(row, 'type').toLowerCase();
    const ruleCell = this.cell(row, 'rule');
    if (ruleCell !== '' && typeCell === '') return this.error('a rule needs a type (params, meta or utilization)', row, this.col('type'));
    const type = typeCell || (this.carry.type ?? '');
    if (typeCell !== '') this.carry = { type: typeCell, rule: ruleCell };
    if (this.cell(row, 'name') === '' && this.cell(row, 'value') === '') return;
    if (type === '') return this.error('no type (params, meta or utilization) for this row', row, this.col('type'));
    if (type === 'operations')
      return this.warn('"operations" attributes (an $id for the op list) are not needed and are ignored', row, this.col('type'));
    if (type !== 'params' && type !== 'meta' && type !== 'utilization')
      return this.error(`unknown type "${this.cell(row, 'type')}" (expected params, meta, utilization)`, row, this.col('type'));
    const sets = p[type];
    const ruleText = this.carry.rule ?? '';
    let set: SpecSet | undefined;
    if (ruleText === '') {
      set = sets.find((s) => s.rule === undefined);
      if (!set) {
        set = { pairs: [] };
        sets.unshift(set);
      }
    } else {
      set = sets.find((s) => s.rule !== undefined && (s as SpecSet & { text?: string }).text === ruleText);
      if (!set) {
        const parsed = this.ruleSet(row, ruleText);
        if (parsed === undefined) {
          this.carry.rule = '';
          this.carry.type = '';
          return;
        }
        set = Object.assign(parsed, { text: ruleText });
        sets.push(set);
      }
    }
    if (this.pair(row, set.pairs, `${p.id}'s ${type}`) && type === 'params')
      this.spec.origins.set(`param:${p.id}:${this.cell(row, 'name')}`, this.at(row, this.col('name')));
  }

  /** `[SCORE:] rule [$role=ROLE] [SCORE:] EXPRESSIONS` — crm shell's attribute-set rule. */
  private ruleSet(row: CsvRow, text: string): SpecSet | undefined {
    const col = this.col('rule');
    // crm shell: [SET_SCORE:] rule [$role=ROLE] RULE_SCORE: EXPRESSION
    const m = /^(?:(\S+):\s+)?rule\s+(?:\$role=("?)(\w+)\2\s+)?(\S+):\s+(.*)$/.exec(text.trim());
    if (!m) {
      this.error(`"${text}" is not a rule (expected "rule SCORE: EXPRESSION", e.g. "rule 100: #uname eq srv01")`, row, col);
      return undefined;
    }
    const [, setScore, , role, ruleScore, exprs] = m;
    const scores = [setScore, ruleScore].map((x) => (x === undefined ? undefined : normalizeScore(x)));
    for (const [i, x] of [setScore, ruleScore].entries())
      if (x !== undefined && scores[i] === undefined) {
        this.error(`"${x}" is not a score (an integer, INFINITY or -INFINITY)`, row, col);
        return undefined;
      }
    try {
      const e = parseExprs(exprs as string);
      return {
        ...(scores[0] ? { score: scores[0] } : {}),
        rule: { score: scores[1] as string, ...(role ? { role } : {}), ...e },
        pairs: [],
      };
    } catch (err) {
      this.error((err as Error).message, row, col);
      return undefined;
    }
  }

  private ref(row: CsvRow, name: string, what: string): string | undefined {
    const id = this.cell(row, name);
    const col = this.col(name);
    if (id === '') {
      this.error(`no ${what}`, row, col);
      return undefined;
    }
    this.refs.push({ row, col: col as number, id, what });
    return id;
  }

  private score(row: CsvRow, name: string): string | undefined {
    const raw = this.cell(row, name);
    if (raw === '') {
      this.error('no score', row, this.col(name));
      return undefined;
    }
    const s = normalizeScore(raw);
    if (s === undefined) this.error(`"${raw}" is not a score (an integer, INFINITY or -INFINITY)`, row, this.col(name));
    return s;
  }

  private locationFor(rsc: string): { loc: SpecLocation; keys: Map<string, string> } {
    let entry = this.locations.get(rsc);
    if (!entry) {
      entry = { loc: { kind: 'location', rsc, rules: [] }, keys: new Map() };
      this.locations.set(rsc, entry);
      this.constraintsInOrder.push(entry.loc);
    }
    return entry;
  }

  private locationRow(row: CsvRow): undefined {
    const rsc = this.ref(row, 'rsc', 'resource id (rsc)');
    if (rsc === undefined) return;
    const entry = this.locationFor(rsc);
    let added = 0;
    for (const [lc, col] of this.locCols) {
      const v = row.cells[col] ?? '';
      if (v === '') continue;
      const rules: { key: string; rule: SpecRule }[] = [];
      if (lc.kind === 'score') {
        const score = normalizeScore(lc.score) as string;
        for (const node of v.split(/\s+/))
          rules.push({
            key: `uname ${score} ${node}`,
            rule: { score, booleanOp: 'and', exprs: [{ attribute: '#uname', operation: 'eq', value: node }] },
          });
      } else {
        const on = sheetBool(v);
        if (on === undefined) {
          this.warn(`"${v}" is neither yes nor no; the column is ignored for this row`, row, col);
          continue;
        }
        if (!on) continue;
        const a = lc.attribute;
        const second =
          lc.kind === 'diskd'
            ? { attribute: a, operation: 'eq' as const, value: 'ERROR' }
            : { attribute: a, operation: 'lt' as const, value: lc.value };
        rules.push({
          key: `${lc.kind} ${a} ${lc.kind === 'diskd' ? '' : lc.value}`,
          rule: { score: '-INFINITY', booleanOp: 'or', exprs: [{ attribute: a, operation: 'not_defined' }, second] },
        });
        this.shortcutConstraints.push({
          row,
          col,
          rsc,
          kind: lc.kind === 'diskd' ? 'diskd' : 'ping',
          attribute: a,
          // Where pm_crmgen puts them: after the constraints given before this row.
          at: { colocation: this.colocations.length, order: this.orders.length },
        });
      }
      for (const { key, rule } of rules) {
        const seen = entry.keys.get(key);
        if (seen) {
          this.warn(`this rule is already given by ${seen}`, row, col);
          continue;
        }
        entry.keys.set(key, `${columnName(col)}${row.line}`);
        entry.loc.rules.push(rule);
        added++;
      }
    }
    if (added === 0 && this.locCols.every(([, c]) => (row.cells[c] ?? '') === ''))
      this.warn(`only the resource "${rsc}" is given: the row adds no rule`, row, this.col('rsc'));
  }

  private readonly shortcutConstraints: {
    row: CsvRow;
    col: number;
    rsc: string;
    kind: 'ping' | 'diskd';
    attribute: string;
    at: { colocation: number; order: number };
  }[] = [];

  private expertRow(row: CsvRow): undefined {
    let rsc = this.cell(row, 'rsc');
    const rscGiven = rsc !== '';
    if (rscGiven) {
      this.carry = { rsc };
      this.refs.push({ row, col: this.col('rsc') as number, id: rsc, what: 'resource id (rsc)' });
    } else rsc = this.carry.rsc ?? '';
    if (rsc === '') return this.error('no resource id (rsc)', row, this.col('rsc'));
    const scoreRaw = this.cell(row, 'score');
    const boolOp = this.cell(row, 'bool_op').toLowerCase();
    const role = this.cell(row, 'role');
    const idSpec = this.cell(row, 'id_spec');
    if (boolOp !== '' && boolOp !== 'and' && boolOp !== 'or')
      return this.error(`bool_op "${this.cell(row, 'bool_op')}" is neither and nor or`, row, this.col('bool_op'));
    if (role !== '' && !ROLES.includes(role)) return this.error(`role "${role}" is not one of ${ROLES.join(', ')}`, row, this.col('role'));
    if (scoreRaw !== '') {
      const score = this.score(row, 'score');
      if (score === undefined) return;
      let id: string | undefined;
      if (idSpec !== '') {
        const m = /^\$?id=("?)([^"]+)\1$/.exec(idSpec);
        if (!m) return this.error(`id_spec "${idSpec}" is not supported (write $id="NAME")`, row, this.col('id_spec'));
        id = m[2] as string;
        if (!this.checkId(row, this.col('id_spec'), id)) return;
      }
      const rule: SpecRule = {
        score,
        booleanOp: (boolOp || 'and') as 'and' | 'or',
        exprs: [],
        ...(role ? { role } : {}),
        ...(id ? { id } : {}),
      };
      let loc = this.expertLocs.get(rsc);
      if (!loc) {
        loc = { kind: 'location', rsc, rules: [] };
        this.expertLocs.set(rsc, loc);
        this.expertOrder.push(loc);
      }
      loc.rules.push(rule);
      this.expertRule = { rule, loc, line: row.line };
      (this.expertBoolGiven as Map<SpecRule, boolean>).set(rule, boolOp !== '');
    } else {
      if (rscGiven || this.expertRule === undefined || this.expertRule.loc.rsc !== rsc)
        return this.error('no score: the first row of a rule needs one', row, this.col('score'));
      if (boolOp !== '') this.warn('bool_op is only read on the first row of a rule', row, this.col('bool_op'));
      if (role !== '') this.warn('role is only read on the first row of a rule', row, this.col('role'));
      if (idSpec !== '') this.warn('id_spec is only read on the first row of a rule', row, this.col('id_spec'));
    }
    const cur = this.expertRule as { rule: SpecRule; line: number };
    const attribute = this.cell(row, 'attribute');
    const op = this.cell(row, 'op').toLowerCase();
    const value = this.cell(row, 'value');
    if (attribute === '') return this.error('no attribute', row, this.col('attribute'));
    if (op === '') return this.error('no op', row, this.col('op'));
    if (cur.rule.exprs.length > 0 && !this.expertBoolGiven.get(cur.rule))
      return this.error(`the rule started on line ${cur.line} has several expressions but no bool_op`, row, this.col('bool_op'));
    try {
      if (op === 'defined' || op === 'not_defined') {
        if (value !== '') this.warn(`${op} takes no value; "${value}" is ignored`, row, this.col('value'));
        cur.rule.exprs.push({ attribute, operation: op });
      } else {
        if (value === '') return this.error(`op "${op}" needs a value`, row, this.col('value'));
        const words = [attribute, op, value];
        const parsed = parseExprs(words.join(' '));
        cur.rule.exprs.push(...parsed.exprs);
      }
    } catch (err) {
      this.error((err as Error).message, row, this.col('op'));
    }
  }

  private readonly expertLocs = new Map<string, SpecLocation>();
  private readonly expertOrder: SpecLocation[] = [];
  private readonly expertBoolGiven = new Map<SpecRule, boolean>();

  private role(row: CsvRow, name: string): string | undefined {
    const r = this.cell(row, name);
    if (r === '') return undefined;
    const m = ROLES.find((x) => x.toLowerCase() === r.toLowerCase());
    if (!m) this.error(`role "${r}" is not one of ${ROLES.join(', ')}`, row, this.col(name));
    return m;
  }

  private colocationRow(row: CsvRow): undefined {
    const rsc = this.ref(row, 'rsc', 'resource id (rsc)');
    const withRsc = this.ref(row, 'with-rsc', 'resource id (with-rsc)');
    const score = this.score(row, 'score');
    const rscRole = this.role(row, 'rsc-role');
    const withRscRole = this.role(row, 'with-rsc-role');
    if (rsc === undefined || withRsc === undefined || score === undefined) return;
    const c: SpecColocation = {
      kind: 'colocation',
      rsc,
      withRsc,
      score,
      ...(rscRole ? { rscRole } : {}),
      ...(withRscRole ? { withRscRole } : {}),
    };
    this.addColocation(c, false, row);
  }

  private addColocation(c: SpecColocation, auto: boolean, row: CsvRow): undefined {
    const dup = this.colocations.find((x) => same(x.c, c));
    if (dup) return this.warn(`the same colocation is already given on line ${dup.line}`, row);
    this.colocations.push({ c, auto, line: row.line });
  }

  private orderRow(row: CsvRow): undefined {
    const first = this.ref(row, 'first-rsc', 'resource id (first-rsc)');
    const then = this.ref(row, 'then-rsc', 'resource id (then-rsc)');
    const score = this.score(row, 'score');
    const symRaw = this.cell(row, 'symmetrical');
    let symmetrical: boolean | undefined;
    if (symRaw !== '') {
      symmetrical = sheetBool(symRaw);
      if (symmetrical === undefined)
        this.warn(`symmetrical "${symRaw}" is neither yes nor no; it is ignored`, row, this.col('symmetrical'));
    }
    const actions = ['start', 'stop', 'promote', 'demote'];
    const fa = this.cell(row, 'first-action');
    const ta = this.cell(row, 'then-action');
    for (const [name, a] of [
      ['first-action', fa],
      ['then-action', ta],
    ] as const)
      if (a !== '' && !actions.includes(a)) return this.error(`${name} "${a}" is not one of ${actions.join(', ')}`, row, this.col(name));
    if (first === undefined || then === undefined || score === undefined) return;
    const orderKind = orderKindOf(score);
    if (orderKind === undefined)
      return this.error(`an order's score must be 0 (optional) or positive/INFINITY (mandatory), not ${score}`, row, this.col('score'));
    const o: SpecOrder = {
      kind: 'order',
      first,
      thenRsc: then,
      ...(fa ? { firstAction: fa } : {}),
      ...(ta ? { thenAction: ta } : {}),
      orderKind,
      ...(symmetrical !== undefined ? { symmetrical } : {}),
    };
    this.addOrder(o, false, row);
  }

  private addOrder(o: SpecOrder, auto: boolean, row: CsvRow): undefined {
    const dup = this.orders.find((x) => same(x.o, o));
    if (dup) return this.warn(`the same order is already given on line ${dup.line}`, row);
    this.orders.push({ o, auto, line: row.line });
  }

  /** Builds the resource tree and the constraints once every table has been read. */
  private finish(): undefined {
    const build = (n: Node0): SpecResource | undefined => {
      if (n.kind === 'primitive') {
        if (!n.primitive) {
          this.diag.error(`primitive "${n.id}" has no Primitive table (class, provider, type)`, n.where);
          return undefined;
        }
        return n.primitive;
      }
      const kids = n.children.map(build);
      if (n.children.length === 0) {
        this.diag.error(`${n.kind} "${n.id}" holds no resource`, n.where);
        return undefined;
      }
      if (kids.some((k) => k === undefined)) return undefined;
      const meta = n.meta.pairs.length > 0 ? [n.meta] : [];
      if (n.kind === 'group') return { kind: 'group', id: n.id, meta, children: kids as SpecPrimitive[] } satisfies SpecGroup;
      return {
        kind: 'clone',
        id: n.id,
        promotable: n.kind === 'ms',
        meta,
        child: kids[0] as SpecPrimitive | SpecGroup,
      } satisfies SpecClone;
    };
    this.spec.resources = this.tree.map(build).filter((r): r is SpecResource => r !== undefined);
    for (const a of this.pendingAttrs) {
      const p = a.node.primitive;
      if (!p) continue;
      const sets = a.type === 'params' ? p.params : p.meta;
      let set = sets.find((s) => s.rule === undefined);
      if (!set) {
        set = { pairs: [] };
        sets.unshift(set);
      }
      if (a.name === '' && a.value === '') continue;
      if (a.name === '') {
        this.error(`a value ("${a.value}") without a name`, a.row, a.nameCol);
        continue;
      }
      if (set.pairs.some(([n]) => n === a.name)) this.warn(`"${a.name}" is set twice in ${p.id}'s ${a.type}; the last value wins`, a.row);
      set.pairs.push([a.name, a.value]);
    }
    const ids = new Set(this.byId.keys());
    for (const r of this.refs)
      if (!ids.has(r.id)) this.diag.error(`${r.what} "${r.id}" is not in the Resources table`, this.at(r.row, r.col));
    // Location shortcut columns: colocation with and order after the clone that sets the attribute.
    const prims = specPrimitives(this.spec.resources);
    let insertedC = 0;
    let insertedO = 0;
    for (const s of this.shortcutConstraints) {
      if (this.options.colocation === false && this.options.order === false) break;
      const setters = prims.filter((p) => {
        if (!SHORTCUT_AGENTS[s.kind].includes(p.type)) return false;
        const name = p.params.flatMap((set) => set.pairs).find(([n]) => n === 'name')?.[1] ?? DEFAULT_ATTRIBUTE[p.type];
        return name === s.attribute;
      });
      if (setters.length === 0) {
        this.diag.error(
          `no ${s.kind === 'diskd' ? 'diskd/diskcheck' : 'ping/pingd'} primitive sets the attribute "${s.attribute}" (its "name" parameter)`,
          this.at(s.row, s.col),
        );
        continue;
      }
      const tops = [...new Set(setters.map((p) => this.topOf(p.id)))];
      for (const top of tops) {
        const c: SpecColocation = { kind: 'colocation', rsc: s.rsc, withRsc: top, score: 'INFINITY' };
        const o: SpecOrder = { kind: 'order', first: top, thenRsc: s.rsc, orderKind: 'Optional', symmetrical: false };
        // An explicit row giving the same constraint wins (pm_crmgen drops the generated one).
        if (this.options.colocation !== false && !this.colocations.some((x) => same(x.c, c)))
          this.colocations.splice(s.at.colocation + insertedC++, 0, { c, auto: true, line: s.row.line });
        if (this.options.order !== false && !this.orders.some((x) => same(x.o, o)))
          this.orders.splice(s.at.order + insertedO++, 0, { o, auto: true, line: s.row.line });
      }
    }
    this.spec.constraints = [
      ...this.constraintsInOrder.filter((c): c is SpecLocation => 'kind' in c && c.kind === 'location' && c.rules.length > 0),
      ...this.expertOrder,
      ...this.colocations.map((x) => x.c),
      ...this.orders.map((x) => x.o),
    ];
  }

  private topOf(id: string): string {
    for (const top of this.tree) {
      const has = (n: Node0): boolean => n.id === id || n.children.some(has);
      if (has(top)) return top.id;
    }
    return id;
  }
}

const same = (a: object, b: object): boolean => JSON.stringify(a) === JSON.stringify(b);

/** An order's score as a kind: 0 → Optional, positive or INFINITY → Mandatory (Pacemaker's reading). */
function orderKindOf(score: string): 'Mandatory' | 'Optional' | undefined {
  if (score === 'INFINITY') return 'Mandatory';
  if (score === '-INFINITY') return undefined;
  const n = Number(score);
  return n === 0 ? 'Optional' : n > 0 ? 'Mandatory' : undefined;
}
