import { expect, test } from 'vitest';
import type { RawOutcome } from './launch';
import { execErrorVerdict, verdict } from './outcome';

const base: RawOutcome = {
  exitCode: 0,
  signal: null,
  timedOut: false,
  cancelled: false,
  stdout: '',
  stderr: '',
  stderrDroppedTail: '',
  truncated: false,
  startedAt: 0,
  finishedAt: 1,
};

test('exec errors map as services__handle_exec_error', () => {
  expect(['ENOENT', 'EISDIR', 'ENOTDIR', 'EINVAL', 'ENOEXEC', 'EACCES', 'EPERM', 'EMFILE'].map((c) => execErrorVerdict(c).rc)).toEqual([
    5, 5, 5, 5, 5, 4, 4, 1,
  ]);
  expect(execErrorVerdict('EMFILE')).toEqual({ rc: 1, execStatus: 'error', exitReason: 'EMFILE' });
});

test('exit codes, reasons, signals, timeouts and cancels', () => {
  expect(verdict({ ...base, exitCode: 42, stderr: 'ocf-exit-reason:a\nocf-exit-reason:b\n' }, 1000)).toEqual({
    rc: 1,
    execStatus: 'done',
    exitReason: 'b',
  });
  expect(verdict({ ...base, exitCode: 191 }, 1000)).toEqual({ rc: 191, execStatus: 'done' });
  expect(verdict({ ...base, exitCode: null, signal: 'SIGKILL', timedOut: true }, 1500)).toEqual({
    rc: 1,
    execStatus: 'timeout',
    exitReason: 'Resource agent did not complete within 1.5s',
  });
  expect(verdict({ ...base, exitCode: null, signal: 'SIGKILL', cancelled: true }, 1000)).toEqual({ rc: 0, execStatus: 'cancelled' });
  expect(verdict({ ...base, exitCode: null, signal: 'SIGSEGV' }, 1000)).toEqual({
    rc: 1,
    execStatus: 'error',
    exitReason: 'Resource agent interrupted by SIGSEGV signal',
  });
  expect(verdict({ ...base, spawnError: 'EACCES', exitCode: null }, 1000)).toMatchObject({ rc: 4, execStatus: 'error' });
  expect(verdict({ ...base, exitCode: 127, stderr: 'setpriv: failed to execute /x: Permission denied\n' }, 1000, true)).toMatchObject({
    rc: 4,
  });
  expect(verdict({ ...base, exitCode: 1, stderr: 'head', stderrDroppedTail: 'x\nocf-exit-reason:tail\n' }, 1000).exitReason).toBe('tail');
});
