import { basename, dirname, resolve } from 'node:path';
import { isExecutableFile } from '@ocfkit/sdk';

/** An agent to check: where the file is and the provider/type it runs as. */
export interface AgentTarget {
  path: string;
  provider: string;
  type: string;
}

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.+-]*$/;

/**
 * Resolves `ocf:<provider>:<type>` (along `searchPath`) or a path to an executable file. The
 * provider of a bare path is its folder's name when that is a valid provider name, else `local`.
 *
 * @example
 * resolveTarget('ocf:heartbeat:Dummy') // { path: '/usr/lib/ocf/resource.d/heartbeat/Dummy', provider: 'heartbeat', type: 'Dummy' }
 */
export function resolveTarget(spec: string, searchPath: readonly string[] = ['/usr/lib/ocf/resource.d']): AgentTarget {
  const m = /^ocf:([^:]+):([^:]+)$/.exec(spec);
  if (m) {
    const [, provider = '', type = ''] = m;
    if (!NAME.test(provider) || !NAME.test(type)) throw new Error(`invalid agent name ${JSON.stringify(spec)}`);
    for (const dir of searchPath) {
      const path = `${dir}/${provider}/${type}`;
      if (isExecutableFile(path)) return { path, provider, type };
    }
    throw new Error(`agent ${spec} not found in ${searchPath.join(':')}`);
  }
  const path = resolve(spec);
  if (!isExecutableFile(path)) throw new Error(`${spec} is not an executable file`);
  const type = basename(path);
  if (!NAME.test(type)) throw new Error(`agent file name ${JSON.stringify(type)} is not a valid OCF type name`);
  const folder = basename(dirname(path));
  return { path, provider: NAME.test(folder) ? folder : 'local', type };
}
