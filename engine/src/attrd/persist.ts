import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { AttributeRecord } from '@ocfkit/sdk';

interface Saved {
  version: 1;
  attributes: AttributeRecord[];
}

/**
 * Creates `dir` (and missing parents) owner-only (0700). A directory that already exists is never
 * changed (it may be /tmp, shared by everyone); one that others may write to without the sticky
 * bit is refused, since anyone could replace the files placed in it.
 *
 * @example
 * privateDir('/run/ocfkit');
 */
export function privateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = statSync(dir);
  if (!st.isDirectory()) throw new Error(`${dir} is not a directory`);
  if ((st.mode & 0o022) !== 0 && (st.mode & 0o1000) === 0) {
    throw new Error(
      `${dir} is writable by others (mode ${(st.mode & 0o7777).toString(8)}) without the sticky bit; use a private directory`,
    );
  }
}

/**
 * Writes the attributes atomically (temporary file 0600, fsync, rename) so a crash leaves either
 * the old or the new file, never a torn one.
 *
 * @example
 * saveAttributes('/run/ocfkit/attrd.json', store.list());
 */
export function saveAttributes(file: string, attributes: readonly AttributeRecord[]): void {
  privateDir(dirname(file));
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, `${JSON.stringify({ version: 1, attributes: [...attributes] } satisfies Saved)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

function isRecord(x: unknown): x is AttributeRecord {
  const r = x as Record<string, unknown>;
  const strOrNull = (v: unknown) => v === null || typeof v === 'string';
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.node === 'string' &&
    typeof r.name === 'string' &&
    strOrNull(r.value) &&
    strOrNull(r.committed) &&
    typeof r.dampenMs === 'number' &&
    (r.commitAt === null || typeof r.commitAt === 'number')
  );
}

/**
 * Reads saved attributes; a missing file is an empty list. Throws naming the file when it is
 * unreadable, malformed, or readable by others (it may hold values other nodes rely on).
 *
 * @example
 * const store = AttributeStore.from(loadAttributes('/run/ocfkit/attrd.json'));
 */
export function loadAttributes(file: string): AttributeRecord[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new Error(`cannot read attribute state ${file}: ${(err as Error).message}`);
  }
  const mode = statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0) throw new Error(`attribute state ${file} has mode ${mode.toString(8)}; it must be 600`);
  let saved: Saved;
  try {
    saved = JSON.parse(text) as Saved;
  } catch {
    throw new Error(`attribute state ${file} is not JSON`);
  }
  if (saved?.version !== 1 || !Array.isArray(saved.attributes) || !saved.attributes.every(isRecord)) {
    throw new Error(`attribute state ${file} is not an ocfkit attrd file (version 1)`);
  }
  return saved.attributes;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the `FILE.tmp-<pid>` files that writers killed mid-save left behind (those of a live
 * process are kept); returns their names.
 *
 * @example
 * removeStaleTemps('/run/ocfkit/attrd.json') // ['attrd.json.tmp-4242']
 */
export function removeStaleTemps(file: string): string[] {
  const prefix = `${basename(file)}.tmp-`;
  let names: string[];
  try {
    names = readdirSync(dirname(file));
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length));
    if (!Number.isInteger(pid) || pid <= 0 || (pid !== process.pid && alive(pid))) continue;
    rmSync(join(dirname(file), name), { force: true });
    removed.push(name);
  }
  return removed;
}
