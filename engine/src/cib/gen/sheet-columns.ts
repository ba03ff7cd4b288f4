/**
 * The tables of a pm_crmgen sheet and their columns. A table starts with its name in column B
 * (case-insensitive); the next row names its columns (from column C on); data rows follow with
 * column B empty. `Primitive` has three sub-tables whose column rows carry `p`, `a` or `o` in
 * column B. Facts taken from pm_crmgen 2.2's documented format.
 */

export type TableName =
  | 'node'
  | 'property'
  | 'rsc_defaults'
  | 'op_defaults'
  | 'resources'
  | 'rsc_attributes'
  | 'primitive'
  | 'location'
  | 'location_expert'
  | 'colocation'
  | 'order';

/** Tables pm_crmgen knows that ocfkit does not generate (yet): named in the error. */
export const UNSUPPORTED_TABLES = ['fencing_topology', 'rsc_ticket', 'additional_config', 'alert'];

export type SubTable = 'p' | 'a' | 'o';

/** The table a header cell names, as written in sheets (`Rsc_Defaults` and `RscDefaults` both occur). */
export function tableOf(cell: string): TableName | undefined {
  const t = cell.toLowerCase();
  const aliases: Record<string, TableName> = { rscdefaults: 'rsc_defaults', opdefaults: 'op_defaults', locationexpert: 'location_expert' };
  const all: TableName[] = [
    'node',
    'property',
    'rsc_defaults',
    'op_defaults',
    'resources',
    'rsc_attributes',
    'primitive',
    'location',
    'location_expert',
    'colocation',
    'order',
  ];
  return all.includes(t as TableName) ? (t as TableName) : aliases[t];
}

/** The display name of a table in messages. */
export const TABLE_TITLE: Record<TableName, string> = {
  node: 'Node',
  property: 'Property',
  rsc_defaults: 'RscDefaults',
  op_defaults: 'OpDefaults',
  resources: 'Resources',
  rsc_attributes: 'Rsc_Attributes',
  primitive: 'Primitive',
  location: 'Location',
  location_expert: 'Location_Expert',
  colocation: 'Colocation',
  order: 'Order',
};

type Key = TableName | `primitive/${SubTable}`;

/** Required and optional columns of each table (lower case). */
export const COLUMNS: Record<Key, { required: string[]; optional: string[] }> = {
  node: { required: ['uname', 'ptype', 'name', 'value'], optional: ['ntype'] },
  property: { required: ['name', 'value'], optional: [] },
  rsc_defaults: { required: ['name', 'value'], optional: [] },
  op_defaults: { required: ['name', 'value'], optional: [] },
  resources: { required: ['resourceitem', 'id'], optional: [] },
  rsc_attributes: { required: ['id', 'type', 'name', 'value'], optional: [] },
  primitive: { required: [], optional: [] },
  'primitive/p': { required: ['id', 'class', 'provider', 'type'], optional: [] },
  'primitive/a': { required: ['type', 'name', 'value'], optional: ['rule'] },
  'primitive/o': { required: ['type'], optional: [] },
  location: { required: ['rsc'], optional: [] },
  location_expert: { required: ['rsc', 'score', 'bool_op', 'attribute', 'op', 'value'], optional: ['role', 'id_spec'] },
  colocation: { required: ['rsc', 'with-rsc', 'score'], optional: ['rsc-role', 'with-rsc-role'] },
  order: { required: ['first-rsc', 'then-rsc', 'score'], optional: ['first-action', 'then-action', 'symmetrical'] },
};

/** A Location shortcut column: `score:SCORE` (cells list nodes), `ping[d]:ATTR:VALUE` or `diskd:ATTR` (cells say yes/no). */
export type LocationColumn =
  | { kind: 'score'; score: string }
  | { kind: 'ping' | 'pingd'; attribute: string; value: string }
  | { kind: 'diskd'; attribute: string };

/** Reads a Location column header; undefined when it is none of the shortcut forms. */
export function locationColumn(header: string): LocationColumn | undefined {
  const parts = header.split(':');
  const head = parts[0]?.toLowerCase();
  if (head === 'score' && parts.length === 2 && parts[1]) return { kind: 'score', score: parts[1] };
  if ((head === 'ping' || head === 'pingd') && parts.length === 3 && parts[1] && parts[2])
    return { kind: head, attribute: parts[1], value: parts[2] };
  if (head === 'diskd' && parts.length === 2 && parts[1]) return { kind: 'diskd', attribute: parts[1] };
  return undefined;
}

/** yes/y/true → true, no/n/false → false (any case), anything else undefined. */
export function sheetBool(text: string): boolean | undefined {
  const t = text.toLowerCase();
  if (['yes', 'y', 'true'].includes(t)) return true;
  if (['no', 'n', 'false'].includes(t)) return false;
  return undefined;
}
