/**
 * Read → write of a cib.xml through the typed model, compared as XML: attribute order is free,
 * element order and everything else must be equal. The first difference is named by its path.
 */
import { exportCib } from '../../src/cib/export.js';
import { importCib } from '../../src/cib/import.js';
import { parseXml, type XmlElement } from '../../src/cib/xml-tree.js';

function label(e: XmlElement): string {
  return e.attrs.id === undefined ? e.name : `${e.name}[@id="${e.attrs.id}"]`;
}

/** The first difference between two trees (attribute order ignored), or undefined. */
export function firstDifference(a: XmlElement, b: XmlElement, path = ''): string | undefined {
  const here = `${path}/${label(a)}`;
  if (a.name !== b.name) return `${path}: <${a.name}> became <${b.name}>`;
  for (const k of new Set([...Object.keys(a.attrs), ...Object.keys(b.attrs)]))
    if (a.attrs[k] !== b.attrs[k]) return `${here} @${k}: ${JSON.stringify(a.attrs[k])} became ${JSON.stringify(b.attrs[k])}`;
  const n = Math.max(a.children.length, b.children.length);
  for (let i = 0; i < n; i++) {
    const x = a.children[i];
    const y = b.children[i];
    if (!x || !y) return `${here}: child ${i} ${x ? `<${label(x)}> dropped` : `<${label(y as XmlElement)}> added`}`;
    const d = firstDifference(x, y, here);
    if (d) return d;
  }
  return undefined;
}

/**
 * Imports and exports `xml`; returns the first difference (undefined when the CIB came back
 * unchanged), or throws what the import threw.
 */
export function roundTrip(xml: string): string | undefined {
  return firstDifference(parseXml(xml), parseXml(exportCib(importCib(xml))));
}
