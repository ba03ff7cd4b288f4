/**
 * `ocfkit cib gen` without the command line: input bytes (a sheet, a YAML file or a cib.xml) in,
 * the chosen output and the messages out.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { exportCib } from '../export.js';
import { importCib } from '../import.js';
import { checkAgents } from './agent-check.js';
import { cibToSpec } from './cib-to-spec.js';
import { Diagnostics, formatDiagnostic, GenError } from './diagnostics.js';
import { readSheet } from './sheet.js';
import { type ClusterSpec, emptySpec } from './spec.js';
import { specToCib } from './spec-to-cib.js';
import { specToCrm } from './to-crm.js';
import { specToPcs } from './to-pcs.js';
import { specToYaml } from './to-yaml.js';
import { readYaml } from './yaml-input.js';

export type OutputFormat = 'xml' | 'crm' | 'pcs' | 'yaml';

interface GenerateOptions {
  format?: OutputFormat;
  /** pm_crmgen's -C / -O, inverted: add the colocation / order a ping/diskd column implies (default true). */
  colocation?: boolean;
  order?: boolean;
  /** Look agents up and check parameters (default true). */
  agentCheck?: boolean;
  /** Check the cib.xml with Pacemaker's crm_verify when it is installed (default true). */
  verify?: boolean;
  /** OCF roots searched before the default ones (./dist/ocf when present, then $OCF_ROOT or /usr/lib/ocf). */
  ocfRoots?: string[];
}

interface GenerateResult {
  /** Undefined when there were errors. */
  output?: string;
  messages: string[];
  errors: number;
  warnings: number;
  spec: ClusterSpec;
}

/**
 * Checks a generated cib.xml before it is written: the bundled engine must load it, and
 * Pacemaker's crm_verify (when installed) must find no error.
 */
function verifyCib(xml: string, file: string, diag: Diagnostics, crmVerify: boolean): void {
  try {
    importCib(xml);
  } catch (err) {
    diag.error(`the generated CIB does not load in the bundled engine: ${(err as Error).message}`, { file, line: 0 });
  }
  if (!crmVerify) return;
  const r = spawnSync('crm_verify', ['--xml-pipe'], { input: xml, encoding: 'utf8', timeout: 60_000 });
  if (r.error) return; // not installed: nothing to ask
  if (r.status !== 0)
    for (const line of `${r.stdout}${r.stderr}`.split('\n').filter((l) => /error/i.test(l) && !/Errors found during check/.test(l)))
      diag.error(`crm_verify rejects the generated cib.xml: ${line.trim()}`, { file, line: 0 });
}

/** What the input is, from its name (then its first bytes). */
function inputKind(file: string, bytes: Uint8Array): 'sheet' | 'yaml' | 'xml' {
  if (/\.csv$/i.test(file)) return 'sheet';
  if (/\.ya?ml$/i.test(file)) return 'yaml';
  if (/\.xml$/i.test(file)) return 'xml';
  const head = Buffer.from(bytes.subarray(0, 200)).toString('utf8').trimStart();
  return head.startsWith('<') ? 'xml' : /^[#,]|^[^:\n]*,/.test(head) ? 'sheet' : 'yaml';
}

/**
 * Generates the configuration.
 *
 * @example
 * const r = await generate(readFileSync('cluster.csv'), 'cluster.csv', { format: 'xml' });
 * if (r.output !== undefined) writeFileSync('cib.xml', r.output);
 */
export async function generate(bytes: Uint8Array, file: string, options: GenerateOptions = {}): Promise<GenerateResult> {
  const diag = new Diagnostics();
  let spec = emptySpec();
  try {
    const kind = inputKind(file, bytes);
    if (kind === 'sheet') spec = readSheet(bytes, file, diag, options);
    else if (kind === 'yaml') spec = readYaml(new TextDecoder('utf-8').decode(bytes), file, diag);
    else spec = cibToSpec(importCib(new TextDecoder('utf-8').decode(bytes)));
  } catch (err) {
    if (!(err instanceof GenError) && !(err instanceof Error && err.name === 'CibError')) throw err;
    diag.error(
      err instanceof GenError && err.where ? err.message : `${file}: ${err.message}`,
      err instanceof GenError ? err.where : undefined,
    );
  }
  if (diag.errors === 0 && spec.resources.length === 0 && spec.nodes.length === 0 && spec.properties.length === 0)
    diag.warn(`${file}: no configuration found (no table with data)`);
  // Agents found outside the system's OCF root: pcs cannot read their meta-data on this machine.
  const force = new Set<string>();
  if (diag.errors === 0 && options.agentCheck !== false) {
    const system = process.env.OCF_ROOT || '/usr/lib/ocf';
    const roots = [...(options.ocfRoots ?? []), ...(existsSync('dist/ocf') ? ['dist/ocf'] : []), system];
    for (const [agent, path] of await checkAgents(spec, roots, diag))
      if (!path.startsWith(`${system.replace(/\/$/, '')}/`)) force.add(agent);
  }
  // Nodes are numbered in the order written (corosync's nodeids when the cluster is set up that way).
  spec.nodes.forEach((n, i) => {
    n.id ??= String(i + 1);
  });
  let output: string | undefined;
  if (diag.errors === 0) {
    const format = options.format ?? 'xml';
    if (format === 'xml') {
      output = exportCib(specToCib(spec));
      verifyCib(output, file, diag, options.verify !== false);
    } else if (format === 'crm') output = specToCrm(spec);
    else if (format === 'pcs') output = specToPcs(spec, diag, { force });
    else output = specToYaml(spec, diag);
    if (diag.errors > 0) output = undefined;
  }
  return { output, messages: diag.list.map(formatDiagnostic), errors: diag.errors, warnings: diag.warnings, spec };
}
