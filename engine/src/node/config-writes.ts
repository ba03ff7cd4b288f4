/**
 * The administrative changes of the configuration as functions of a CIB tree, so that the same
 * change runs on a node's own store (one node) and on the replicated copy at the DC (a cluster:
 * `applyClusterWrite`, the membership's update function). Pure, except for `active`, which reads
 * where resources run.
 */

import { importCib } from '../cib/import.js';
import { compareVersions, formatVersion, nextConfigVersion, readVersion, writeVersion } from '../cib/store-version.js';
import { CibError, parseXml, serializeXml, type XmlElement } from '../cib/xml-tree.js';
import type { AdminRequest } from './admin-protocol.js';
import { applyPatch } from './cib-patch.js';
import { section } from './cib-tree.js';
import { banResource, clearResource, moveResource } from './resource-constraints.js';
import { restoreTargetRole, setStandby, setTargetRole } from './resource-state.js';

/** The admin requests that change the configuration (what a cluster member sends to its DC). */
export type ConfigWrite =
  | Extract<AdminRequest, { op: 'replace' | 'patch' | 'node' }>
  | (Extract<AdminRequest, { op: 'resource' }> & { action: 'move' | 'ban' | 'clear' | 'start' | 'stop' | 'set-target-role' });

const RESOURCE_WRITES = new Set(['move', 'ban', 'clear', 'start', 'stop', 'set-target-role']);

export function isConfigWrite(req: AdminRequest): req is ConfigWrite {
  return req.op === 'replace' || req.op === 'patch' || req.op === 'node' || (req.op === 'resource' && RESOURCE_WRITES.has(req.action));
}

const SECTIONS = ['configuration', 'crm_config', 'nodes', 'resources', 'constraints', 'rsc_defaults', 'op_defaults', 'status'];

export function checkScope(scope: string): void {
  if (!SECTIONS.includes(scope)) throw new CibError(`unknown scope "${scope}" (one of ${SECTIONS.join(', ')})`);
}

/** `ocfkit cib replace --scope S`: the section of `cib` replaced by `xml`. */
export function replaceScope(cib: XmlElement, scope: string, xml: string): void {
  checkScope(scope);
  if (scope === 'status')
    throw new CibError('the status section belongs to the controller; use `ocfkit resource cleanup` to reset history');
  const given = parseXml(xml);
  if (given.name !== scope) throw new CibError(`--scope ${scope} needs a <${scope}> element, got <${given.name}>`);
  if (scope === 'configuration') {
    const at = cib.children.findIndex((c) => c.name === 'configuration');
    cib.children[at < 0 ? 0 : at] = given;
    return;
  }
  const config = cib.children.find((c) => c.name === 'configuration');
  section(cib, scope);
  if (!config) throw new CibError('the CIB has no <configuration>');
  config.children = config.children.map((c) => (c.name === scope ? given : c));
}

/**
 * The change a resource or node request makes to a CIB tree, returning the messages for the user
 * (`replace` and `patch` are handled by the callers: their versions matter).
 */
export function configMutation(
  req: Exclude<ConfigWrite, { op: 'replace' | 'patch' }>,
  active: (rsc: string) => string[],
  nodeName: string,
): (cib: XmlElement) => string[] {
  if (req.op === 'node') return (cib) => [setStandby(cib, req.node ?? nodeName, req.action === 'standby')];
  switch (req.action) {
    case 'move':
      return (cib) => moveResource(cib, req.rsc, req.node, active, req.force === true);
    case 'ban':
      return (cib) => banResource(cib, req.rsc, req.node, active);
    case 'clear':
      return (cib) => clearResource(cib, req.rsc, req.node);
    case 'start':
    case 'stop':
      return (cib) => [setTargetRole(cib, req.rsc, req.action === 'start' ? 'Started' : 'Stopped')];
    case 'set-target-role':
      return (cib) => {
        restoreTargetRole(cib, req.rsc, req.role ?? undefined);
        return [];
      };
  }
}

