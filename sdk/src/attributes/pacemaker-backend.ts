import type { Exec } from '../exec/types';
import { formatDuration } from '../params/duration';
import { checkAttribute, checkDampen } from './names';
import type { AttributeTable, NodeAttributes } from './types';

/**
 * Exit statuses for "no such attribute": attrd_updater -Q of Pacemaker 2.1.5 exits 78 with
 * "attribute does not exist" (measured on a live node); 105 is CRM_EX_NOSUCH, which
 * crm_attribute -G uses.
 */
const NOSUCH = [78, 105];

/**
 * Parses `attrd_updater -Q` output (`name="x" host="n1" value="v"`); an empty value counts as
 * unset, because `attrd_updater -D` only empties it.
 *
 * @example
 * parseAttrdQuery('name="pingd" host="n1" value="100"\n') // '100'
 */
export function parseAttrdQuery(text: string): string | undefined {
  const m = /\bvalue="([^"]*)"/.exec(text);
  return m?.[1] ? m[1] : undefined;
}

/**
 * Parses `attrd_updater -Q -A` output, a line per node (`name="x" host="n1" value="v"`), into
 * node → value; empty values count as unset, as in {@link parseAttrdQuery}.
 *
 * @example
 * parseAttrdQueryAll('name="s" host="n1" value="PRI"\nname="s" host="n2" value=""\n') // Map { 'n1' => 'PRI' }
 */
export function parseAttrdQueryAll(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const host = /\bhost="([^"]*)"/.exec(line)?.[1];
    const value = parseAttrdQuery(line);
    if (host && value !== undefined) out.set(host, value);
  }
  return out;
}

/**
 * Pacemaker's attrd as a {@link NodeAttributes} backend: `attrd_updater` for attributes (`-B`
 * with a dampening, else `-U`; `-Q`; `-D`) and `crm_attribute --promotion` for promotion scores.
 * Runs the tools through `exec` (an agent's `ctx.exec`: argv-safe, killed at the deadline).
 *
 * @example
 * const attrs = pacemakerAttributes(ctx.exec);
 * await attrs.set('diskcheck_status', 'normal', { dampenMs: 5000 }); // attrd_updater -n diskcheck_status -B normal -d 5s
 */
export function pacemakerAttributes(exec: Exec): NodeAttributes {
  const node = (n: string | undefined) => (n !== undefined ? ['-N', n] : []);
  const delay = (ms: number | undefined) => (ms !== undefined ? ['-d', formatDuration(ms)] : []);
  const promo = (resource: string) => `--promotion=${resource.replace(/:\d+$/, '')}`;
  return {
    backend: 'pacemaker',
    async set(name, value, o = {}) {
      checkAttribute({ name, node: o.node, value });
      checkDampen(o.dampenMs);
      const cmd = o.dampenMs !== undefined ? '-B' : '-U';
      await exec('attrd_updater', ['-n', name, cmd, value, ...delay(o.dampenMs), ...node(o.node)]);
    },
    async get(name, o = {}) {
      checkAttribute({ name, node: o.node });
      const r = await exec('attrd_updater', ['-n', name, '-Q', ...node(o.node)], { okCodes: [0, ...NOSUCH] });
      return r.exitCode === 0 ? parseAttrdQuery(r.stdout) : undefined;
    },
    async getAll(names) {
      // attrd_updater takes one name per call; -A answers for every node at once, but only
      // without the node execd names: with OCF_RESKEY_CRM_meta_on_node set (as in every agent
      // Pacemaker 2.1.5 runs) it answers for that node alone (measured on a live attrd)
      const table = new Map<string, Map<string, string>>();
      const env = { OCF_RESKEY_CRM_meta_on_node: undefined, OCF_RESKEY_CRM_meta_container_attribute_target: undefined };
      for (const name of new Set(names)) {
        checkAttribute({ name });
        const r = await exec('attrd_updater', ['-n', name, '-Q', '-A'], { okCodes: [0, ...NOSUCH], env });
        table.set(name, r.exitCode === 0 ? parseAttrdQueryAll(r.stdout) : new Map());
      }
      return table satisfies AttributeTable;
    },
    async delete(name, o = {}) {
      checkAttribute({ name, node: o.node });
      checkDampen(o.dampenMs);
      await exec('attrd_updater', ['-n', name, '-D', ...delay(o.dampenMs), ...node(o.node)]);
    },
    async setPromotionScore(resource, score, o = {}) {
      if (!Number.isInteger(score)) throw new TypeError(`promotion score ${score} must be an integer`);
      await exec('crm_attribute', [promo(resource), '-v', String(score), ...node(o.node)]);
    },
    async getPromotionScore(resource, o = {}) {
      const r = await exec('crm_attribute', [promo(resource), '-G', '-q', ...node(o.node)], { okCodes: [0, ...NOSUCH] });
      const v = r.stdout.trim();
      return r.exitCode !== 0 || v === '' ? undefined : Number.parseInt(v, 10);
    },
    async deletePromotionScore(resource, o = {}) {
      await exec('crm_attribute', [promo(resource), '-D', ...node(o.node)]);
    },
  };
}
