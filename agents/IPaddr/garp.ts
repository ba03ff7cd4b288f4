/**
 * Gratuitous ARP with iputils `arping -U` (unsolicited ARP requests: sender and target address
 * are both the virtual address, sent to the broadcast MAC), so neighbours update their caches
 * to this host's MAC. iputils' own `-i` takes whole seconds only, so arp_interval (ms) is honoured
 * by starting one single-probe arping every interval. Also: duplicate detection (`arping -D`)
 * and the tracked background sender (pid file under HA_RSCTMP, mode 0600, killed by stop).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { procCmdline, processLiveness } from '@ocfkit/sdk';
import { type ArpSettings, arpSettings } from './aliases';
import { readIp } from './ip-read';
import type { Ctx } from './params';
import { listedLinkFlags } from './target';

/** argv[0] of the background sender, so stop can tell it from an unrelated process. */
const SENDER_NAME = 'ocfkit-garp';

/**
 * The background sender: a fixed shell script; every value arrives as a positional parameter,
 * nothing is pasted into the script text.
 */
const SENDER_SCRIPT =
  'i=0; while [ "$i" -lt "$3" ]; do arping -q -U -c 1 -I "$1" "$2" & i=$((i+1)); [ "$i" -lt "$3" ] && sleep "$4"; done; wait';

/**
 * The pid file of the background sender for `ip`.
 *
 * @example
 * senderPidFile(ctx) // '/run/resource-agents/ocfkit-IPaddr-garp-10.0.0.5.pid'
 */
function senderPidFile(ctx: Ctx): string {
  return join(ctx.env.HA_RSCTMP || '/run/resource-agents', `ocfkit-IPaddr-garp-${ctx.params.ip}.pid`);
}

/**
 * The flags of `nic` as `ip -o link show` prints them between `<` and `>` (UP, NOARP, LOOPBACK…).
 *
 * @example
 * await linkFlags(ctx, 'eth0') // ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP']
 */
export async function linkFlags(ctx: Ctx, nic: string): Promise<string[]> {
  const listed = listedLinkFlags(ctx, nic);
  if (listed !== undefined) return listed;
  return /<([^>]*)>/.exec((await readIp(ctx, ['-o', 'link', 'show', 'dev', nic])).stdout)?.[1]?.split(',') ?? [];
}

/**
 * True when a link with these {@link linkFlags} takes part in ARP: not a loopback and no NOARP
 * flag (dummy, tun, `arp off`), where arping fails with "not ARPable" and there are no neighbours
 * to tell.
 *
 * @example
 * if (arpCapable(await linkFlags(ctx, 'eth0'))) await sendGratuitousArp(ctx, 'eth0');
 */
export function arpCapable(flags: readonly string[]): boolean {
  return !flags.includes('NOARP') && !flags.includes('LOOPBACK');
}

/** Milliseconds as a `sleep` argument in seconds, e.g. 200 → "0.200". */
function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/**
 * Sends `arp_count` gratuitous ARPs for `ip` on `nic`, in the foreground or (arp_bg) from a
 * tracked background process.
 *
 * @example
 * await sendGratuitousArp(ctx, 'eth0');
 */
export async function sendGratuitousArp(ctx: Ctx, nic: string): Promise<void> {
  const { ip } = ctx.params;
  const arp = arpSettings(ctx);
  const { count, intervalMs: interval } = arp;
  await stopSender(ctx);
  if (arp.background) {
    startSender(ctx, nic, arp);
    return;
  }
  const runs: Promise<unknown>[] = [];
  for (let i = 0; i < count; i++) {
    runs.push(ctx.exec('arping', ['-q', '-U', '-c', '1', '-I', nic, ip]));
    if (i + 1 < count) await ctx.sleep(interval);
  }
  await Promise.all(runs);
  ctx.log.info(`sent ${count} gratuitous ARPs for ${ip} on ${nic}`);
}

function startSender(ctx: Ctx, nic: string, { count, intervalMs: interval }: ArpSettings): void {
  const { ip } = ctx.params;
  const file = senderPidFile(ctx);
  mkdirSync(join(file, '..'), { recursive: true, mode: 0o755 });
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(ctx.env)) if (v !== undefined) env[k] = v;
  env.PATH = [env.PATH, '/sbin', '/bin', '/usr/sbin', '/usr/bin'].filter(Boolean).join(':');
  // Own process group, so stop can kill the loop and its arping children together.
  const child = spawn('/bin/sh', ['-c', SENDER_SCRIPT, SENDER_NAME, nic, ip, String(count), seconds(interval)], {
    detached: true,
    stdio: 'ignore',
    env,
  });
  child.on('error', (err) => ctx.log.error(`background ARP sender: ${err.message}`));
  if (child.pid === undefined) throw new Error(`could not start the background ARP sender for ${ip}`);
  writeFileSync(file, `${child.pid}\n`, { mode: 0o600 });
  child.unref();
  ctx.log.info(`sending ${count} gratuitous ARPs for ${ip} on ${nic} in the background (pid ${child.pid}, ${file})`);
}

/** The pid in the pid file when it still names our sender for this address. */
function livePid(ctx: Ctx, file: string): number | undefined {
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 1 || processLiveness(pid) !== 'alive') return undefined;
  const argv = procCmdline(pid);
  if (argv === undefined) {
    // /proc hides it (hidepid, never for our own children with our capabilities): cannot tell
    // whether it is our sender, so it is not signalled; a sender ends by itself after its ARPs.
    ctx.log.warn(`cannot tell whether pid ${pid} is the ARP sender for ${ctx.params.ip}: /proc does not show it`);
    return undefined;
  }
  return argv[3] === SENDER_NAME && argv[5] === ctx.params.ip ? pid : undefined;
}

/**
 * Stops the background sender for this address, if one runs, and removes its pid file.
 * Idempotent. A pid whose command line is not our sender (a recycled pid) is never signalled.
 *
 * @example
 * await stopSender(ctx);
 */
export async function stopSender(ctx: Ctx): Promise<void> {
  const file = senderPidFile(ctx);
  const pid = livePid(ctx, file);
  if (pid !== undefined) {
    try {
      process.kill(-pid, 'SIGKILL');
      ctx.log.info(`stopped the background ARP sender (pid ${pid})`);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  }
  rmSync(file, { force: true });
}

/**
 * Duplicate address detection: true when another host answers ARP for `ip` on `nic`
 * (`arping -q -c 2 -w 3 -D`, exit 1 on a reply).
 *
 * @example
 * if (await addressInUse(ctx, 'eth0')) fail.generic('in use');
 */
export async function addressInUse(ctx: Ctx, nic: string): Promise<boolean> {
  const r = await ctx.exec('arping', ['-q', '-c', '2', '-w', '3', '-D', '-I', nic, ctx.params.ip], { okCodes: [0, 1] });
  return r.exitCode === 1;
}
