/** Pacemaker's operation keys: `<rsc>_<task>_<interval ms>`. */

/**
 * Formats an operation key.
 *
 * @example
 * opKey('web', 'monitor', 10000) // 'web_monitor_10000'
 */
export function opKey(rsc: string, task: string, intervalMs: number): string {
  return `${rsc}_${task}_${intervalMs}`;
}

/** The parts of an operation key. */
export interface ParsedOpKey {
  rsc: string;
  task: string;
  intervalMs: number;
}

/** Tasks whose names contain an underscore, so the key's last two `_` are not enough to split it. */
const MULTIWORD = ['migrate_to', 'migrate_from', 'confirmed-post_notify', 'confirmed-pre_notify', 'post_notify', 'pre_notify'];

/**
 * Splits an operation key (Pacemaker's `parse_op_key`): the interval after the last `_`, the task
 * before it (`migrate_to`, `post_notify`… kept whole), the resource before that. `undefined` when
 * the text is not a key.
 *
 * @example
 * parseOpKey('db:1_migrate_to_0') // { rsc: 'db:1', task: 'migrate_to', intervalMs: 0 }
 */
export function parseOpKey(key: string): ParsedOpKey | undefined {
  const m = /^(.+)_(\d+)$/.exec(key);
  if (!m?.[1] || m[2] === undefined) return undefined;
  const head = m[1];
  const intervalMs = Number.parseInt(m[2], 10);
  for (const task of MULTIWORD) {
    if (head.endsWith(`_${task}`) && head.length > task.length + 1) return { rsc: head.slice(0, -task.length - 1), task, intervalMs };
  }
  const cut = head.lastIndexOf('_');
  if (cut <= 0 || cut === head.length - 1) return undefined;
  return { rsc: head.slice(0, cut), task: head.slice(cut + 1), intervalMs };
}
