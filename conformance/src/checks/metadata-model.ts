import { parseDuration } from '@ocfkit/sdk';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** One `<action>` of the meta-data. */
interface MdAction {
  name: string;
  timeout?: string;
  timeoutMs?: number;
  interval?: string;
  role?: string;
  depth?: string;
}

/** One `<parameter>` of the meta-data. */
export interface MdParam {
  name: string;
  required: boolean;
  /** `unique="1"` or a `unique-group` (OCF 1.1). */
  unique: boolean;
  type?: string;
  default?: string;
  options: string[];
}

/** What the checks need from an agent's meta-data. */
export interface MetaData {
  name: string;
  /** The OCF version the agent claims (`<version>`), if any. */
  version?: string;
  params: MdParam[];
  actions: MdAction[];
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  isArray: (name) => ['parameter', 'action', 'option', 'longdesc', 'shortdesc'].includes(name),
  processEntities: true,
  parseTagValue: false,
});

type Node = Record<string, unknown>;
const obj = (v: unknown): Node => (v !== null && typeof v === 'object' ? (v as Node) : {});
const list = (v: unknown): Node[] => (Array.isArray(v) ? v.map(obj) : v === undefined ? [] : [obj(v)]);
const str = (v: unknown): string | undefined => (typeof v === 'string' || typeof v === 'number' ? String(v) : undefined);

/**
 * Parses meta-data XML. Returns the model, or a message saying why the text is not well-formed
 * XML with a `<resource-agent name=...>` root.
 *
 * @example
 * const md = parseMetaData(stdout);
 * if ('error' in md) console.log(md.error); else console.log(md.actions.map((a) => a.name));
 */
export function parseMetaData(xml: string): MetaData | { error: string } {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) return { error: `not well-formed XML: ${valid.err.msg} (line ${valid.err.line})` };
  const root = obj(parser.parse(xml))['resource-agent'];
  if (root === undefined) return { error: 'the root element is not <resource-agent>' };
  const ra = obj(root);
  const name = str(ra['@_name']);
  if (!name) return { error: '<resource-agent> has no name attribute' };
  const params = list(obj(ra.parameters).parameter).map((p): MdParam => {
    const content = obj(p.content);
    return {
      name: str(p['@_name']) ?? '',
      required: str(p['@_required']) === '1',
      unique: str(p['@_unique']) === '1' || str(p['@_unique-group']) !== undefined,
      ...(str(content['@_type']) !== undefined ? { type: str(content['@_type']) } : {}),
      ...(str(content['@_default']) !== undefined ? { default: str(content['@_default']) } : {}),
      options: list(content.option)
        .map((o) => str(o['@_value']))
        .filter((v): v is string => v !== undefined),
    };
  });
  const actions = list(obj(ra.actions).action).map((a): MdAction => {
    const timeout = str(a['@_timeout']);
    const ms = timeout === undefined ? undefined : parseDuration(timeout);
    const out: MdAction = { name: str(a['@_name']) ?? '' };
    if (timeout !== undefined) out.timeout = timeout;
    if (ms !== undefined) out.timeoutMs = ms;
    for (const k of ['interval', 'role', 'depth'] as const) {
      const v = str(a[`@_${k}`]);
      if (v !== undefined) out[k] = v;
    }
    return out;
  });
  const ocfVersion = str(ra.version);
  return { name, ...(ocfVersion !== undefined ? { version: ocfVersion } : {}), params, actions };
}

/** True when the meta-data lists `action` (any depth/role/interval). */
export function advertises(md: MetaData | undefined, action: string): boolean {
  return md?.actions.some((a) => a.name === action) ?? false;
}

/**
 * The timeout the meta-data advertises for `action` in ms: the largest among its entries (a
 * promoted and an unpromoted monitor may differ), or `fallback` when none is given.
 *
 * @example
 * advertisedTimeout(md, 'start', 20_000) // 20000 for <action name="start" timeout="20s"/>
 */
export function advertisedTimeout(md: MetaData | undefined, action: string, fallback: number): number {
  const ms = (md?.actions ?? []).filter((a) => a.name === action && a.timeoutMs !== undefined).map((a) => a.timeoutMs as number);
  return ms.length > 0 ? Math.max(...ms) : fallback;
}
