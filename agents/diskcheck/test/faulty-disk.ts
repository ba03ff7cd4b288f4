/**
 * A disk that fails on demand, through real kernel paths: a FUSE file (fixtures/faultyfs.c,
 * compiled here with gcc) whose reads and writes return EIO or block while a control file says
 * so, with a loop device on top. An O_DIRECT read of the loop device goes block layer → loop →
 * FUSE → faultyfs, so diskcheck meets real I/O errors and real D-state hangs.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { requireTool } from '@ocfkit/sdk/testing';

type DiskMode = 'ok' | 'eio' | 'hang';

export interface FaultyDisk {
  /** The loop device (`/dev/loopN`). */
  device: string;
  mode(m: DiskMode): void;
  /** Unblocks, detaches the loop device, unmounts FUSE and ends the daemon; safe to call twice. */
  close(): Promise<void>;
}

/** Why these tests cannot run here (undefined when they can); throws under CI=true. */
export function faultyDiskMissing(): string | undefined {
  return requireTool(['gcc', 'pkg-config', 'losetup', 'fusermount3', 'dd', 'mkfs.ext4', 'mount', 'umount'], () => {
    if (process.getuid?.() !== 0) return 'loop devices and FUSE mounts need root';
    if (!existsSync('/dev/fuse')) return 'no /dev/fuse';
    if (!existsSync('/dev/loop-control')) return 'no /dev/loop-control';
    if (spawnSync('pkg-config', ['--exists', 'fuse3']).status !== 0) return 'libfuse3-dev (pkg-config fuse3) is not installed';
    return undefined;
  });
}

/** Compiles the FUSE fixture into `dir` and returns the binary's path. */
export function compileFaultyfs(dir: string): string {
  const src = resolve(import.meta.dirname, 'fixtures/faultyfs.c');
  const out = join(dir, 'faultyfs');
  const flags = execFileSync('pkg-config', ['fuse3', '--cflags', '--libs'], { encoding: 'utf8' }).trim().split(/\s+/);
  execFileSync('gcc', ['-O2', '-Wall', '-Wextra', '-Werror', src, ...flags, '-o', out], { stdio: 'pipe' });
  return out;
}

function mounted(dir: string): boolean {
  return readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .some((l) => l.split(' ')[1] === dir);
}

async function until(what: string, ok: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Creates a faulty disk of `sizeMiB` under `work` (which it owns until close()).
 *
 * @example
 * const disk = await faultyDisk(bin, work);
 * disk.mode('eio'); // reads of disk.device now fail with EIO
 */
export async function faultyDisk(bin: string, work: string, sizeMiB = 16): Promise<FaultyDisk> {
  mkdirSync(work, { recursive: true });
  const mnt = join(work, 'fuse');
  const backing = join(work, 'backing.img');
  const ctl = join(work, 'ctl');
  mkdirSync(mnt, { recursive: true });
  writeFileSync(backing, '');
  execFileSync('truncate', ['-s', `${sizeMiB}M`, backing]);
  writeFileSync(ctl, 'ok');
  const daemon: ChildProcess = spawn(bin, [mnt, '-f'], {
    env: { ...process.env, FAULTYFS_BACKING: backing, FAULTYFS_CTL: ctl },
    stdio: 'ignore',
  });
  let device = '';
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    writeFileSync(ctl, 'ok');
    if (device) {
      // A blocked read finishes once unblocked; the loop device can then go.
      for (let i = 0; i < 50 && spawnSync('losetup', ['-d', device]).status !== 0; i++) await new Promise((r) => setTimeout(r, 100));
    }
    if (mounted(mnt)) spawnSync('fusermount3', ['-u', mnt]);
    if (mounted(mnt)) spawnSync('fusermount3', ['-u', '-z', mnt]);
    daemon.kill('SIGTERM');
    await until('faultyfs to exit', () => daemon.exitCode !== null || daemon.signalCode !== null, 5000).catch(() => daemon.kill('SIGKILL'));
    rmSync(work, { recursive: true, force: true });
  };
  try {
    await until(`faultyfs mounted on ${mnt}`, () => mounted(mnt));
    device = execFileSync('losetup', ['-f', '--show', join(mnt, 'disk.img')], { encoding: 'utf8' }).trim();
  } catch (err) {
    await close();
    throw err;
  }
  return { device, mode: (m) => writeFileSync(ctl, m), close };
}