/**
 * A configuration write as a member sends it to its DC: the request, where its resource runs as
 * the requesting node sees it (`move`/`ban` without a node need it), and the requesting node
 * (the node of `standby` without one).
 */
export interface ClusterWrite {
  req: ConfigWrite;
  active: Record<string, string[]>;
  origin: string;
}

/** The replicated part of a cluster's CIB: everything but `<status>`, versions included. */
export interface ClusterContent {
  xml: string;
}

/** A CIB tree without its status section, as replicated content. */
export function contentOf(cib: XmlElement): ClusterContent {
  return { xml: serializeXml({ ...cib, children: cib.children.filter((c) => c.name !== 'status') }) };
}

function configKey(cib: XmlElement): string {
  const skip = new Set(['admin_epoch', 'epoch', 'num_updates', 'cib-last-written', 'update-origin', 'update-client', 'update-user']);
  return serializeXml({
    ...cib,
    attrs: Object.fromEntries(Object.entries(cib.attrs).filter(([k]) => !skip.has(k))),
    children: cib.children.filter((c) => c.name !== 'status'),
  });
}

/**
 * Applies an admin write to the replicated configuration, as the DC does for an update from any
 * node: the same checks as on one node (versions of `replace`/`patch`, validation by the CIB
 * import), epoch + 1 when the configuration changed (a `replace` raising admin_epoch keeps its
 * versions). Returns the new content, or an error naming what is wrong.
 *
 * @example
 * applyClusterWrite(content, { op: 'resource', action: 'stop', rsc: 'db' }, () => [], 'n1')
 */
export function applyClusterWrite(
  content: ClusterContent,
  req: ConfigWrite,
  active: (rsc: string) => string[],
  nodeName: string,
  origin = 'ocfkit',
): { ok: true; content: ClusterContent; messages: string[] } | { ok: false; error: string } {
  try {
    let cib = parseXml(content.xml);
    const current = readVersion(cib.attrs);
    let messages: string[] = [];
    let next = nextConfigVersion(current);
    if (req.op === 'replace' && req.scope === undefined) {
      const given = parseXml(req.xml);
      if (given.name !== 'cib') throw new CibError(`root element is <${given.name}>, expected <cib>`);
      const v = readVersion(given.attrs);
      if (compareVersions(v, current, false) < 0)
        throw new CibError(
          `the new CIB (version ${formatVersion(v)}) is older than the current one (${formatVersion(current)}); start from \`ocfkit cib query\``,
        );
      if (v.adminEpoch > current.adminEpoch) next = { ...v, numUpdates: 0 };
      else next = { adminEpoch: current.adminEpoch, epoch: Math.max(current.epoch, v.epoch) + 1, numUpdates: 0 };
      const kept = Object.fromEntries(Object.entries(cib.attrs).filter(([k]) => k === 'have-quorum' || k === 'dc-uuid'));
      cib = { ...given, attrs: { ...given.attrs, ...kept }, children: given.children.filter((c) => c.name !== 'status') };
    } else if (req.op === 'replace') replaceScope(cib, req.scope as string, req.xml);
    else if (req.op === 'patch') {
      const source = applyPatch(cib, req.xml);
      if (source && (source.adminEpoch !== current.adminEpoch || source.epoch !== current.epoch))
        throw new CibError(
          `the patch applies to version ${source.adminEpoch}.${source.epoch}, the CIB is at ${formatVersion(current)}: make it again from \`ocfkit cib query\``,
        );
    } else messages = configMutation(req, active, nodeName)(cib);
    const before = parseXml(content.xml);
    if (configKey(cib) === configKey(before)) return { ok: true, content, messages };
    writeVersion(cib.attrs, next);
    cib.attrs['update-client'] = origin;
    const out = contentOf(cib);
    importCib(out.xml);
    return { ok: true, content: out, messages };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}
