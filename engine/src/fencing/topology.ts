import type { Cib, OpaqueXml } from '../core/cib-model';

/** One `fencing-level`: the devices that must all succeed for this level to fence the target. */
export interface FencingLevel {
  id: string;
  index: number;
  devices: string[];
  target?: string;
  targetPattern?: string;
  targetAttribute?: { name: string; value: string };
}

/**
 * Reads `<fencing-topology>` from the configuration (kept verbatim by the CIB import).
 * A level without a target, an index outside 1-9 or no devices throws naming its id.
 *
 * @example
 * readTopology(cib) // [{ id: 'fl-node1-1', index: 1, target: 'node1', devices: ['ipmi-1'] }, ...]
 */
export function readTopology(cib: Pick<Cib, 'other'>): FencingLevel[] {
  const topo = cib.other.find((o) => o.name === 'fencing-topology');
  if (!topo) return [];
  return topo.children.filter((c) => c.name === 'fencing-level').map(level);
}

function level(el: OpaqueXml): FencingLevel {
  const id = el.attrs.id ?? '(no id)';
  const index = Number(el.attrs.index);
  if (!Number.isInteger(index) || index < 1 || index > 9)
    throw new Error(`fencing-level ${id}: index=${JSON.stringify(el.attrs.index)} must be 1-9`);
  const devices = (el.attrs.devices ?? '')
    .split(',')
    .map((d) => d.trim())
    .filter(Boolean);
  if (devices.length === 0) throw new Error(`fencing-level ${id}: devices is empty`);
  const base = { id, index, devices };
  if (el.attrs.target) return { ...base, target: el.attrs.target };
  if (el.attrs['target-pattern']) return { ...base, targetPattern: el.attrs['target-pattern'] };
  if (el.attrs['target-attribute'] && el.attrs['target-value'] !== undefined) {
    return { ...base, targetAttribute: { name: el.attrs['target-attribute'], value: el.attrs['target-value'] } };
  }
  throw new Error(`fencing-level ${id}: needs target, target-pattern or target-attribute with target-value`);
}

/**
 * The levels that apply to a target, in index order: those naming it, else those whose pattern
 * matches it, else those matching one of its node attributes (Pacemaker's order of precedence).
 * Empty means "no topology": any one device that can fence the target will do.
 *
 * @example
 * levelsFor(levels, 'node1', {}).map((l) => l.devices) // [['ipmi-1'], ['pdu-1', 'pdu-2']]
 */
export function levelsFor(levels: readonly FencingLevel[], target: string, attrs: Readonly<Record<string, string>>): FencingLevel[] {
  const t = target.toLowerCase();
  const byName = levels.filter((l) => l.target?.toLowerCase() === t);
  const byPattern = levels.filter((l) => l.targetPattern !== undefined && safeRegex(l.targetPattern)?.test(target));
  const byAttr = levels.filter((l) => l.targetAttribute && attrs[l.targetAttribute.name] === l.targetAttribute.value);
  const chosen = byName.length > 0 ? byName : byPattern.length > 0 ? byPattern : byAttr;
  return [...chosen].sort((a, b) => a.index - b.index);
}

function safeRegex(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern);
  } catch {
    return undefined;
  }
}
