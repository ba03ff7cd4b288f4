import { spawnSync } from 'node:child_process';
import { isAbsolute } from 'node:path';

/** The interpreter line `ocfkit build` writes unless told otherwise: Node from the PATH. */
const ENV_NODE_SHEBANG = '#!/usr/bin/env node';

/** The oldest Node major a built agent runs on (the SDK's `engines` range, `>=20`). */
const MIN_NODE_MAJOR = 20;

/**
 * The shebang naming this Node by its absolute path, after running it to check that it works and
 * satisfies `engines` (>= 20). Pacemaker runs agents with the PATH execd has, which may lack the
 * directory of `node`; then `#!/usr/bin/env node` fails every action, probes included.
 *
 * @example
 * nodeShebang() // '#!/usr/bin/node'
 */
export function nodeShebang(node: string = process.execPath): string {
  if (!isAbsolute(node)) throw new Error(`the Node interpreter must be an absolute path, got ${JSON.stringify(node)}`);
  const r = spawnSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8', env: {}, timeout: 30_000 });
  const version = r.status === 0 ? r.stdout.trim() : undefined;
  if (version === undefined) throw new Error(`cannot run ${node} -p process.versions.node: ${r.error?.message ?? r.stderr.trim()}`);
  const major = Number.parseInt(version, 10);
  if (!(major >= MIN_NODE_MAJOR)) throw new Error(`${node} is Node ${version}; built agents need Node >= ${MIN_NODE_MAJOR}`);
  return `#!${node}`;
}

/** `text` with its `#!/usr/bin/env node` line replaced by `shebang`; other interpreter lines are kept. */
export function replaceEnvNode(text: string, shebang: string): string {
  return text.startsWith(`${ENV_NODE_SHEBANG}\n`) ? `${shebang}${text.slice(ENV_NODE_SHEBANG.length)}` : text;
}
