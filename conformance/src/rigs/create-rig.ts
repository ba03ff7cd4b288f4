import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ComposeRig } from './compose-rig';
import { LocalRig } from './local-rig';
import type { Rig, RigKind } from './rig';

/** How to make a rig. */
interface CreateRigOptions {
  /** docker-compose.yml (default: the checkout's). */
  composeFile?: string;
  /** Name prefix of containers, networks, volumes, namespaces (default `ocfkit-rig-<kind>`). */
  project?: string;
  /** Extra agent providers: provider name → host directory, mounted at /usr/lib/ocf/resource.d/<name>. */
  providers?: Record<string, string>;
  /**
   * The first two octets of the rig's subnets (docker-compose.yml's OCFKIT_RIG_NET, default
   * 10.217: lan 10.217.1.0/24, hb 10.217.2.0/24): two rigs with different nets run at once.
   */
  net?: string;
}

/** Checks an OCFKIT_RIG_NET value: two octets, e.g. `10.230`. */
export function rigNet(net: string): string {
  const octet = '(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])';
  if (!new RegExp(`^${octet}\\.${octet}$`).test(net))
    throw new Error(`rig net ${JSON.stringify(net)} must be the first two octets of the rig's subnets, e.g. 10.230`);
  return net;
}

/** The checkout this module runs from (the folder holding docker-compose.yml). */
export function checkoutRoot(from: string = import.meta.dirname): string {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'docker-compose.yml')) && existsSync(join(dir, 'conformance'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no docker-compose.yml above ${from}: pass --compose FILE`);
  }
}

/**
 * Why the bundled engine cannot run the rig, or undefined when it can: the rig needs `ocfkit node
 * start` (the node daemon) joining the cluster of its `--config-dir` (ha.cf + authkeys) and running
 * agents (the crmd controller). Asks the checkout's own CLI, so an older checkout says what it lacks.
 */
export function nodeDaemonMissing(root: string): string | undefined {
  const r = spawnSync(process.execPath, [join(root, 'conformance', 'bin', 'ocfkit.js'), 'node', 'start', '--help'], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  const help = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0)
    return `this checkout has no 'ocfkit node start' (the node daemon): ${help.trim().split('\n')[0] ?? `exit ${r.status}`}`;
  return nodeDaemonHelpProblem(help);
}

/**
 * What `ocfkit node start --help` lacks for the docker rig, or undefined: joining the cluster of
 * `--config-dir` (ha.cf) and crmd as the default controller. The help is read with its line
 * wrapping undone (generated help wraps descriptions anywhere).
 */
export function nodeDaemonHelpProblem(help: string): string | undefined {
  const flat = help.replace(/\s+/g, ' ');
  if (!/--config-dir .*ha\.cf/.test(flat))
    return "this checkout's 'ocfkit node start --help' does not mention joining a cluster (--config-dir with ha.cf): every container would be a one-node cluster";
  if (!/--controller NAME crmd\b[^()]*\(default\)|--controller .*\(default: crmd\)/.test(flat))
    return "this checkout's 'ocfkit node start --help' does not name crmd as the default controller: the daemon would run no agents";
  return undefined;
}

/**
 * A rig by name: `pacemaker` (real Pacemaker + Corosync in the docker-compose.yml nodes), `docker`
 * (ocfkit's node daemon in the same nodes), `local` (the same node daemons on this host, each
 * node in its own network, PID and mount namespaces; root only). The agents under test come from the checkout's build (ocfkit), Debian's resource-agents
 * in the image (heartbeat), the scenario mutants (mutant) and `providers`.
 *
 * @example
 * const rig = createRig('pacemaker');
 */
export function createRig(kind: RigKind, o: CreateRigOptions = {}): Rig {
  const composeFile = o.composeFile ?? join(checkoutRoot(), 'docker-compose.yml');
  const root = dirname(resolve(composeFile));
  const built = join(root, 'agents', 'dist', 'ocf', 'resource.d', 'ocfkit');
  if (!existsSync(join(built, 'IPaddr'))) throw new Error(`no agents built under ${built}: run npm run build first`);
  const binds: Record<string, string> = { '/usr/lib/ocf/resource.d/mutant': join(root, 'conformance', 'rigs', 'mutants') };
  for (const [name, dir] of Object.entries(o.providers ?? {})) {
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.+-]*$/.test(name)) throw new Error(`provider name ${JSON.stringify(name)} is not a valid OCF provider`);
    if (!existsSync(dir)) throw new Error(`provider directory ${dir} does not exist`);
    binds[`/usr/lib/ocf/resource.d/${name}`] = resolve(dir);
  }
  const project = o.project ?? `ocfkit-rig-${kind}`;
  const net = o.net ?? process.env.OCFKIT_RIG_NET;
  const env = net ? { ...process.env, OCFKIT_RIG_NET: rigNet(net) } : process.env;
  switch (kind) {
    case 'pacemaker':
      return new ComposeRig({ kind, composeFile, project, binds, env });
    case 'docker': {
      const missing = nodeDaemonMissing(root);
      if (missing) throw new Error(`rig docker: ${missing}`);
      return new ComposeRig({ kind, composeFile, project, binds, env });
    }
    case 'local': {
      const providers: Record<string, string> = {
        ocfkit: built,
        ...Object.fromEntries(Object.entries(binds).map(([at, dir]) => [at.slice('/usr/lib/ocf/resource.d/'.length), dir])),
      };
      return new LocalRig({ project, root, providers, net: net ? rigNet(net) : '10.217', env });
    }
  }
}
