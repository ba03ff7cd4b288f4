/**
 * An agent's meta-data read the way Pacemaker's controller reads it for digests
 * (`controld_metadata.c`, 2.1.5): the OCF version (`<version>`), the reload actions, and each
 * parameter's `reloadable`, `unique` and `private` flags.
 */
import { parseXml } from '../cib/xml-tree.js';
import type { AgentDigestInfo } from '../pcmk/agent-digests.js';

const TRUE = /^(true|on|yes|y|1)$/i;

function versionAtLeast(v: string, want: readonly number[]): boolean {
  const parts = v.split('.').map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < want.length; i++) {
    const a = parts[i] ?? 0;
    const b = want[i] ?? 0;
    if (a !== b) return a > b;
  }
  return true;
}

/**
 * Reads meta-data XML into {@link AgentDigestInfo}; undefined when it is not XML Pacemaker could
 * use (then, as in Pacemaker, no restart or secure digest is written).
 *
 * @example
 * agentDigestInfo(metaDataXml) // { reload: 'agent', params: [{ name: 'state', reloadable: false, ... }] }
 */
export function agentDigestInfo(xml: string): AgentDigestInfo | undefined {
  let root: ReturnType<typeof parseXml>;
  try {
    root = parseXml(xml);
  } catch {
    return undefined;
  }
  // The element tree keeps no text: the version is read from the document itself.
  const version = /<version>\s*([^<\s]*)\s*<\/version>/.exec(xml)?.[1];
  const ocf11 = version !== undefined && versionAtLeast(version, [1, 1]);
  const actions = (root.children.find((c) => c.name === 'actions')?.children ?? []).map((a) => a.attrs.name ?? '');
  const reload =
    ocf11 && actions.includes('reload-agent') ? 'agent' : !ocf11 && actions.some((a) => a.toLowerCase() === 'reload') ? 'legacy' : 'none';
  const params = (root.children.find((c) => c.name === 'parameters')?.children ?? [])
    .filter((p) => p.name === 'parameter' && p.attrs.name !== undefined)
    .map((p) => ({
      name: p.attrs.name as string,
      reloadable: TRUE.test(p.attrs.reloadable ?? ''),
      unique: TRUE.test(p.attrs.unique ?? ''),
      private: TRUE.test(p.attrs.private ?? ''),
    }));
  return { reload, params };
}
