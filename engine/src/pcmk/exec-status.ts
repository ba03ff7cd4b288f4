/** Pacemaker's execution statuses (`enum pcmk_exec_status`), as recorded in `op-status`. */
export const EXEC_STATUS = {
  pending: -1,
  done: 0,
  cancelled: 1,
  timeout: 2,
  notSupported: 3,
  error: 4,
  errorHard: 5,
  errorFatal: 6,
  notInstalled: 7,
  notConnected: 8,
  invalid: 9,
  noFenceDevice: 10,
  noSecrets: 11,
} as const;

/** What the executor reports besides the rc (`../lrmd` `ExecStatus`). */
export type ExecutorStatus = 'done' | 'timeout' | 'cancelled' | 'not-installed' | 'error';

/**
 * The `op-status` code for an executor result. An rc the controller did not expect keeps status
 * "done" (crm_mon shows `status='complete'`); the scheduler judges the rc.
 *
 * @example
 * opStatusOf('timeout') // 2
 */
export function opStatusOf(status: ExecutorStatus): number {
  switch (status) {
    case 'done':
      return EXEC_STATUS.done;
    case 'timeout':
      return EXEC_STATUS.timeout;
    case 'cancelled':
      return EXEC_STATUS.cancelled;
    case 'not-installed':
      return EXEC_STATUS.notInstalled;
    default:
      return EXEC_STATUS.error;
  }
}

const EXEC_STATUS_TEXT: Record<number, string> = {
  [-1]: 'pending',
  0: 'complete',
  1: 'Cancelled',
  2: 'Timed Out',
  3: 'NOT SUPPORTED',
  4: 'Error',
  5: 'Hard error',
  6: 'Fatal error',
  7: 'Not installed',
  8: 'Internal communication failure',
  9: 'Cannot execute now',
  10: 'No fence device',
  11: 'CIB secrets unavailable',
};

/** The name crm_mon prints for an `op-status` (`complete`, `Timed Out`, `Not installed`...). */
export function execStatusText(opStatus: number): string {
  return EXEC_STATUS_TEXT[opStatus] ?? 'unknown';
}

/** OCF exit codes (contract §2.1). */
export const OCF = {
  success: 0,
  errGeneric: 1,
  errArgs: 2,
  errUnimplemented: 3,
  errPerm: 4,
  errInstalled: 5,
  errConfigured: 6,
  notRunning: 7,
  runningPromoted: 8,
  failedPromoted: 9,
  degraded: 190,
  degradedPromoted: 191,
  /** The rc of a pending entry (`record-pending`). */
  pending: 193,
} as const;

/**
 * The rc the scheduler compares with the target (Pacemaker's `pcmk__effective_rc`): a degraded
 * monitor counts as running.
 *
 * @example
 * effectiveRc(190) // 0
 */
export function effectiveRc(rc: number): number {
  return rc === OCF.degraded ? OCF.success : rc === OCF.degradedPromoted ? OCF.runningPromoted : rc;
}
