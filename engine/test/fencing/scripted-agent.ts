import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface ScriptedAgent {
  /** Actions advertised in the meta-data. */
  actions?: readonly string[];
  /** Parameters advertised besides `action` (e.g. `plug`, `ip`). */
  params?: readonly string[];
  /**
   * Shell code run after stdin was read into variables (`$action`, `$plug`, `$nodename`, ...) and
   * appended to `$dir/stdin.log`; `$dir` is the agent's directory.
   */
  body: string;
}

/**
 * Writes a small RHCS-style fence agent (POSIX sh) for tests: meta-data on `-o metadata`,
 * `key=value` lines from stdin, each invocation's stdin appended to `<dir>/<name>.stdin`.
 */
export function writeScriptedAgent(dir: string, name: string, spec: ScriptedAgent): string {
  const actions = spec.actions ?? ['on', 'off', 'reboot', 'status', 'list', 'monitor', 'metadata'];
  const params = ['action', ...(spec.params ?? ['plug'])];
  const md = [
    `<?xml version="1.0" ?>`,
    `<resource-agent name="${name}" shortdesc="test agent">`,
    '<longdesc>test</longdesc>',
    '<parameters>',
    ...params.map(
      (p) =>
        `<parameter name="${p}" unique="0" required="${p === 'action' || p === 'plug' ? 1 : 0}"><content type="string"/><shortdesc lang="en">${p}</shortdesc></parameter>`,
    ),
    '</parameters>',
    '<actions>',
    ...actions.map((a) => `<action name="${a}"/>`),
    '</actions>',
    '</resource-agent>',
  ].join('\n');
  const path = join(dir, name);
  writeFileSync(
    path,
    `#!/bin/sh
dir=${JSON.stringify(dir)}
if [ "$1" = "-o" ] && [ "$2" = "metadata" ]; then
cat <<'XML'
${md}
XML
exit 0
fi
input=$(cat)
printf '%s\\n--\\n' "$input" >> "$dir/${name}.stdin"
action=; plug=; port=; nodename=
while IFS='=' read -r k v; do
  case "$k" in
    action) action=$v ;; plug) plug=$v ;; port) port=$v ;; nodename) nodename=$v ;;
  esac
done <<EOF_INPUT
$input
EOF_INPUT
${spec.body}
`,
  );
  chmodSync(path, 0o755);
  return path;
}
