import { processesWithEnvEntry } from '../process/proc';

/**
 * Pids of live processes whose environment contains `entry` (e.g. `OCF_RESKEY_state=/tmp/x`):
 * how tests find processes an agent left behind, wherever they were re-parented.
 * Zombies (exited, not yet reaped) do not count. A process this test could have started (root:
 * any; otherwise: our own uid) whose environment cannot be read (root without CAP_SYS_PTRACE, on
 * kernels that guard `environ` with ptrace access) throws: "cannot tell" must not pass for "none left".
 *
 * @example
 * expect(processesWithEnv(`OCF_RESOURCE_INSTANCE=${id}`)).toEqual([]);
 */
export function processesWithEnv(entry: string): number[] {
  return processesWithEnvEntry((kv) => kv === entry, `carries ${entry}`);
}
