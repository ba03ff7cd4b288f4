/** Writes the files a replicated start needs: tmpdir, recovery settings, rep_mode.conf, the wrapper, standby.signal. */
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fail } from '@ocfkit/sdk';
import type { Account } from './account';
import type { Ctx } from './owner';
import { recoveryConf, repModeConf, wrapperConf } from './rep-files';
import type { Rep } from './rep-node';
import { configFile } from './startup';

/** Writes `text` to `path` for the owner (mode `mode`), atomically. */
export function writeOwned(path: string, text: string, acct: Account, mode = 0o600): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode });
  chmodSync(tmp, mode);
  chownSync(tmp, acct.uid, acct.gid);
  renameSync(tmp, path);
}

/** Reads a small text file; undefined when absent. */
export function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Creates tmpdir for the owner, mode 0700 (heartbeat's mkdir -p, chown, chmod 700). */
function prepareTmpdir(ctx: Ctx, acct: Account): void {
  const dir = ctx.params.tmpdir;
  try {
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
    chownSync(dir, acct.uid, acct.gid);
    chmodSync(dir, 0o700);
  } catch (err) {
    fail.perm(`Can't create directory ${dir} or it is not readable by ${acct.name}: ${(err as Error).message}`);
  }
}

/**
 * Everything a start as a standby needs: recovery.conf (primary_conninfo to master_ip with this
 * node's name as application_name), rep_mode.conf naming no synchronous standby (sync mode), the
 * wrapper config, and `<pgdata>/standby.signal`.
 */
export function prepareStandby(ctx: Ctx, acct: Account, rep: Rep): void {
  const p = ctx.params;
  prepareTmpdir(ctx, acct);
  writeOwned(
    rep.paths.recovery,
    recoveryConf({
      masterIp: p.master_ip,
      pgport: p.pgport,
      repuser: p.repuser,
      node: rep.me,
      conninfoOpt: p.primary_conninfo_opt,
      restoreCommand: p.restore_command,
      archiveCleanupCommand: p.archive_cleanup_command,
      recoveryEndCommand: p.recovery_end_command,
      slotBase: p.replication_slot_name,
    }),
    acct,
  );
  if (rep.mode === 'sync') writeOwned(rep.paths.repMode, repModeConf(undefined), acct);
  writeOwned(rep.paths.wrapper, wrapperConf(configFile(p), p.tmpdir, rep.mode === 'sync'), acct);
  writeOwned(join(p.pgdata, 'standby.signal'), '', acct);
}
