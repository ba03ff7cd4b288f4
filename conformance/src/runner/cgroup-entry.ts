import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The variable naming the cgroup directory an op's process enters before the agent runs. */
export const CGROUP_VAR = 'OCFKIT_CONFORMANCE_CGROUP';

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

  /** The entry script for `target` (created on first use). */
  for(target: string): string {
    const known = this.files.get(target);
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
      `exec ${shellQuote(target)} "$@"`,
      '',
    ].join('\n');
    writeFileSync(file, script, { mode: 0o755 });
    this.files.set(target, file);
    return file;
  }

  /** Deletes the scripts. */
  remove(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
    this.files.clear();
  }
}
