import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The variable naming the cgroup directory an op's process enters before the agent runs. */
export const CGROUP_VAR = 'OCFKIT_CONFORMANCE_CGROUP';

/** A user an op runs as: numeric ids, as `id` reports them. */
interface RunAs {
  name: string;
  uid: number;
  gid: number;
}

const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p)) ?? 'setpriv';
const users = new Map<string, RunAs>();

/**
 * The ids of `user` (cached), or an error naming it.
 *
 * @example
 * runAsUser('nobody') // { name: 'nobody', uid: 65534, gid: 65534 }
 */
export function runAsUser(user: string): RunAs {
  const known = users.get(user);
  if (known) return known;
  const id = (flag: string) => {
    try {
      return Number(execFileSync('id', [flag, '--', user], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim());
    } catch {
      throw new Error(`unknown user ${JSON.stringify(user)} (id ${flag} failed)`);
    }
  };
  const ids = { name: user, uid: id('-u'), gid: id('-g') };
  users.set(user, ids);
  return ids;
}

/** `'...'` quoting for a POSIX shell word. */
function shellQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

/**
 * Entry scripts that put the op's process into the cgroup named by {@link CGROUP_VAR} and then
 * `exec` the agent (or the namespace wrapper) in place: same pid, same process group, the agent's
 * own path as `$0`, the variable removed. One script per target, in a directory of the run.
 *
 * @example
 * const entries = new CgroupEntries();
 * const file = entries.for('/usr/lib/ocf/resource.d/heartbeat/Dummy'); // run `file monitor` with OCFKIT_CONFORMANCE_CGROUP=/sys/fs/cgroup/.../op-3
 * entries.remove();
 */
export class CgroupEntries {
  private dir: string | undefined;
  private readonly files = new Map<string, string>();

  /**
   * The entry script for `target` (created on first use). With `as`, the script enters the cgroup
   * as root and then becomes that user (`setpriv`, no supplementary groups — what execd's switch
   * to an unprivileged user gives), so an op run as `nobody` is tracked and measured like any other.
   */
  for(target: string, as?: RunAs): string {
    const key = as ? `${as.uid}:${as.gid}:${target}` : target;
    const known = this.files.get(key);
    if (known) return known;
    if (this.dir === undefined) {
      this.dir = mkdtempSync(join(tmpdir(), 'ocfkit-conformance-cg-'));
      chmodSync(this.dir, 0o755);
    }
    const file = join(this.dir, `entry-${this.files.size}`);
    // If the cgroup cannot be entered the op still runs (the environment marker still tracks it).
    const script = [
      '#!/bin/sh',
      `if [ -n "\${${CGROUP_VAR}:-}" ]; then`,
      `  echo $$ 2>/dev/null >"\${${CGROUP_VAR}}/cgroup.procs" || echo "ocfkit conformance: could not enter cgroup \${${CGROUP_VAR}}" >&2`,
      'fi',
      `unset ${CGROUP_VAR}`,
      as
        ? `exec ${shellQuote(SETPRIV)} --reuid=${as.uid} --regid=${as.gid} --clear-groups -- ${shellQuote(target)} "$@"`
        : `exec ${shellQuote(target)} "$@"`,
      '',
    ].join('\n');
    writeFileSync(file, script, { mode: 0o755 });
    this.files.set(key, file);
    return file;
  }

  /** Deletes the scripts. */
  remove(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
    this.files.clear();
  }
}
