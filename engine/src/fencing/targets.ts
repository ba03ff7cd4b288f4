/**
 * Target names as fence agents and `pcmk_host_list` write them: entries separated by white space,
 * commas or semicolons, one or more per line. An entry is read up to the first character outside
 * `[A-Za-z0-9_.-]` (so `node1,alias` and `node1 on` both yield `node1`); bare `on`/`off` status
 * words and lines complaining about `invalid` parameters or unknown `variable`s are skipped, as
 * pacemaker-fenced does with `list` output.
 *
 * @example
 * parseTargets('node1,n1\nnode2 off\n') // ['node1', 'n1', 'node2']
 */
export function parseTargets(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\n|\\n/)) {
    if (line.includes('invalid') || line.includes('variable')) continue;
    for (const raw of line.split(/[\s,;]+/)) {
      const entry = /^[A-Za-z0-9_.-]+/.exec(raw)?.[0];
      if (!entry || /^(on|off)$/i.test(entry)) continue;
      out.push(entry);
    }
  }
  return out;
}

/**
 * Reads `pcmk_host_map` (`node1:port1;node2:port2`, also `=` and white space as Pacemaker accepts)
 * into a map from lower-cased node name to the port the agent knows it by.
 * A malformed mapping throws naming it.
 *
 * @example
 * parseHostMap('node1:vm-1; node2=vm-2').get('node2') // 'vm-2'
 */
export function parseHostMap(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const mapping of text.trim().split(/[;\s]+/)) {
    if (mapping === '') continue;
    const m = /^([^:=]+)[:=](.+)$/.exec(mapping);
    if (!m?.[1] || !m[2]) throw new Error(`pcmk_host_map: malformed mapping ${JSON.stringify(mapping)} (expected node:port)`);
    map.set(m[1].toLowerCase(), m[2]);
  }
  return map;
}

/** Whether `name` is in `list`, ignoring case (node names are case-insensitive in fencing). */
export function includesTarget(list: readonly string[], name: string): boolean {
  const n = name.toLowerCase();
  return list.some((x) => x.toLowerCase() === n);
}
