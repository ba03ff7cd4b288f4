/** Shared by the `ocfkit cib gen` tests: run the command, add a status section, compare CIBs. */
import { fileURLToPath } from 'node:url';
import { exportCib } from '../../src/cib/export.js';
import { cibToSpec } from '../../src/cib/gen/cib-to-spec.js';
import { importCib } from '../../src/cib/import.js';
import { cibCommand } from '../../src/cli/cib.js';
import type { Cib } from '../../src/core/cib-model.js';

export const here = (name: string): string => fileURLToPath(new URL(name, import.meta.url));
/** Where `npm run build` puts the ocfkit agents (ocf:ocfkit:diskcheck…). */
export const OCFKIT_OCF_ROOT = fileURLToPath(new URL('../../../agents/dist/ocf', import.meta.url));

/** Runs `ocfkit cib gen ARGS` in-process; a thrown error is reported as the CLI would (exit 1). */
export async function gen(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await cibCommand.run(['gen', ...args], { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join(''), err: err.join('') };
}

/**
 * The CIB with every node online and the given transient attributes (what attrd would have
 * written): `{ srv01: { diskcheck_status: 'normal' } }`.
 */
export function withStatus(xml: string, attrs: Record<string, Record<string, string>>): Cib {
  const cib = importCib(xml);
  const status = cib.nodes.map((n) => ({
    id: n.id,
    uname: n.uname,
    attrs: { id: n.id, uname: n.uname, in_ccm: 'true', crmd: 'online', join: 'member', expected: 'member' },
    transient: [
      {
        id: `status-${n.id}`,
        pairs: Object.entries(attrs[n.uname] ?? {}).map(([name, value]) => ({ id: `status-${n.id}-${name}`, name, value })),
      },
    ],
    lrm: [],
  }));
  return { ...cib, status };
}

/**
 * A CIB's configuration with every id of attribute sets, operations, rules and expressions left
 * out (tools choose those differently), as plain data to compare.
 */
export function configOf(xml: string): unknown {
  const spec = cibToSpec(importCib(xml));
  const { origins: _o, ...rest } = spec;
  // The constraint ids are chosen by each tool too, and so is the order of resources and
  // constraints in their sections (crm shell writes primitives first).
  const constraints = rest.constraints
    .map(({ id: _id, ...c }) => ({ ...c, ...('rules' in c ? { rules: c.rules.map(({ id: _r, ...r }) => r) } : {}) }))
    // pcs writes the default actions (first-action=start, then-action = first-action) out.
    .map((c) => {
      if (c.kind !== 'order') return c;
      const { firstAction, thenAction, ...o } = c;
      return {
        ...o,
        ...(firstAction !== undefined && firstAction !== 'start' ? { firstAction } : {}),
        ...(thenAction !== undefined && thenAction !== (firstAction ?? 'start') ? { thenAction } : {}),
      };
    })
    .map((c) => JSON.stringify(c))
    .sort();
  // pcs writes parameters in alphabetical order; their order means nothing to Pacemaker.
  const resources = rest.resources
    .map((r) =>
      JSON.stringify(r, (k, v) =>
        k === 'pairs' && Array.isArray(v) ? [...v].sort((a, b) => String(a[0]).localeCompare(String(b[0]))) : v,
      ),
    )
    .sort();
  return JSON.parse(
    JSON.stringify({ ...rest, resources: resources.map((r) => JSON.parse(r)), constraints: constraints.map((c) => JSON.parse(c)) }),
  );
}

export const exportOf = (cib: Cib): string => exportCib(cib);
