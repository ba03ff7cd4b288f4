import { escapeXml } from '@ocfkit/sdk/xml';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** One XML element: its name, attributes in document order, and child elements (text is dropped). */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
}

/** A CIB that cannot be read or does not make sense; the message names the element and its id. */
export class CibError extends Error {
  override name = 'CibError';
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  preserveOrder: true,
  parseAttributeValue: false,
  parseTagValue: false,
  // Attribute values are kept as written, as libxml2 (Pacemaker) keeps them: an operation digest
  // covers a parameter's leading and trailing spaces too. Text nodes are ignored anyway.
  trimValues: false,
  // Decodes character references (&#10;, &#x41;) as well as the five predefined entities.
  htmlEntities: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  commentPropName: '#comment',
});

// fast-xml-parser's validator builds each attribute value one character at a time: a 20 MB value
// took 7 s and 730 MiB. A long value holding no markup (`<`) and no reference (`&`) has nothing in
// it to check, so the validator sees a one-character stand-in with the same line breaks (the line
// numbers of errors stay right). The parser still reads the document as it is.
const LONG_VALUE = 4096;
// (`{4096,}` in the pattern overflows V8's regexp stack on a 20 MB value; `+` does not.)
const PLAIN_VALUE = /=(["'])([^"'<&]+)\1/g;

/** Whether some stretch between two quote characters is long (a linear scan: the replace is not cheap). */
function hasLongQuoted(text: string): boolean {
  let last = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 || c === 39) {
      if (i - last > LONG_VALUE) return true;
      last = i;
    }
  }
  return false;
}

function forValidation(text: string): string {
  if (!hasLongQuoted(text)) return text;
  return text.replace(PLAIN_VALUE, (whole, quote: string, value: string) => {
    if (value.length < LONG_VALUE) return whole;
    let breaks = 0;
    for (let i = value.indexOf('\n'); i !== -1; i = value.indexOf('\n', i + 1)) breaks++;
    return `=${quote}${'\n'.repeat(breaks)}x${quote}`;
  });
}

type Ordered = Record<string, unknown> & { ':@'?: Record<string, string> };

function convert(item: Ordered): XmlElement | undefined {
  const name = Object.keys(item).find((k) => k !== ':@');
  if (name === undefined || name === '#text' || name === '#comment') return undefined;
  const kids = (item[name] as Ordered[] | undefined) ?? [];
  return { name, attrs: { ...(item[':@'] ?? {}) }, children: kids.map(convert).filter((c): c is XmlElement => c !== undefined) };
}

/**
 * Parses an XML document into an element tree (elements and attributes only).
 * Malformed XML throws a {@link CibError} with the line and column.
 *
 * @example
 * parseXml('<cib><configuration/></cib>').children[0]?.name // 'configuration'
 */
export function parseXml(text: string): XmlElement {
  const valid = XMLValidator.validate(forValidation(text));
  if (valid !== true) throw new CibError(`malformed XML at line ${valid.err.line}, column ${valid.err.col}: ${valid.err.msg}`);
  const roots = (parser.parse(text) as Ordered[]).map(convert).filter((c): c is XmlElement => c !== undefined);
  if (roots.length !== 1 || roots[0] === undefined) throw new CibError(`expected exactly one root element, found ${roots.length}`);
  return roots[0];
}

/**
 * Serializes an element tree with two-space indentation, one element per line, attributes in
 * insertion order (so output is stable: serialize(parse(serialize(t))) === serialize(t)).
 *
 * @example
 * serializeXml({ name: 'node', attrs: { id: '1', uname: 'a' }, children: [] }) // '<node id="1" uname="a"/>\n'
 */
export function serializeXml(el: XmlElement, indent = ''): string {
  const attrs = Object.entries(el.attrs)
    .map(([k, v]) => ` ${k}="${escapeXml(v, { attribute: true })}"`)
    .join('');
  if (el.children.length === 0) return `${indent}<${el.name}${attrs}/>\n`;
  const inner = el.children.map((c) => serializeXml(c, `${indent}  `)).join('');
  return `${indent}<${el.name}${attrs}>\n${inner}${indent}</${el.name}>\n`;
}

/** Builds an element, dropping attributes whose value is undefined. */
export function el(name: string, attrs: Record<string, string | number | boolean | undefined>, children: XmlElement[] = []): XmlElement {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) out[k] = String(v);
  return { name, attrs: out, children };
}
