/**
 * The CIB on disk, the way Pacemaker keeps `/var/lib/pacemaker/cib`: `cib.xml` with its digest in
 * `cib.xml.sig`, and the previous versions as numbered backups `cib-N.raw` (+ `.sig`).
 *
 * A write never leaves a torn CIB: the new text and digest go to temporary files (0600, fsynced),
 * the current file is hard-linked as the next backup, then `cib.xml` and `cib.xml.sig` are renamed
 * into place and the directory is fsynced. A crash between the two renames leaves a new `cib.xml`
 * whose digest is in `cib.xml.sig.tmp`; loading rolls that forward. Anything else that fails its
 * digest is set aside and the newest backup that verifies is used instead.
 */
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

export const CIB_FILE = 'cib.xml';
const SIG = `${CIB_FILE}.sig`;
const TMP = `${CIB_FILE}.tmp`;
const SIG_TMP = `${SIG}.tmp`;
const BACKUP = /^cib-(\d+)\.raw$/;

/** Points inside a write where a test can simulate a crash (the hook throws). */
export type WriteStep = 'tmp-written' | 'sig-tmp-written' | 'backup-linked' | 'cib-renamed' | 'sig-renamed';

export interface CibFileOptions {
  /** Numbered backups kept (oldest removed first). Default 10. */
  backups?: number;
  /** Called after each step of a write; throwing stops the write there (crash tests). */
  step?: (step: WriteStep) => void;
}

/** What {@link readCibFile} found. */
interface LoadedCib {
  xml: string;
  /** `cib.xml`, `cib.xml (rolled forward)` or the backup used. */
  source: string;
  /** Problems met on the way (a digest mismatch, a file set aside), for the log. */
  warnings: string[];
}

/** sha256 of the exact bytes of a CIB file, hex (what `cib.xml.sig` holds). */
export function cibDigest(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Makes sure `dir` exists. A directory it creates gets `mode` (0700 by default); an existing one
 * is never changed, but one that others may write to is refused (anyone could swap the files).
 * Returns whether it created the directory.
 *
 * @example
 * ensureDir('/var/lib/ocfkit/cib') // true the first time
 */
export function ensureDir(dir: string, mode = 0o700): boolean {
  let created = false;
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true, mode });
    created = true;
  }
  const st = statSync(dir);
  if (!st.isDirectory()) throw new Error(`${dir} is not a directory`);
  if (!created && (st.mode & 0o002) !== 0)
    throw new Error(`${dir} is writable by everyone (mode ${(st.mode & 0o7777).toString(8)}); use a private directory`);
  return created;
}

function writeFileSynced(path: string, text: string): void {
  const fd = openSync(path, 'w', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Backup numbers present in `dir`, ascending. */
function backupNumbers(dir: string): number[] {
  return readdirSync(dir)
    .map((f) => BACKUP.exec(f)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

/**
 * Writes `xml` as the new `cib.xml` of `dir`, atomically, with its digest, keeping the previous
 * one as the next numbered backup.
 *
 * @example
 * writeCibFile('/var/lib/ocfkit/cib', exportCib(cib));
 */
export function writeCibFile(dir: string, xml: string, options: CibFileOptions = {}): void {
  const step = options.step ?? (() => {});
  const keep = options.backups ?? 10;
  const path = (f: string) => join(dir, f);
  rmSync(path(SIG_TMP), { force: true });
  writeFileSynced(path(TMP), xml);
  step('tmp-written');
  writeFileSynced(path(SIG_TMP), `${cibDigest(xml)}\n`);
  step('sig-tmp-written');
  if (existsSync(path(CIB_FILE)) && keep > 0) {
    const n = (backupNumbers(dir).at(-1) ?? 0) + 1;
    const raw = path(`cib-${n}.raw`);
    linkSync(path(CIB_FILE), raw);
    if (existsSync(path(SIG))) linkSync(path(SIG), `${raw}.sig`);
    step('backup-linked');
  }
  renameSync(path(TMP), path(CIB_FILE));
  step('cib-renamed');
  renameSync(path(SIG_TMP), path(SIG));
  syncDir(dir);
  step('sig-renamed');
  const numbers = backupNumbers(dir);
  for (const n of numbers.slice(0, Math.max(0, numbers.length - keep))) {
    rmSync(path(`cib-${n}.raw`), { force: true });
    rmSync(path(`cib-${n}.raw.sig`), { force: true });
  }
}

function verified(text: string | undefined, sig: string | undefined): boolean {
  return text !== undefined && sig !== undefined && sig.trim() === cibDigest(text);
}

/**
 * Reads the CIB of `dir`, checking its digest: `undefined` when there is none yet. A write that
 * was interrupted after `cib.xml` was renamed is completed; a `cib.xml` that fails its digest is
 * renamed `cib.xml.corrupt-<time>` and the newest backup that verifies takes its place. Throws
 * when a CIB exists but neither it nor any backup verifies. A missing `cib.xml` with backups is
 * restored from the newest backup (it is not a first start).
 *
 * @example
 * const loaded = readCibFile('/var/lib/ocfkit/cib');
 * if (loaded) console.log(`CIB from ${loaded.source}`);
 */
export function readCibFile(dir: string, now: () => number = Date.now): LoadedCib | undefined {
  const path = (f: string) => join(dir, f);
  const warnings: string[] = [];
  const text = readIfExists(path(CIB_FILE));
  const finish = (result: LoadedCib): LoadedCib => {
    rmSync(path(TMP), { force: true });
    rmSync(path(SIG_TMP), { force: true });
    return result;
  };
  if (text !== undefined) {
    if (verified(text, readIfExists(path(SIG)))) return finish({ xml: text, source: CIB_FILE, warnings });
    if (verified(text, readIfExists(path(SIG_TMP)))) {
      renameSync(path(SIG_TMP), path(SIG));
      syncDir(dir);
      return finish({ xml: text, source: `${CIB_FILE} (interrupted write completed)`, warnings });
    }
    const aside = path(`${CIB_FILE}.corrupt-${now()}`);
    renameSync(path(CIB_FILE), aside);
    warnings.push(`${path(CIB_FILE)} does not match its digest in ${SIG}; moved it to ${aside}`);
  }
  for (const n of backupNumbers(dir).reverse()) {
    const raw = path(`cib-${n}.raw`);
    const backup = readIfExists(raw);
    if (!verified(backup, readIfExists(`${raw}.sig`))) {
      warnings.push(`backup ${raw} does not match its digest; skipped`);
      continue;
    }
    if (text === undefined) warnings.push(`${path(CIB_FILE)} is missing`);
    writeCibFile(dir, backup as string, { backups: Number.MAX_SAFE_INTEGER });
    warnings.push(`restored the configuration from backup ${raw}`);
    return finish({ xml: backup as string, source: raw, warnings });
  }
  if (text !== undefined) throw new Error(`${path(CIB_FILE)} fails its digest and no backup in ${dir} verifies: refusing to start`);
  finish({ xml: '', source: '', warnings });
  return undefined;
}
