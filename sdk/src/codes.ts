/**
 * OCF exit codes (OCF 1.1, `ocf-returncodes`, Pacemaker `results.h`).
 *
 * @example
 * if (rc === OCF.NOT_RUNNING) console.log('stopped');
 */
export const OCF = {
  SUCCESS: 0,
  ERR_GENERIC: 1,
  ERR_ARGS: 2,
  ERR_UNIMPLEMENTED: 3,
  ERR_PERM: 4,
  ERR_INSTALLED: 5,
  ERR_CONFIGURED: 6,
  NOT_RUNNING: 7,
  RUNNING_PROMOTED: 8,
  FAILED_PROMOTED: 9,
  DEGRADED: 190,
  DEGRADED_PROMOTED: 191,
} as const;

/** One of the OCF exit codes an agent may return. */
export type OcfCode = (typeof OCF)[keyof typeof OCF];

const NAMES: Record<number, string> = {
  0: 'OCF_SUCCESS',
  1: 'OCF_ERR_GENERIC',
  2: 'OCF_ERR_ARGS',
  3: 'OCF_ERR_UNIMPLEMENTED',
  4: 'OCF_ERR_PERM',
  5: 'OCF_ERR_INSTALLED',
  6: 'OCF_ERR_CONFIGURED',
  7: 'OCF_NOT_RUNNING',
  8: 'OCF_RUNNING_PROMOTED',
  9: 'OCF_FAILED_PROMOTED',
  190: 'OCF_DEGRADED',
  191: 'OCF_DEGRADED_PROMOTED',
};

/**
 * The shell name of an exit code, or `rc=<n>` for codes OCF does not define.
 *
 * @example
 * ocfCodeName(7) // 'OCF_NOT_RUNNING'
 */
export function ocfCodeName(rc: number): string {
  return NAMES[rc] ?? `rc=${rc}`;
}

/**
 * Maps an agent's raw exit status the way pacemaker-execd does (`services__ocf2ocf`):
 * 0-9, 190 and 191 pass through, anything else becomes 1.
 *
 * @example
 * normalizeOcfCode(42) // 1
 */
export function normalizeOcfCode(rc: number): number {
  return (rc >= 0 && rc <= 9) || rc === 190 || rc === 191 ? rc : OCF.ERR_GENERIC;
}

/** The prefix of the exit-reason line on stderr (Pacemaker's `OCF_EXIT_REASON_PREFIX`). */
export const EXIT_REASON_PREFIX = 'ocf-exit-reason:';

/** Pacemaker cuts exit reasons to this many characters. */
export const EXIT_REASON_MAX = 128;

/**
 * Extracts the exit reason from an agent's stderr as Pacemaker does: the last line carrying the
 * prefix wins, text up to the newline, cut to 128 characters; an empty text means no reason.
 *
 * @example
 * parseExitReason('x\nocf-exit-reason:disk gone\n') // 'disk gone'
 */
export function parseExitReason(stderr: string, prefix = EXIT_REASON_PREFIX): string | undefined {
  const at = stderr.lastIndexOf(prefix);
  if (at < 0) return undefined;
  const rest = stderr.slice(at + prefix.length);
  const nl = rest.indexOf('\n');
  const text = (nl < 0 ? rest : rest.slice(0, nl)).slice(0, EXIT_REASON_MAX);
  return text.length > 0 ? text : undefined;
}
