import { parseXml, type XmlElement } from '../cib/xml-tree';

/** One parameter a fence agent declares in its RHCS meta-data. */
export interface FenceParameter {
  name: string;
  /** As the agent declares it; Pacemaker treats `action`, `port` and `plug` as optional (it supplies them). */
  required: boolean;
  type: string;
  default?: string;
  deprecated: boolean;
  /** The deprecated parameter this one replaces (`plug` obsoletes `port`). */
  obsoletes?: string;
}

/** What the fencer needs to know about a fence agent, read from `<agent> -o metadata`. */
export interface FenceMetadata {
  name: string;
  shortdesc: string;
  parameters: FenceParameter[];
  /** Every action in `<actions>`, e.g. `on off reboot status list monitor metadata validate-all`. */
  actions: ReadonlySet<string>;
  /** Where the target goes: `plug` if declared, else `port`, else none (Pacemaker's default host argument). */
  hostArg?: 'plug' | 'port';
}

/** Parameters the fencer supplies itself, so a configuration never has to set them. */
const SUPPLIED = new Set(['action', 'port', 'plug']);

function child(el: XmlElement, name: string): XmlElement | undefined {
  return el.children.find((c) => c.name === name);
}

/**
 * Reads the RHCS meta-data of a fence agent (the XML `fence_* -o metadata` prints).
 * Throws naming the agent when the document is not a `<resource-agent>`.
 *
 * @example
 * const md = parseFenceMetadata(execFileSync('/usr/sbin/fence_dummy', ['-o', 'metadata'], { encoding: 'utf8' }));
 * md.actions.has('list') // false
 * md.hostArg // undefined: fence_dummy takes no plug
 */
export function parseFenceMetadata(xml: string, agent = 'fence agent'): FenceMetadata {
  let root: XmlElement;
  try {
    root = parseXml(xml);
  } catch (err) {
    throw new Error(`${agent}: meta-data is not well-formed XML: ${(err as Error).message}`);
  }
  if (root.name !== 'resource-agent') throw new Error(`${agent}: meta-data root is <${root.name}>, expected <resource-agent>`);
  const parameters: FenceParameter[] = [];
  for (const p of child(root, 'parameters')?.children ?? []) {
    if (p.name !== 'parameter' || !p.attrs.name) continue;
    const content = child(p, 'content');
    const flag = (v: string | undefined) => v === '1' || v === 'true';
    parameters.push({
      name: p.attrs.name,
      required: flag(p.attrs.required) && !SUPPLIED.has(p.attrs.name),
      type: content?.attrs.type ?? 'string',
      ...(content?.attrs.default !== undefined ? { default: content.attrs.default } : {}),
      deprecated: flag(p.attrs.deprecated),
      ...(p.attrs.obsoletes ? { obsoletes: p.attrs.obsoletes } : {}),
    });
  }
  const actions = new Set(
    (child(root, 'actions')?.children ?? []).filter((a) => a.name === 'action' && a.attrs.name).map((a) => a.attrs.name as string),
  );
  const names = new Set(parameters.map((p) => p.name));
  const hostArg = names.has('plug') ? 'plug' : names.has('port') ? 'port' : undefined;
  return {
    name: root.attrs.name ?? agent,
    shortdesc: root.attrs.shortdesc ?? '',
    parameters,
    actions,
    ...(hostArg ? { hostArg } : {}),
  };
}
