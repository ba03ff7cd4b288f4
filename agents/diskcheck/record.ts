/**
 * One check and its consequences, shared by the oneshot monitor and the long-lived checker:
 * check the disk, log a change of status (as diskd does), write the node attribute, and record
 * the result in `<pidfile>.status` (the value, then why the attribute could not be written).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { type AttributeHost, type Logger, nodeAttributes } from '@ocfkit/sdk';
import { checkDisk } from './check';

/** What the checks look at and where their results go; plain data, passed to the checker as JSON. */
export interface CheckSettings {
  device?: string | undefined;
  writeDir?: string | undefined;
  /** The node attribute. */
  name: string;
  timeoutMs: number;
  retries: number;
  dampenMs: number;
  pidfile: string;
}

/** Pause between attempts after an I/O error. */
export const RETRY_DELAY_MS = 1000;

/** The last check's result: the disk's value and, when it failed, why the attribute was not written. */
export function readStatus(pidfile: string): { value: string; attrError: string | undefined } | undefined {
  const file = `${pidfile}.status`;
  if (!existsSync(file)) return undefined;
  const [value = '', attrError = ''] = readFileSync(file, 'utf8').split('\n');
  return value ? { value, attrError: attrError || undefined } : undefined;
}

/**
 * One check, then the attribute, within `budgetMs`. Throws when the attribute could not be written
 * (after recording that in the status file).
 *
 * @example
 * await checkAndRecord({ env, exec, log }, settings, 20_000);
 */
export async function checkAndRecord(host: AttributeHost & { log: Logger }, s: CheckSettings, budgetMs: number): Promise<void> {
  const r = await checkDisk({
    device: s.device,
    writeDir: s.writeDir,
    timeoutMs: s.timeoutMs,
    retries: s.retries,
    retryDelayMs: RETRY_DELAY_MS,
    budgetMs,
    stuckFile: `${s.pidfile}.blocked`,
    node: hostname(),
  });
  const value = r.healthy ? 'normal' : 'ERROR';
  const previous = readStatus(s.pidfile)?.value;
  if (previous !== value) {
    const text = `disk status is changed, attr_name=${s.name}, target=${s.device ?? s.writeDir}, new_status=${value}`;
    if (r.healthy) host.log.info(text);
    else host.log.error(`${text} (${r.detail})`);
  } else host.log.debug(r.detail);
  let attrError: string | undefined;
  try {
    await nodeAttributes(host).set(s.name, value, { dampenMs: s.dampenMs });
  } catch (err) {
    attrError = (err as Error).message.replace(/\s+/g, ' ');
  }
  const last = `${s.pidfile}.status`;
  mkdirSync(dirname(last), { recursive: true, mode: 0o755 });
  // Written whole, then renamed over the last one: start polls this file, and a read between
  // writeFileSync's truncate and its write saw an empty result (taken for a check without an
  // attrd error: the start's warning went missing).
  const next = `${last}.${process.pid}.tmp`;
  writeFileSync(next, `${value}\n${attrError ?? ''}\n`, { mode: 0o644 });
  renameSync(next, last);
  if (attrError !== undefined) throw new Error(`cannot set ${s.name}=${value}: ${attrError}`);
}
