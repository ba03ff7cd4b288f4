import { normalizeOcfCode, OCF, parseExitReason } from '@ocfkit/sdk';
import type { RawOutcome } from './launch';
import type { ExecStatus } from './types';

/** The OCF-level reading of a finished process. */
export interface Verdict {
  rc: number;
  execStatus: ExecStatus;
  exitReason?: string;
}

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
  EINVAL: 'Invalid argument',
  ENOEXEC: 'Exec format error',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
};

/**
 * Maps an errno from stat/exec as execd's `services__handle_exec_error` does: missing or
 * unexecutable-format agents → 5 / not-installed; permission errors → 4 / error; others → 1 / error.
 *
 * @example
 * execErrorVerdict('ENOENT') // { rc: 5, execStatus: 'not-installed', exitReason: 'No such file or directory' }
 */
export function execErrorVerdict(code: string): Verdict {
  const exitReason = ERRNO_TEXT[code] ?? code;
  if (['ENOENT', 'EISDIR', 'ENOTDIR', 'EINVAL', 'ENOEXEC'].includes(code))
    return { rc: OCF.ERR_INSTALLED, execStatus: 'not-installed', exitReason };
  if (code === 'EACCES' || code === 'EPERM') return { rc: OCF.ERR_PERM, execStatus: 'error', exitReason };
  return { rc: OCF.ERR_GENERIC, execStatus: 'error', exitReason };
}

/** `setpriv` reports a failed exec on stderr and exits 126/127 instead of failing the spawn. */
function setprivExecError(o: RawOutcome): string | undefined {
  if (o.exitCode !== 126 && o.exitCode !== 127) return undefined;
  const m = /setpriv: failed to execute [^\n]*: ([^\n]+)/.exec(o.stderr);
  if (!m) return undefined;
  return Object.entries(ERRNO_TEXT).find(([, text]) => text === m[1])?.[0] ?? 'EACCES';
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))}s`;
}

/**
 * Reads a finished process the way execd does (contract §2.2-2.4, §5.3): exit codes outside
 * 0-9/190/191 become 1; the last `ocf-exit-reason:` line of stderr is the reason (128 chars);
 * a timeout is rc 1 / timeout; a cancel is rc 0 / cancelled; death by a signal is rc 1 / error.
 *
 * @example
 * verdict(outcome, 20_000) // { rc: 7, execStatus: 'done' }
 */
export function verdict(o: RawOutcome, timeoutMs: number, viaSetpriv = false): Verdict {
  if (o.spawnError !== undefined) return execErrorVerdict(o.spawnError);
  const reason = parseExitReason(o.stderrDroppedTail.includes('ocf-exit-reason:') ? o.stderrDroppedTail : o.stderr);
  const withReason = (v: Verdict): Verdict => (v.exitReason === undefined ? { rc: v.rc, execStatus: v.execStatus } : v);
  if (o.cancelled) return withReason({ rc: OCF.SUCCESS, execStatus: 'cancelled', exitReason: reason });
  if (o.timedOut)
    return {
      rc: OCF.ERR_GENERIC,
      execStatus: 'timeout',
      exitReason: reason ?? `Resource agent did not complete within ${formatSeconds(timeoutMs)}`,
    };
  const setprivErr = viaSetpriv ? setprivExecError(o) : undefined;
  if (setprivErr !== undefined) return execErrorVerdict(setprivErr);
  if (o.exitCode === null)
    return { rc: OCF.ERR_GENERIC, execStatus: 'error', exitReason: reason ?? `Resource agent interrupted by ${o.signal} signal` };
  return withReason({ rc: normalizeOcfCode(o.exitCode), execStatus: 'done', exitReason: reason });
}
