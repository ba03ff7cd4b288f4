/** crm_mon's text and XML for a bundle (see status-bundles.ts). */

import type { PrimitiveStatus } from './status.js';
import type { BundleStatus } from './status-bundles.js';

/**
 * "Container bundle set: web [image]:" and a line per replica, the replica's guest node (and IP)
 * named, the state as `state` formats a primitive's.
 */
export function bundleLines(b: BundleStatus, state: (p: PrimitiveStatus) => string): string[] {
  const flags = `${b.unique ? ' (unique)' : ''}${b.managed ? '' : ' (unmanaged)'}`;
  return [
    `  * Container bundle${b.replicas.length > 1 ? ' set' : ''}: ${b.id} [${b.image}]${flags}:`,
    ...b.replicas.map((r) => `    * ${r.name}${r.ip !== undefined ? ` (${r.ip})` : ''}\t(${r.shown.agent}):\t ${state(r.shown)}`),
  ];
}

/** How many resource instances a bundle counts for ("N resource instances configured"). */
export function bundleInstances(b: BundleStatus): number {
  return b.replicas.reduce((a, r) => a + r.parts.length, 0);
}

/** `<bundle>` with a `<replica>` per replica holding its resources, as crm_mon --output-as xml. */
export function bundleXml(
  b: BundleStatus,
  attrs: (a: Record<string, string | number | boolean | undefined>) => string,
  primitive: (p: PrimitiveStatus, indent: string) => string[],
): string[] {
  const parts = b.replicas.flatMap((r) => r.parts);
  return [
    `    <bundle${attrs({ id: b.id, type: b.type, image: b.image, unique: b.unique, managed: b.managed, failed: parts.some((p) => p.failed) })}>`,
    ...b.replicas.flatMap((r, i) => [
      `      <replica${attrs({ id: i })}>`,
      ...r.parts.flatMap((p) => primitive(p, '        ')),
      '      </replica>',
    ]),
    '    </bundle>',
  ];
}
