import { spawn } from 'node:child_process';

/** How one I/O child ended. */
export type IoOutcome =
  | { kind: 'ok' }
  | { kind: 'error'; detail: string }
  /** No answer within the timeout: the child was sent SIGKILL but may sit in D state (pid kept). */
  | { kind: 'hung'; pid: number | undefined };

/**
 * Runs one I/O command (`dd`, `rm`) as a child and waits at most `timeoutMs`. A disk that never
 * answers leaves the child in uninterruptible sleep, where not even SIGKILL ends it: so on
 * timeout the child is sent SIGKILL, detached from this process (stdio closed, unref'd) and the
 * result is `hung` at once — the caller never waits for a process that may never exit.
 *
 * @example
 * await runIo('dd', ['if=/dev/sdb', 'of=/dev/null', 'bs=4096', 'count=1', 'iflag=direct'], 10_000)
 */
export function runIo(file: string, args: readonly string[], timeoutMs: number): Promise<IoOutcome> {
  return new Promise((resolve) => {
    const child = spawn(file, args, {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' },
    });
    let stderr = '';
    let settled = false;
    const settle = (o: IoOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(o);
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      child.stderr?.destroy();
      child.unref();
      settle({ kind: 'hung', pid: child.pid });
    }, timeoutMs);
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < 4096) stderr += d;
    });
    child.on('error', (err) => settle({ kind: 'error', detail: `cannot run ${file}: ${err.message}` }));
    child.on('close', (code, signal) => {
      if (code === 0) settle({ kind: 'ok' });
      else settle({ kind: 'error', detail: stderr.trim().split('\n').pop() || `${file} exited ${code ?? signal}` });
    });
  });
}

/**
 * The argv of a direct read of one 4 KiB block: `dd` opens the device with O_DIRECT and reads
 * into an aligned buffer. Node cannot do this itself: O_DIRECT needs a buffer aligned to the
 * device's logical block size and Node gives no control over buffer addresses; and a read stuck
 * in the kernel would block a libuv thread (and process exit) for good.
 *
 * @example
 * directReadArgs('/dev/sdb') // ['if=/dev/sdb', 'of=/dev/null', 'bs=4096', 'count=1', 'iflag=direct', 'status=none']
 */
export function directReadArgs(device: string): string[] {
  return [`if=${device}`, 'of=/dev/null', 'bs=4096', 'count=1', 'iflag=direct', 'status=none'];
}

/**
 * The argv of a synchronous 64-byte write (O_DSYNC: done only once on stable storage) to `file`.
 *
 * @example
 * syncWriteArgs('/data/.diskcheck-n1-42')
 */
export function syncWriteArgs(file: string): string[] {
  return ['if=/dev/zero', `of=${file}`, 'bs=64', 'count=1', 'oflag=dsync', 'conv=fsync', 'status=none'];
}
